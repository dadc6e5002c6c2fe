// name: accounts_by_payment
// description: Accounts that used a payment method (by fingerprint), oldest first, with their cluster in the latest run
// params: $payment_fingerprint: string, $run_id: int (latest run), $limit: int
// backends: portable
MATCH (a:Account)-[p:PAID_WITH]->(:PaymentMethod {payment_fingerprint: $payment_fingerprint})
OPTIONAL MATCH (a)-[:IN_CLUSTER {run_id: $run_id}]->(c:Cluster {view: 'leiden'})
RETURN a.account_id AS account_id, a.email AS email, a.created_at AS created_at, p.added_at AS added_at,
       c.cluster_id AS cluster_id
ORDER BY created_at, account_id
LIMIT $limit
