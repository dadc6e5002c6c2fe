// name: cluster_usage
// description: Daily usage of a cluster's members (newest run that has it) by category: what the campaign was doing, and when
// params: $cluster_id: string, $limit: int
// backends: portable
MATCH (:DetectionRun {status: 'complete'})-[:PRODUCED]->(c:Cluster {cluster_id: $cluster_id})
WITH max(c.run_id) AS run_id
MATCH (a:Account)-[:IN_CLUSTER]->(:Cluster {cluster_id: $cluster_id, run_id: run_id})
MATCH (u:Usage {account_id: a.account_id})
WITH u.day AS day, u.category AS category, sum(u.requests) AS requests, sum(u.tokens) AS tokens,
     sum(u.flagged_jailbreak) AS flagged_jailbreak
RETURN day, category, requests, tokens, flagged_jailbreak
ORDER BY day, category
LIMIT $limit
