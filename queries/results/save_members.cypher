// name: save_members
// description: Link a batch of member accounts to their clusters of a run with [:IN_CLUSTER {run_id}]
// params: $run_id: int, $rows: list<map> (cluster_id, account_id)
// backends: portable
UNWIND $rows AS row
MATCH (c:Cluster {run_id: $run_id, cluster_id: row.cluster_id})
MERGE (a:Account {account_id: row.account_id})
CREATE (a)-[:IN_CLUSTER {run_id: $run_id}]->(c)
RETURN count(*) AS members
