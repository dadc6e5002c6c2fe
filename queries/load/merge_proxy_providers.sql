-- name: merge_proxy_providers
-- description: Merge staged `proxy_providers` rows (a Parquet file) into the table by (provider); properties merge by the schema's rules (replace: a non-null new value wins; min/max: time bounds widen)
-- params: $parquet: string (path of the staged Parquet file)
-- backends: duckdb
-- generated from linkgraph/schema.py and model.py by `python -m linkgraph.store.sql`; do not edit
CREATE OR REPLACE TABLE "proxy_providers" AS
SELECT coalesce(n."provider", o."provider") AS "provider",
       coalesce(n."kind", o."kind") AS "kind"
FROM "proxy_providers" o FULL OUTER JOIN read_parquet($parquet) n ON o."provider" = n."provider"
