-- name: read_identifiers
-- description: The `identifiers` of one detection run
-- params: $run_id: int
-- backends: duckdb
-- generated from linkgraph/schema.py and model.py by `python -m linkgraph.store.sql`; do not edit
SELECT "cluster_id", "id_type", "identifier", "members"
FROM "cluster_identifiers"
WHERE run_id = $run_id
