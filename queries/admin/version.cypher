// name: version
// description: A token that changes whenever a load, a detection run, a decision or a case event is completed (cache key for readers)
// params: none
// backends: portable
OPTIONAL MATCH (l:LoadRun)
WITH max(CASE WHEN l.status = 'complete' THEN l.load_id END) AS load_id
OPTIONAL MATCH (r:DetectionRun)
WITH load_id, max(CASE WHEN r.status = 'complete' THEN r.run_id END) AS run_id
OPTIONAL MATCH (d:Decision)
WITH load_id, run_id, count(d) AS decisions
OPTIONAL MATCH (e:CaseEvent)
RETURN load_id, run_id, decisions, count(e) AS case_events
