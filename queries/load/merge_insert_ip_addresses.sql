-- name: merge_insert_ip_addresses
-- description: Append staged `ip_addresses` rows (a Parquet file) whose (ip) is new to the table
-- params: $parquet: string (path of the staged Parquet file)
-- backends: duckdb
-- generated from linkgraph/schema.py and model.py by `python -m linkgraph.store.sql`; do not edit
INSERT INTO "ip_addresses" ("ip", "version", "subnet", "proxy_provider", "proxy_kind")
SELECT n."ip", n."version", n."subnet", n."proxy_provider", n."proxy_kind"
FROM read_parquet($parquet) AS n
ANTI JOIN "ip_addresses" AS t ON t."ip" = n."ip"
