-- name: create_proxy_providers
-- description: Create the `proxy_providers` load table when the store is new (columns and types from the schema)
-- params: none
-- backends: duckdb
-- generated from linkgraph/schema.py and model.py by `python -m linkgraph.store.sql`; do not edit
CREATE TABLE IF NOT EXISTS "proxy_providers" ("provider" VARCHAR, "kind" VARCHAR)
