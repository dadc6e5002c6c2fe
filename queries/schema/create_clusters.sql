-- name: create_clusters
-- description: Create the `clusters` result table (one row set per detection run) when the store is new
-- params: none
-- backends: duckdb
-- generated from linkgraph/schema.py and model.py by `python -m linkgraph.store.sql`; do not edit
CREATE TABLE IF NOT EXISTS "clusters" (run_id BIGINT, "cluster_id" VARCHAR, "score" DOUBLE, "size" BIGINT, "evidence" VARCHAR, "features" VARCHAR, "contributions" VARCHAR, "first_signup" TIMESTAMPTZ, "last_signup" TIMESTAMPTZ, "payment_methods" BIGINT, "proxy_providers" VARCHAR, "requests" BIGINT, "top_categories" VARCHAR, "view" VARCHAR)
