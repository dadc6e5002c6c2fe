-- name: create_cluster_members
-- description: Create the `cluster_members` result table (one row set per detection run) when the store is new
-- params: none
-- backends: duckdb
-- generated from linkgraph/schema.py and model.py by `python -m linkgraph.store.sql`; do not edit
CREATE TABLE IF NOT EXISTS "cluster_members" (run_id BIGINT, "cluster_id" VARCHAR, "account_id" VARCHAR, "sub_cluster_id" VARCHAR, "attribution" DOUBLE, "action" VARCHAR, "reasons" VARCHAR)
