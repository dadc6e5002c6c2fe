// name: create_run
// description: Start recording a detection run as a (:DetectionRun) with the next run_id and status 'writing' (readers see it once complete); its params and stats JSON follow with append_run_text
// params: $created_at: timestamp (stored as a Neo4j datetime), $engine: string
// backends: portable
OPTIONAL MATCH (r:DetectionRun)
WITH coalesce(max(r.run_id), 0) + 1 AS run_id
CREATE (d:DetectionRun {run_id: run_id, created_at: $created_at, params: '', stats: '', engine: $engine,
                        status: 'writing'})
RETURN d.run_id AS run_id
