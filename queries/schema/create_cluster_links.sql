-- name: create_cluster_links
-- description: Create the `cluster_links` result table (one row set per detection run) when the store is new
-- params: none
-- backends: duckdb
-- generated from linkgraph/schema.py and model.py by `python -m linkgraph.store.sql`; do not edit
CREATE TABLE IF NOT EXISTS "cluster_links" (run_id BIGINT, "cluster_id" VARCHAR, "a" VARCHAR, "b" VARCHAR, "weight" DOUBLE, "evidence" VARCHAR)
