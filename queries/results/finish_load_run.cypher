// name: finish_load_run
// description: Mark a load complete, with its finish time and row counts per table
// params: $load_id: int, $finished_at: timestamp (stored as a Neo4j datetime), $counts: string (JSON object table -> rows)
// backends: portable
MATCH (r:LoadRun {load_id: $load_id})
SET r.finished_at = $finished_at, r.counts = $counts, r.status = 'complete'
RETURN r.load_id AS load_id
