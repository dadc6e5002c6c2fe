// name: add_intel_matches
// description: Store intel matches as (:IntelMatch) nodes; matching the same bundle again replaces them per (bundle_id, source_campaign, account_id)
// params: $rows: list<map> (one map per match, the columns of `intel_matches`; matched_at as ISO 8601 text)
// backends: portable
UNWIND $rows AS row
MERGE (m:IntelMatch {bundle_id: row.bundle_id, source_campaign: row.source_campaign, account_id: row.account_id})
SET m.strength = row.strength, m.level = row.level, m.source = row.source,
    m.indicator_kinds = row.indicator_kinds, m.evidence = row.evidence,
    m.key_fingerprint = row.key_fingerprint, m.matched_at = row.matched_at
RETURN count(*) AS rows
