-- name: read_ip_intel
-- description: The whole `ip_intel` table in key order (network)
-- params: none
-- backends: duckdb
-- generated from linkgraph/schema.py and model.py by `python -m linkgraph.store.sql`; do not edit
SELECT "network", "provider", "kind", "asn"
FROM "ip_intel"
ORDER BY "network"
