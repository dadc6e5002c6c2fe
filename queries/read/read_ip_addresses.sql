-- name: read_ip_addresses
-- description: The whole `ip_addresses` table in key order (ip)
-- params: none
-- backends: duckdb
-- generated from linkgraph/schema.py and model.py by `python -m linkgraph.store.sql`; do not edit
SELECT "ip", "version", "subnet", "proxy_provider", "proxy_kind"
FROM "ip_addresses"
ORDER BY "ip"
