// name: intel_matches
// description: Stored intel matches, strongest first
// params: none
// backends: portable
MATCH (m:IntelMatch)
RETURN m.account_id AS account_id, m.strength AS strength, m.level AS level, m.source AS source,
       m.source_campaign AS source_campaign, m.indicator_kinds AS indicator_kinds, m.evidence AS evidence,
       m.bundle_id AS bundle_id, m.key_fingerprint AS key_fingerprint, m.matched_at AS matched_at
ORDER BY strength DESC, account_id, source_campaign
