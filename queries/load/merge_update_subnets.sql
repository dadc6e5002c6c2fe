-- name: merge_update_subnets
-- description: Merge staged `subnets` rows (a Parquet file) into existing rows with the same (subnet) by the schema's rules (replace: a non-null new value wins; min/max: time bounds widen); only rows whose values change are written
-- params: $parquet: string (path of the staged Parquet file)
-- backends: duckdb
-- generated from linkgraph/schema.py and model.py by `python -m linkgraph.store.sql`; do not edit
UPDATE "subnets" AS t
SET "version" = coalesce(n."version", t."version")
FROM read_parquet($parquet) AS n
WHERE t."subnet" = n."subnet"
  AND (coalesce(n."version", t."version") IS DISTINCT FROM t."version")
