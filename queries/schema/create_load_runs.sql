-- name: create_load_runs
-- description: Create the `load_runs` table (one row per completed load, with the export's fingerprint) when the store is new
-- params: none
-- backends: duckdb
CREATE TABLE IF NOT EXISTS load_runs (load_id BIGINT, fingerprint VARCHAR, source VARCHAR,
    started_at TIMESTAMPTZ, finished_at TIMESTAMPTZ, files VARCHAR, counts VARCHAR)
