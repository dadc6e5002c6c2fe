-- name: read_clusters
-- description: The `clusters` of one detection run
-- params: $run_id: int
-- backends: duckdb
-- generated from linkgraph/schema.py and model.py by `python -m linkgraph.store.sql`; do not edit
SELECT "cluster_id", "score", "size", "evidence", "features", "contributions", "first_signup", "last_signup", "payment_methods", "proxy_providers", "requests", "top_categories", "view"
FROM "clusters"
WHERE run_id = $run_id
