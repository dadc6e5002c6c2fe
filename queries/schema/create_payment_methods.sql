-- name: create_payment_methods
-- description: Create the `payment_methods` load table when the store is new (columns and types from the schema)
-- params: none
-- backends: duckdb
-- generated from linkgraph/schema.py and model.py by `python -m linkgraph.store.sql`; do not edit
CREATE TABLE IF NOT EXISTS "payment_methods" ("payment_fingerprint" VARCHAR, "method_type" VARCHAR, "card_bin" VARCHAR, "card_last4" VARCHAR, "billing_country" VARCHAR)
