// name: read_members
// description: The cluster members of one run, as the `members` result table
// params: $run_id: int
// backends: portable
MATCH (a:Account)-[m:IN_CLUSTER]->(c:Cluster {run_id: $run_id})
RETURN c.cluster_id AS cluster_id, a.account_id AS account_id, m.sub_cluster_id AS sub_cluster_id,
       m.attribution AS attribution, m.action AS action, m.reasons AS reasons
ORDER BY cluster_id, account_id
