-- name: decisions
-- description: Analyst decisions, newest first; for one cluster when $cluster_id is set
-- params: $cluster_id: string (or null for all)
-- backends: duckdb
SELECT cluster_id, status, analyst, note, decided_at FROM decisions
WHERE $cluster_id IS NULL OR cluster_id = $cluster_id
ORDER BY decided_at DESC
