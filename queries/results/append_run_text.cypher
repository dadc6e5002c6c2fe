// name: append_run_text
// description: Append the next pieces of a detection run's params and stats JSON; long texts go in pieces because some Bolt peers take only small requests
// params: $run_id: int, $params: string (next piece of the params JSON, may be empty), $stats: string (next piece of the stats JSON, may be empty)
// backends: portable
MATCH (d:DetectionRun {run_id: $run_id})
SET d.params = d.params + $params, d.stats = d.stats + $stats
RETURN d.run_id AS run_id
