-- name: create_email_at
-- description: Create the `email_at` load table when the store is new (columns and types from the schema)
-- params: none
-- backends: duckdb
-- generated from linkgraph/schema.py and model.py by `python -m linkgraph.store.sql`; do not edit
CREATE TABLE IF NOT EXISTS "email_at" ("account_id" VARCHAR, "domain" VARCHAR)
