-- name: intel_matches
-- description: Stored intel matches, strongest first
-- params: none
-- backends: duckdb
SELECT account_id, strength, level, source, source_campaign, indicator_kinds, evidence, bundle_id,
       key_fingerprint, matched_at
FROM intel_matches
ORDER BY strength DESC, account_id, source_campaign
