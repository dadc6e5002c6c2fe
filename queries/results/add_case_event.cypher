// name: add_case_event
// description: Append a case event (owner, note or account decision) as a (:CaseEvent) node (audit trail, never updated)
// params: $event_id: string, $campaign_id: string, $action: string, $author: string, $account_id: string, $before: string, $after: string, $note: string, $reply_to: string, $written_at: timestamp (sent as epoch microseconds)
// backends: portable
CREATE (e:CaseEvent {event_id: $event_id, campaign_id: $campaign_id, action: $action, author: $author,
    account_id: $account_id, before: $before, after: $after, note: $note, reply_to: $reply_to,
    written_at: $written_at})
RETURN e.event_id AS event_id
