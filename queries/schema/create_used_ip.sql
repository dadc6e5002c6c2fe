-- name: create_used_ip
-- description: Create the `used_ip` load table when the store is new (columns and types from the schema)
-- params: none
-- backends: duckdb
-- generated from linkgraph/schema.py and model.py by `python -m linkgraph.store.sql`; do not edit
CREATE TABLE IF NOT EXISTS "used_ip" ("account_id" VARCHAR, "ip" VARCHAR, "first_seen" TIMESTAMPTZ, "last_seen" TIMESTAMPTZ, "request_count" BIGINT, "user_agent" VARCHAR)
