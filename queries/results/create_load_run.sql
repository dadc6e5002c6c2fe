-- name: create_load_run
-- description: Record a completed load with the next load_id; returns the load_id
-- params: $fingerprint: string, $source: string, $started_at: timestamp, $finished_at: timestamp, $files: string (JSON), $counts: string (JSON)
-- backends: duckdb
INSERT INTO load_runs
SELECT coalesce(max(load_id), 0) + 1, $fingerprint, $source, $started_at, $finished_at, $files, $counts
FROM load_runs
RETURNING load_id
