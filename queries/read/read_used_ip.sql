-- name: read_used_ip
-- description: The whole `used_ip` table in key order (account_id, ip)
-- params: none
-- backends: duckdb
-- generated from linkgraph/schema.py and model.py by `python -m linkgraph.store.sql`; do not edit
SELECT "account_id", "ip", "first_seen", "last_seen", "request_count", "user_agent"
FROM "used_ip"
ORDER BY "account_id", "ip"
