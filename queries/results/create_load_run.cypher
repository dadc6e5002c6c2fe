// name: create_load_run
// description: Start recording a load as a (:LoadRun) with the next load_id and status 'running' (it counts only once finished)
// params: $fingerprint: string, $source: string, $started_at: timestamp (stored as a Neo4j datetime), $files: string (JSON list of source files)
// backends: portable
OPTIONAL MATCH (l:LoadRun)
WITH coalesce(max(l.load_id), 0) + 1 AS load_id
CREATE (r:LoadRun {load_id: load_id, fingerprint: $fingerprint, source: $source, started_at: $started_at,
                   files: $files, status: 'running'})
RETURN r.load_id AS load_id
