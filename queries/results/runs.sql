-- name: runs
-- description: Detection runs, newest first
-- params: none
-- backends: duckdb
SELECT run_id, created_at, params, stats, engine FROM detection_runs ORDER BY run_id DESC
