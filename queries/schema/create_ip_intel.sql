-- name: create_ip_intel
-- description: Create the `ip_intel` load table when the store is new (columns and types from the schema)
-- params: none
-- backends: duckdb
-- generated from linkgraph/schema.py and model.py by `python -m linkgraph.store.sql`; do not edit
CREATE TABLE IF NOT EXISTS "ip_intel" ("network" VARCHAR, "provider" VARCHAR, "kind" VARCHAR, "asn" BIGINT)
