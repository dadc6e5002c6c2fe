-- name: create_detection_runs
-- description: Create the `detection_runs` table (one row per stored detection run) when the store is new
-- params: none
-- backends: duckdb
CREATE TABLE IF NOT EXISTS detection_runs (run_id BIGINT, created_at TIMESTAMPTZ,
    params VARCHAR, stats VARCHAR, engine VARCHAR)
