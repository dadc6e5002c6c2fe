-- name: create_via_proxy
-- description: Create the `via_proxy` load table when the store is new (columns and types from the schema)
-- params: none
-- backends: duckdb
-- generated from linkgraph/schema.py and model.py by `python -m linkgraph.store.sql`; do not edit
CREATE TABLE IF NOT EXISTS "via_proxy" ("ip" VARCHAR, "provider" VARCHAR)
