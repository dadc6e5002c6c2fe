-- name: create_ip_addresses
-- description: Create the `ip_addresses` load table when the store is new (columns and types from the schema)
-- params: none
-- backends: duckdb
-- generated from linkgraph/schema.py and model.py by `python -m linkgraph.store.sql`; do not edit
CREATE TABLE IF NOT EXISTS "ip_addresses" ("ip" VARCHAR, "version" BIGINT, "subnet" VARCHAR, "proxy_provider" VARCHAR, "proxy_kind" VARCHAR)
