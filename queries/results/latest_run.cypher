// name: latest_run
// description: The id of the newest completed detection run (null when there is none)
// params: none
// backends: portable
MATCH (d:DetectionRun)
WHERE d.status = 'complete'
RETURN max(d.run_id) AS run_id
