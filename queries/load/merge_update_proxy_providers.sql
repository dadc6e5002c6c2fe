-- name: merge_update_proxy_providers
-- description: Merge staged `proxy_providers` rows (a Parquet file) into existing rows with the same (provider) by the schema's rules (replace: a non-null new value wins; min/max: time bounds widen); only rows whose values change are written
-- params: $parquet: string (path of the staged Parquet file)
-- backends: duckdb
-- generated from linkgraph/schema.py and model.py by `python -m linkgraph.store.sql`; do not edit
UPDATE "proxy_providers" AS t
SET "kind" = coalesce(n."kind", t."kind")
FROM read_parquet($parquet) AS n
WHERE t."provider" = n."provider"
  AND (coalesce(n."kind", t."kind") IS DISTINCT FROM t."kind")
