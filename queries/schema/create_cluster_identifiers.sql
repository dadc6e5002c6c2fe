-- name: create_cluster_identifiers
-- description: Create the `cluster_identifiers` result table (one row set per detection run) when the store is new
-- params: none
-- backends: duckdb
-- generated from linkgraph/schema.py and model.py by `python -m linkgraph.store.sql`; do not edit
CREATE TABLE IF NOT EXISTS "cluster_identifiers" (run_id BIGINT, "cluster_id" VARCHAR, "id_type" VARCHAR, "identifier" VARCHAR, "members" BIGINT)
