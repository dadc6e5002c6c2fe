-- name: merge_update_ip_intel
-- description: Merge staged `ip_intel` rows (a Parquet file) into existing rows with the same (network) by the schema's rules (replace: a non-null new value wins; min/max: time bounds widen); only rows whose values change are written
-- params: $parquet: string (path of the staged Parquet file)
-- backends: duckdb
-- generated from linkgraph/schema.py and model.py by `python -m linkgraph.store.sql`; do not edit
UPDATE "ip_intel" AS t
SET "provider" = coalesce(n."provider", t."provider"),
    "kind" = coalesce(n."kind", t."kind"),
    "asn" = coalesce(n."asn", t."asn")
FROM read_parquet($parquet) AS n
WHERE t."network" = n."network"
  AND (coalesce(n."provider", t."provider") IS DISTINCT FROM t."provider"
    OR coalesce(n."kind", t."kind") IS DISTINCT FROM t."kind"
    OR coalesce(n."asn", t."asn") IS DISTINCT FROM t."asn")
