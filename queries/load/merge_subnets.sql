-- name: merge_subnets
-- description: Merge staged `subnets` rows (a Parquet file) into the table by (subnet); properties merge by the schema's rules (replace: a non-null new value wins; min/max: time bounds widen)
-- params: $parquet: string (path of the staged Parquet file)
-- backends: duckdb
-- generated from linkgraph/schema.py and model.py by `python -m linkgraph.store.sql`; do not edit
CREATE OR REPLACE TABLE "subnets" AS
SELECT coalesce(n."subnet", o."subnet") AS "subnet",
       coalesce(n."version", o."version") AS "version"
FROM "subnets" o FULL OUTER JOIN read_parquet($parquet) n ON o."subnet" = n."subnet"
