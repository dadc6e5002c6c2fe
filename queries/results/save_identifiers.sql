-- name: save_identifiers
-- description: Append a run's `identifiers` (the Arrow table registered as `incoming`) to `cluster_identifiers`
-- params: $run_id: int
-- backends: duckdb
-- generated from linkgraph/schema.py and model.py by `python -m linkgraph.store.sql`; do not edit
INSERT INTO "cluster_identifiers"
SELECT $run_id, "cluster_id", "id_type", "identifier", "members" FROM incoming
