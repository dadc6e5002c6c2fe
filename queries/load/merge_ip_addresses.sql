-- name: merge_ip_addresses
-- description: Merge staged `ip_addresses` rows (a Parquet file) into the table by (ip); properties merge by the schema's rules (replace: a non-null new value wins; min/max: time bounds widen)
-- params: $parquet: string (path of the staged Parquet file)
-- backends: duckdb
-- generated from linkgraph/schema.py and model.py by `python -m linkgraph.store.sql`; do not edit
CREATE OR REPLACE TABLE "ip_addresses" AS
SELECT coalesce(n."ip", o."ip") AS "ip",
       coalesce(n."version", o."version") AS "version",
       coalesce(n."subnet", o."subnet") AS "subnet",
       coalesce(n."proxy_provider", o."proxy_provider") AS "proxy_provider",
       coalesce(n."proxy_kind", o."proxy_kind") AS "proxy_kind"
FROM "ip_addresses" o FULL OUTER JOIN read_parquet($parquet) n ON o."ip" = n."ip"
