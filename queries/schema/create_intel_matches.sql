-- name: create_intel_matches
-- description: Create the `intel_matches` table (a peer lab's shared campaigns matched to this lab's accounts) when the store is new
-- params: none
-- backends: duckdb
CREATE TABLE IF NOT EXISTS intel_matches (account_id VARCHAR, strength DOUBLE, level VARCHAR, source VARCHAR,
    source_campaign VARCHAR, indicator_kinds VARCHAR, evidence VARCHAR, bundle_id VARCHAR,
    key_fingerprint VARCHAR, matched_at TIMESTAMPTZ, PRIMARY KEY (bundle_id, source_campaign, account_id))
