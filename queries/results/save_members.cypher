// name: save_members
// description: Link a batch of member accounts to their clusters of a run with [:IN_CLUSTER {run_id}], carrying the member's sub-cluster, attribution, action and reasons
// params: $run_id: int, $rows: list<map> (the member columns of model.MEMBER_COLUMNS)
// backends: portable
UNWIND $rows AS row
MATCH (c:Cluster {run_id: $run_id, cluster_id: row.cluster_id})
MERGE (a:Account {account_id: row.account_id})
CREATE (a)-[m:IN_CLUSTER {run_id: $run_id}]->(c)
SET m.sub_cluster_id = row.sub_cluster_id, m.attribution = row.attribution, m.action = row.action,
    m.reasons = row.reasons
RETURN count(*) AS members
