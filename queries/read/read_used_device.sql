-- name: read_used_device
-- description: The whole `used_device` table in key order (account_id, device_id)
-- params: none
-- backends: duckdb
-- generated from linkgraph/schema.py and model.py by `python -m linkgraph.store.sql`; do not edit
SELECT "account_id", "device_id", "first_seen", "last_seen"
FROM "used_device"
ORDER BY "account_id", "device_id"
