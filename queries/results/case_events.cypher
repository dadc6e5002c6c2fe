// name: case_events
// description: Case events, newest first; for one campaign (and the account decisions that apply to every campaign) when $campaign_id is set
// params: $campaign_id: string (or null for all)
// backends: portable
MATCH (e:CaseEvent)
WHERE $campaign_id IS NULL OR e.campaign_id = $campaign_id OR e.campaign_id = ''
RETURN e.event_id AS event_id, e.campaign_id AS campaign_id, e.action AS action, e.author AS author, e.account_id AS account_id, e.before AS before, e.after AS after, e.note AS note, e.reply_to AS reply_to, e.written_at AS written_at
ORDER BY written_at DESC
