// name: new_accounts_near_cluster
// description: Accounts created at or after $since that share a payment method, device or IP with a cluster's members (newest run that has it) but are not members: replacements for banned accounts
// params: $cluster_id: string, $since: timestamp (stored as a Neo4j datetime), $limit: int
// backends: portable
CALL {
  MATCH (:DetectionRun {status: 'complete'})-[:PRODUCED]->(c:Cluster {cluster_id: $cluster_id})
  WITH max(c.run_id) AS run_id
  MATCH (m:Account)-[:IN_CLUSTER]->(:Cluster {cluster_id: $cluster_id, run_id: run_id})
  WITH collect(m) AS members
  UNWIND members AS m
  MATCH (m)-[:PAID_WITH]->(x:PaymentMethod)
  WITH members, x, count(DISTINCT m) AS shared_with
  MATCH (x)<-[:PAID_WITH]-(o:Account)
  WHERE o.created_at >= $since AND NOT o IN members
  RETURN o, 'payment' AS id_type, x.payment_fingerprint AS identifier, shared_with
  UNION ALL
  MATCH (:DetectionRun {status: 'complete'})-[:PRODUCED]->(c:Cluster {cluster_id: $cluster_id})
  WITH max(c.run_id) AS run_id
  MATCH (m:Account)-[:IN_CLUSTER]->(:Cluster {cluster_id: $cluster_id, run_id: run_id})
  WITH collect(m) AS members
  UNWIND members AS m
  MATCH (m)-[:USED_DEVICE]->(x:Device)
  WITH members, x, count(DISTINCT m) AS shared_with
  MATCH (x)<-[:USED_DEVICE]-(o:Account)
  WHERE o.created_at >= $since AND NOT o IN members
  RETURN o, 'device' AS id_type, x.device_id AS identifier, shared_with
  UNION ALL
  MATCH (:DetectionRun {status: 'complete'})-[:PRODUCED]->(c:Cluster {cluster_id: $cluster_id})
  WITH max(c.run_id) AS run_id
  MATCH (m:Account)-[:IN_CLUSTER]->(:Cluster {cluster_id: $cluster_id, run_id: run_id})
  WITH collect(m) AS members
  UNWIND members AS m
  MATCH (m)-[:USED_IP]->(x:IPAddress)
  WITH members, x, count(DISTINCT m) AS shared_with
  MATCH (x)<-[:USED_IP]-(o:Account)
  WHERE o.created_at >= $since AND NOT o IN members
  RETURN o, 'ip' AS id_type, x.ip AS identifier, shared_with
}
RETURN o.account_id AS account_id, o.created_at AS created_at, id_type, identifier, shared_with
ORDER BY created_at, account_id, id_type, identifier
LIMIT $limit
