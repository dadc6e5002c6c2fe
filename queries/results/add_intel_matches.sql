-- name: add_intel_matches
-- description: Store intel matches; matching the same bundle again replaces its rows per (bundle_id, source_campaign, account_id)
-- params: $rows: list<map> (one map per match, the columns of `intel_matches`; matched_at as ISO 8601 text)
-- backends: duckdb
INSERT OR REPLACE INTO intel_matches
SELECT r.account_id, r.strength, r.level, r.source, r.source_campaign, r.indicator_kinds, r.evidence,
       r.bundle_id, r.key_fingerprint, CAST(r.matched_at AS TIMESTAMPTZ)
FROM (SELECT unnest($rows) AS r)
