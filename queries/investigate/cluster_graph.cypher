// name: cluster_graph
// description: The account-identifier pairs of a cluster's members (newest run that has it): payment methods, devices, IPs, email domains, organisations, and the subnets and proxy providers behind their IPs, for drawing the cluster
// params: $cluster_id: string, $limit: int
// backends: portable
CALL {
  MATCH (:DetectionRun {status: 'complete'})-[:PRODUCED]->(c:Cluster {cluster_id: $cluster_id})
  WITH max(c.run_id) AS run_id
  MATCH (a:Account)-[:IN_CLUSTER]->(:Cluster {cluster_id: $cluster_id, run_id: run_id})
  MATCH (a)-[:PAID_WITH]->(p:PaymentMethod)
  RETURN a.account_id AS account_id, 'payment' AS id_type, 'PaymentMethod' AS label, p.payment_fingerprint AS identifier
  UNION ALL
  MATCH (:DetectionRun {status: 'complete'})-[:PRODUCED]->(c:Cluster {cluster_id: $cluster_id})
  WITH max(c.run_id) AS run_id
  MATCH (a:Account)-[:IN_CLUSTER]->(:Cluster {cluster_id: $cluster_id, run_id: run_id})
  MATCH (a)-[:USED_DEVICE]->(d:Device)
  RETURN a.account_id AS account_id, 'device' AS id_type, 'Device' AS label, d.device_id AS identifier
  UNION ALL
  MATCH (:DetectionRun {status: 'complete'})-[:PRODUCED]->(c:Cluster {cluster_id: $cluster_id})
  WITH max(c.run_id) AS run_id
  MATCH (a:Account)-[:IN_CLUSTER]->(:Cluster {cluster_id: $cluster_id, run_id: run_id})
  MATCH (a)-[:USED_IP]->(i:IPAddress)
  RETURN a.account_id AS account_id, 'ip' AS id_type, 'IPAddress' AS label, i.ip AS identifier
  UNION ALL
  MATCH (:DetectionRun {status: 'complete'})-[:PRODUCED]->(c:Cluster {cluster_id: $cluster_id})
  WITH max(c.run_id) AS run_id
  MATCH (a:Account)-[:IN_CLUSTER]->(:Cluster {cluster_id: $cluster_id, run_id: run_id})
  MATCH (a)-[:EMAIL_AT]->(e:EmailDomain)
  RETURN a.account_id AS account_id, 'email_domain' AS id_type, 'EmailDomain' AS label, e.domain AS identifier
  UNION ALL
  MATCH (:DetectionRun {status: 'complete'})-[:PRODUCED]->(c:Cluster {cluster_id: $cluster_id})
  WITH max(c.run_id) AS run_id
  MATCH (a:Account)-[:IN_CLUSTER]->(:Cluster {cluster_id: $cluster_id, run_id: run_id})
  MATCH (a)-[:MEMBER_OF]->(o:Organization)
  RETURN a.account_id AS account_id, 'org' AS id_type, 'Organization' AS label, o.org_id AS identifier
  UNION ALL
  MATCH (:DetectionRun {status: 'complete'})-[:PRODUCED]->(c:Cluster {cluster_id: $cluster_id})
  WITH max(c.run_id) AS run_id
  MATCH (a:Account)-[:IN_CLUSTER]->(:Cluster {cluster_id: $cluster_id, run_id: run_id})
  MATCH (a)-[:USED_IP]->(:IPAddress)-[:IN_SUBNET]->(s:Subnet)
  RETURN DISTINCT a.account_id AS account_id, 'subnet' AS id_type, 'Subnet' AS label, s.subnet AS identifier
  UNION ALL
  MATCH (:DetectionRun {status: 'complete'})-[:PRODUCED]->(c:Cluster {cluster_id: $cluster_id})
  WITH max(c.run_id) AS run_id
  MATCH (a:Account)-[:IN_CLUSTER]->(:Cluster {cluster_id: $cluster_id, run_id: run_id})
  MATCH (a)-[:USED_IP]->(:IPAddress)-[:VIA_PROXY]->(v:ProxyProvider)
  RETURN DISTINCT a.account_id AS account_id, 'proxy' AS id_type, 'ProxyProvider' AS label, v.provider AS identifier
}
WITH account_id, id_type, label, identifier
RETURN account_id, id_type, label, identifier
ORDER BY account_id, id_type, identifier
LIMIT $limit
