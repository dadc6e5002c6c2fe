-- name: create_usage
-- description: Create the `usage` load table when the store is new (columns and types from the schema)
-- params: none
-- backends: duckdb
-- generated from linkgraph/schema.py and model.py by `python -m linkgraph.store.sql`; do not edit
CREATE TABLE IF NOT EXISTS "usage" ("account_id" VARCHAR, "day" DATE, "category" VARCHAR, "requests" BIGINT, "tokens" BIGINT, "flagged_jailbreak" BIGINT)
