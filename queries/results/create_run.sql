-- name: create_run
-- description: Record a detection run with the next run_id (its result tables are written in the same transaction); returns the run_id
-- params: $created_at: timestamp, $params: string (JSON), $stats: string (JSON), $engine: string
-- backends: duckdb
INSERT INTO detection_runs
SELECT coalesce(max(run_id), 0) + 1, $created_at, $params, $stats, $engine
FROM detection_runs
RETURNING run_id
