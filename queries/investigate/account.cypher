// name: account
// description: One account's properties and its cluster (id and score) in the latest run
// params: $account_id: string, $run_id: int (latest run)
// backends: portable
MATCH (a:Account {account_id: $account_id})
OPTIONAL MATCH (a)-[:IN_CLUSTER {run_id: $run_id}]->(c:Cluster {view: 'leiden'})
RETURN a.account_id AS account_id, a.created_at AS created_at, a.email AS email, a.email_domain AS email_domain,
       a.country AS country, a.org_id AS org_id, a.org_verified AS org_verified, a.plan AS plan,
       a.status AS status, c.cluster_id AS cluster_id, c.score AS cluster_score
LIMIT 1
