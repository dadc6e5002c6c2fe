-- name: read_devices
-- description: The whole `devices` table in key order (device_id)
-- params: none
-- backends: duckdb
-- generated from linkgraph/schema.py and model.py by `python -m linkgraph.store.sql`; do not edit
SELECT "device_id"
FROM "devices"
ORDER BY "device_id"
