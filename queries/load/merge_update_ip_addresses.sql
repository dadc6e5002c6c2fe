-- name: merge_update_ip_addresses
-- description: Merge staged `ip_addresses` rows (a Parquet file) into existing rows with the same (ip) by the schema's rules (replace: a non-null new value wins; min/max: time bounds widen); only rows whose values change are written
-- params: $parquet: string (path of the staged Parquet file)
-- backends: duckdb
-- generated from linkgraph/schema.py and model.py by `python -m linkgraph.store.sql`; do not edit
UPDATE "ip_addresses" AS t
SET "version" = coalesce(n."version", t."version"),
    "subnet" = coalesce(n."subnet", t."subnet"),
    "proxy_provider" = coalesce(n."proxy_provider", t."proxy_provider"),
    "proxy_kind" = coalesce(n."proxy_kind", t."proxy_kind")
FROM read_parquet($parquet) AS n
WHERE t."ip" = n."ip"
  AND (coalesce(n."version", t."version") IS DISTINCT FROM t."version"
    OR coalesce(n."subnet", t."subnet") IS DISTINCT FROM t."subnet"
    OR coalesce(n."proxy_provider", t."proxy_provider") IS DISTINCT FROM t."proxy_provider"
    OR coalesce(n."proxy_kind", t."proxy_kind") IS DISTINCT FROM t."proxy_kind")
