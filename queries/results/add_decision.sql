-- name: add_decision
-- description: Append an analyst decision on a cluster to the audit trail
-- params: $cluster_id: string, $status: string, $analyst: string, $note: string, $decided_at: timestamp
-- backends: duckdb
INSERT INTO decisions VALUES ($cluster_id, $status, $analyst, $note, $decided_at)
