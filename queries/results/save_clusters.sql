-- name: save_clusters
-- description: Append a run's `clusters` (the Arrow table registered as `incoming`) to `clusters`
-- params: $run_id: int
-- backends: duckdb
-- generated from linkgraph/schema.py and model.py by `python -m linkgraph.store.sql`; do not edit
INSERT INTO "clusters"
SELECT $run_id, "cluster_id", "score", "size", "evidence", "features", "contributions", "first_signup", "last_signup", "payment_methods", "proxy_providers", "requests", "top_categories", "view" FROM incoming
