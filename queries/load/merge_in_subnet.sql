-- name: merge_in_subnet
-- description: Merge staged `in_subnet` rows (a Parquet file) into the table by (ip, subnet); properties merge by the schema's rules (replace: a non-null new value wins; min/max: time bounds widen)
-- params: $parquet: string (path of the staged Parquet file)
-- backends: duckdb
-- generated from linkgraph/schema.py and model.py by `python -m linkgraph.store.sql`; do not edit
CREATE OR REPLACE TABLE "in_subnet" AS
SELECT coalesce(n."ip", o."ip") AS "ip",
       coalesce(n."subnet", o."subnet") AS "subnet"
FROM "in_subnet" o FULL OUTER JOIN read_parquet($parquet) n ON o."ip" = n."ip" AND o."subnet" = n."subnet"
