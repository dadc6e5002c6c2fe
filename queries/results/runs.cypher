// name: runs
// description: Completed detection runs, newest first
// params: none
// backends: portable
MATCH (d:DetectionRun)
WHERE d.status = 'complete'
RETURN d.run_id AS run_id, d.created_at AS created_at, d.params AS params, d.stats AS stats, d.engine AS engine
ORDER BY run_id DESC
