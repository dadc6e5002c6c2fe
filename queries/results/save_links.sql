-- name: save_links
-- description: Append a run's `links` (the Arrow table registered as `incoming`) to `cluster_links`
-- params: $run_id: int
-- backends: duckdb
-- generated from linkgraph/schema.py and model.py by `python -m linkgraph.store.sql`; do not edit
INSERT INTO "cluster_links"
SELECT $run_id, "cluster_id", "a", "b", "weight", "evidence" FROM incoming
