-- name: create_case_events
-- description: Create the append-only `case_events` table (owners, notes, account decisions: the rest of the audit trail) when the store is new
-- params: none
-- backends: duckdb
CREATE TABLE IF NOT EXISTS case_events (event_id VARCHAR, campaign_id VARCHAR, action VARCHAR,
    author VARCHAR, account_id VARCHAR, before VARCHAR, after VARCHAR, note VARCHAR,
    reply_to VARCHAR, written_at TIMESTAMPTZ)
