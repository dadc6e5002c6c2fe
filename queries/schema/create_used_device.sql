-- name: create_used_device
-- description: Create the `used_device` load table when the store is new (columns and types from the schema)
-- params: none
-- backends: duckdb
-- generated from linkgraph/schema.py and model.py by `python -m linkgraph.store.sql`; do not edit
CREATE TABLE IF NOT EXISTS "used_device" ("account_id" VARCHAR, "device_id" VARCHAR, "first_seen" TIMESTAMPTZ, "last_seen" TIMESTAMPTZ)
