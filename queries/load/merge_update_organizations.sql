-- name: merge_update_organizations
-- description: Merge staged `organizations` rows (a Parquet file) into existing rows with the same (org_id) by the schema's rules (replace: a non-null new value wins; min/max: time bounds widen); only rows whose values change are written
-- params: $parquet: string (path of the staged Parquet file)
-- backends: duckdb
-- generated from linkgraph/schema.py and model.py by `python -m linkgraph.store.sql`; do not edit
UPDATE "organizations" AS t
SET "verified" = greatest(n."verified", t."verified")
FROM read_parquet($parquet) AS n
WHERE t."org_id" = n."org_id"
  AND (greatest(n."verified", t."verified") IS DISTINCT FROM t."verified")
