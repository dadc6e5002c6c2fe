// name: expand_accounts
// description: One breadth-first step of the portable shortest-path search: the accounts that share an identifier (payment, device, IP, email domain, organisation; none shared by more than $max_share accounts) with any frontier account
// params: $frontier: list<string> (account ids), $max_share: int
// backends: neo4j-only
// The share count reads the node's degree (only accounts point at identifiers): no list of a hub's
// 100k accounts is built for every frontier account that touches it. The index hint keeps the
// planner from starting at a one-node label (a webmail hub) and walking all its accounts per row.
CALL () {
  UNWIND $frontier AS src
  MATCH (a:Account {account_id: src})-[:PAID_WITH]->(x:PaymentMethod)
  USING INDEX a:Account(account_id)
  WITH x, collect(src) AS srcs
  WHERE COUNT { (x)<-[:PAID_WITH]-() } <= $max_share
  UNWIND srcs AS src
  MATCH (x)<-[:PAID_WITH]-(o:Account)
  WHERE o.account_id <> src
  RETURN src, 'payment' AS id_type, 'PaymentMethod' AS label, 'PAID_WITH' AS rel, x.payment_fingerprint AS identifier, o.account_id AS dst
  UNION ALL
  UNWIND $frontier AS src
  MATCH (a:Account {account_id: src})-[:USED_DEVICE]->(x:Device)
  USING INDEX a:Account(account_id)
  WITH x, collect(src) AS srcs
  WHERE COUNT { (x)<-[:USED_DEVICE]-() } <= $max_share
  UNWIND srcs AS src
  MATCH (x)<-[:USED_DEVICE]-(o:Account)
  WHERE o.account_id <> src
  RETURN src, 'device' AS id_type, 'Device' AS label, 'USED_DEVICE' AS rel, x.device_id AS identifier, o.account_id AS dst
  UNION ALL
  UNWIND $frontier AS src
  MATCH (a:Account {account_id: src})-[:USED_IP]->(x:IPAddress)
  USING INDEX a:Account(account_id)
  WITH x, collect(src) AS srcs
  WHERE COUNT { (x)<-[:USED_IP]-() } <= $max_share
  UNWIND srcs AS src
  MATCH (x)<-[:USED_IP]-(o:Account)
  WHERE o.account_id <> src
  RETURN src, 'ip' AS id_type, 'IPAddress' AS label, 'USED_IP' AS rel, x.ip AS identifier, o.account_id AS dst
  UNION ALL
  UNWIND $frontier AS src
  MATCH (a:Account {account_id: src})-[:EMAIL_AT]->(x:EmailDomain)
  USING INDEX a:Account(account_id)
  WITH x, collect(src) AS srcs
  WHERE COUNT { (x)<-[:EMAIL_AT]-() } <= $max_share
  UNWIND srcs AS src
  MATCH (x)<-[:EMAIL_AT]-(o:Account)
  WHERE o.account_id <> src
  RETURN src, 'email_domain' AS id_type, 'EmailDomain' AS label, 'EMAIL_AT' AS rel, x.domain AS identifier, o.account_id AS dst
  UNION ALL
  UNWIND $frontier AS src
  MATCH (a:Account {account_id: src})-[:MEMBER_OF]->(x:Organization)
  USING INDEX a:Account(account_id)
  WITH x, collect(src) AS srcs
  WHERE COUNT { (x)<-[:MEMBER_OF]-() } <= $max_share
  UNWIND srcs AS src
  MATCH (x)<-[:MEMBER_OF]-(o:Account)
  WHERE o.account_id <> src
  RETURN src, 'org' AS id_type, 'Organization' AS label, 'MEMBER_OF' AS rel, x.org_id AS identifier, o.account_id AS dst
}
RETURN src, id_type, label, rel, identifier, dst
ORDER BY src, id_type, identifier, dst
