// name: finish_run
// description: Mark a detection run complete so readers (runs, read_result, investigator queries) see it
// params: $run_id: int
// backends: portable
MATCH (d:DetectionRun {run_id: $run_id})
SET d.status = 'complete'
RETURN d.run_id AS run_id
