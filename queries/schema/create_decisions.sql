-- name: create_decisions
-- description: Create the append-only `decisions` table (the analysts' audit trail) when the store is new
-- params: none
-- backends: duckdb
CREATE TABLE IF NOT EXISTS decisions (cluster_id VARCHAR, status VARCHAR, analyst VARCHAR,
    note VARCHAR, decided_at TIMESTAMPTZ)
