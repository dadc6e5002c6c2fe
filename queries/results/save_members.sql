-- name: save_members
-- description: Append a run's `members` (the Arrow table registered as `incoming`) to `cluster_members`
-- params: $run_id: int
-- backends: duckdb
-- generated from linkgraph/schema.py and model.py by `python -m linkgraph.store.sql`; do not edit
INSERT INTO "cluster_members"
SELECT $run_id, "cluster_id", "account_id", "sub_cluster_id", "attribution", "action", "reasons" FROM incoming
