-- name: add_case_event
-- description: Append a case event (owner, note or account decision) to the audit trail
-- params: $event_id: string, $campaign_id: string, $action: string, $author: string, $account_id: string, $before: string, $after: string, $note: string, $reply_to: string, $written_at: timestamp
-- backends: duckdb
INSERT INTO case_events VALUES ($event_id, $campaign_id, $action, $author, $account_id, $before, $after,
    $note, $reply_to, $written_at)
