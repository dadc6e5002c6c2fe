-- name: merge_ip_intel
-- description: Merge staged `ip_intel` rows (a Parquet file) into the table by (network); properties merge by the schema's rules (replace: a non-null new value wins; min/max: time bounds widen)
-- params: $parquet: string (path of the staged Parquet file)
-- backends: duckdb
-- generated from linkgraph/schema.py and model.py by `python -m linkgraph.store.sql`; do not edit
CREATE OR REPLACE TABLE "ip_intel" AS
SELECT coalesce(n."network", o."network") AS "network",
       coalesce(n."provider", o."provider") AS "provider",
       coalesce(n."kind", o."kind") AS "kind",
       coalesce(n."asn", o."asn") AS "asn"
FROM "ip_intel" o FULL OUTER JOIN read_parquet($parquet) n ON o."network" = n."network"
