-- name: read_links
-- description: The `links` of one detection run
-- params: $run_id: int
-- backends: duckdb
-- generated from linkgraph/schema.py and model.py by `python -m linkgraph.store.sql`; do not edit
SELECT "cluster_id", "a", "b", "weight", "evidence"
FROM "cluster_links"
WHERE run_id = $run_id
