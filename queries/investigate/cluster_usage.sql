-- name: cluster_usage
-- description: Daily usage of a cluster's members (newest run that has it) by category: what the campaign was doing, and when
-- params: $cluster_id: string, $limit: int
-- backends: duckdb
WITH run AS (SELECT max(run_id) AS r FROM clusters WHERE cluster_id = $cluster_id),
m AS (SELECT account_id FROM cluster_members WHERE run_id = (SELECT r FROM run) AND cluster_id = $cluster_id)
SELECT day, category, sum(requests)::BIGINT AS requests, sum(tokens)::BIGINT AS tokens,
       sum(flagged_jailbreak)::BIGINT AS flagged_jailbreak
FROM usage WHERE account_id IN (SELECT account_id FROM m)
GROUP BY day, category
ORDER BY day, category
LIMIT $limit
