// name: expand_accounts
// description: One breadth-first step of the portable shortest-path search: the accounts that share an identifier (payment, device, IP, email domain, organisation; none shared by more than $max_share accounts) with any frontier account
// params: $frontier: list<string> (account ids), $max_share: int
// backends: portable
// The share count reads the node's degree (only accounts point at identifiers): no list of a hub's
// 100k accounts is built for every frontier account that touches it.
CALL {
  UNWIND $frontier AS src
  MATCH (:Account {account_id: src})-[:PAID_WITH]->(x:PaymentMethod)
  WITH src, x, COUNT { (x)<-[:PAID_WITH]-() } AS deg
  WHERE deg <= $max_share
  MATCH (x)<-[:PAID_WITH]-(o:Account)
  WHERE o.account_id <> src
  RETURN src, 'payment' AS id_type, 'PaymentMethod' AS label, 'PAID_WITH' AS rel, x.payment_fingerprint AS identifier, o.account_id AS dst
  UNION ALL
  UNWIND $frontier AS src
  MATCH (:Account {account_id: src})-[:USED_DEVICE]->(x:Device)
  WITH src, x, COUNT { (x)<-[:USED_DEVICE]-() } AS deg
  WHERE deg <= $max_share
  MATCH (x)<-[:USED_DEVICE]-(o:Account)
  WHERE o.account_id <> src
  RETURN src, 'device' AS id_type, 'Device' AS label, 'USED_DEVICE' AS rel, x.device_id AS identifier, o.account_id AS dst
  UNION ALL
  UNWIND $frontier AS src
  MATCH (:Account {account_id: src})-[:USED_IP]->(x:IPAddress)
  WITH src, x, COUNT { (x)<-[:USED_IP]-() } AS deg
  WHERE deg <= $max_share
  MATCH (x)<-[:USED_IP]-(o:Account)
  WHERE o.account_id <> src
  RETURN src, 'ip' AS id_type, 'IPAddress' AS label, 'USED_IP' AS rel, x.ip AS identifier, o.account_id AS dst
  UNION ALL
  UNWIND $frontier AS src
  MATCH (:Account {account_id: src})-[:EMAIL_AT]->(x:EmailDomain)
  WITH src, x, COUNT { (x)<-[:EMAIL_AT]-() } AS deg
  WHERE deg <= $max_share
  MATCH (x)<-[:EMAIL_AT]-(o:Account)
  WHERE o.account_id <> src
  RETURN src, 'email_domain' AS id_type, 'EmailDomain' AS label, 'EMAIL_AT' AS rel, x.domain AS identifier, o.account_id AS dst
  UNION ALL
  UNWIND $frontier AS src
  MATCH (:Account {account_id: src})-[:MEMBER_OF]->(x:Organization)
  WITH src, x, COUNT { (x)<-[:MEMBER_OF]-() } AS deg
  WHERE deg <= $max_share
  MATCH (x)<-[:MEMBER_OF]-(o:Account)
  WHERE o.account_id <> src
  RETURN src, 'org' AS id_type, 'Organization' AS label, 'MEMBER_OF' AS rel, x.org_id AS identifier, o.account_id AS dst
}
RETURN src, id_type, label, rel, identifier, dst
ORDER BY src, id_type, identifier, dst
