-- name: case_events
-- description: Case events, newest first; for one campaign (and the account decisions that apply to every campaign) when $campaign_id is set
-- params: $campaign_id: string (or null for all)
-- backends: duckdb
SELECT event_id, campaign_id, action, author, account_id, before, after, note, reply_to, written_at FROM case_events
WHERE $campaign_id IS NULL OR campaign_id = $campaign_id OR campaign_id = ''
ORDER BY written_at DESC
