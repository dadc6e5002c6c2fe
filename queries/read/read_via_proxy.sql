-- name: read_via_proxy
-- description: The whole `via_proxy` table in key order (ip, provider)
-- params: none
-- backends: duckdb
-- generated from linkgraph/schema.py and model.py by `python -m linkgraph.store.sql`; do not edit
SELECT "ip", "provider"
FROM "via_proxy"
ORDER BY "ip", "provider"
