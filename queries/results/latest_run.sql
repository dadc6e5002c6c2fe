-- name: latest_run
-- description: The id of the newest detection run (null when there is none)
-- params: none
-- backends: duckdb
SELECT max(run_id) AS run_id FROM detection_runs
