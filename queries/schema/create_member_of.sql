-- name: create_member_of
-- description: Create the `member_of` load table when the store is new (columns and types from the schema)
-- params: none
-- backends: duckdb
-- generated from linkgraph/schema.py and model.py by `python -m linkgraph.store.sql`; do not edit
CREATE TABLE IF NOT EXISTS "member_of" ("account_id" VARCHAR, "org_id" VARCHAR)
