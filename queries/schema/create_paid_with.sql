-- name: create_paid_with
-- description: Create the `paid_with` load table when the store is new (columns and types from the schema)
-- params: none
-- backends: duckdb
-- generated from linkgraph/schema.py and model.py by `python -m linkgraph.store.sql`; do not edit
CREATE TABLE IF NOT EXISTS "paid_with" ("account_id" VARCHAR, "payment_fingerprint" VARCHAR, "added_at" TIMESTAMPTZ)
