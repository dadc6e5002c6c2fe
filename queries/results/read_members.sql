-- name: read_members
-- description: The `members` of one detection run
-- params: $run_id: int
-- backends: duckdb
-- generated from linkgraph/schema.py and model.py by `python -m linkgraph.store.sql`; do not edit
SELECT "cluster_id", "account_id", "sub_cluster_id", "attribution", "action", "reasons"
FROM "cluster_members"
WHERE run_id = $run_id
