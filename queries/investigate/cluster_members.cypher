// name: cluster_members
// description: Members of a cluster in the newest run that has it, with sign-up time and how many payment methods, IPs and devices each used
// params: $cluster_id: string, $limit: int
// backends: portable
MATCH (:DetectionRun {status: 'complete'})-[:PRODUCED]->(c:Cluster {cluster_id: $cluster_id})
WITH max(c.run_id) AS run_id
MATCH (a:Account)-[:IN_CLUSTER]->(:Cluster {cluster_id: $cluster_id, run_id: run_id})
RETURN a.account_id AS account_id, a.email AS email, a.created_at AS created_at, a.country AS country,
       a.status AS status,
       size([(a)-[:PAID_WITH]->(p:PaymentMethod) | p]) AS payment_methods,
       size([(a)-[:USED_IP]->(i:IPAddress) | i]) AS ips,
       size([(a)-[:USED_DEVICE]->(d:Device) | d]) AS devices
ORDER BY created_at, account_id
LIMIT $limit
