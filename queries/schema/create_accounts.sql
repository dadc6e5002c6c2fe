-- name: create_accounts
-- description: Create the `accounts` load table when the store is new (columns and types from the schema)
-- params: none
-- backends: duckdb
-- generated from linkgraph/schema.py and model.py by `python -m linkgraph.store.sql`; do not edit
CREATE TABLE IF NOT EXISTS "accounts" ("account_id" VARCHAR, "created_at" TIMESTAMPTZ, "email" VARCHAR, "email_domain" VARCHAR, "email_local" VARCHAR, "email_random" BOOLEAN, "email_namelike" BOOLEAN, "email_template" VARCHAR, "email_number" BIGINT, "email_shape" VARCHAR, "country" VARCHAR, "org_id" VARCHAR, "org_verified" BOOLEAN, "plan" VARCHAR, "status" VARCHAR, "extra" VARCHAR)
