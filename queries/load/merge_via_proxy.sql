-- name: merge_via_proxy
-- description: Merge staged `via_proxy` rows (a Parquet file) into the table by (ip, provider); properties merge by the schema's rules (replace: a non-null new value wins; min/max: time bounds widen)
-- params: $parquet: string (path of the staged Parquet file)
-- backends: duckdb
-- generated from linkgraph/schema.py and model.py by `python -m linkgraph.store.sql`; do not edit
CREATE OR REPLACE TABLE "via_proxy" AS
SELECT coalesce(n."ip", o."ip") AS "ip",
       coalesce(n."provider", o."provider") AS "provider"
FROM "via_proxy" o FULL OUTER JOIN read_parquet($parquet) n ON o."ip" = n."ip" AND o."provider" = n."provider"
