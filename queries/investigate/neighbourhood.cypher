// name: neighbourhood
// description: An account's identifiers (hop 1, with its IPs' subnets and proxy providers) and, at depth 2, the other accounts sharing its payment methods, devices or IPs (hop 2)
// params: $account_id: string, $depth: int (1 or 2), $limit: int
// backends: portable
CALL {
  MATCH (a:Account {account_id: $account_id})-[:PAID_WITH]->(x:PaymentMethod)
  RETURN 'Account' AS src_label, a.account_id AS src, 'PAID_WITH' AS rel, 'PaymentMethod' AS dst_label, x.payment_fingerprint AS dst, 1 AS hop
  UNION ALL
  MATCH (a:Account {account_id: $account_id})-[:USED_DEVICE]->(x:Device)
  RETURN 'Account' AS src_label, a.account_id AS src, 'USED_DEVICE' AS rel, 'Device' AS dst_label, x.device_id AS dst, 1 AS hop
  UNION ALL
  MATCH (a:Account {account_id: $account_id})-[:USED_IP]->(x:IPAddress)
  RETURN 'Account' AS src_label, a.account_id AS src, 'USED_IP' AS rel, 'IPAddress' AS dst_label, x.ip AS dst, 1 AS hop
  UNION ALL
  MATCH (a:Account {account_id: $account_id})-[:EMAIL_AT]->(x:EmailDomain)
  RETURN 'Account' AS src_label, a.account_id AS src, 'EMAIL_AT' AS rel, 'EmailDomain' AS dst_label, x.domain AS dst, 1 AS hop
  UNION ALL
  MATCH (a:Account {account_id: $account_id})-[:MEMBER_OF]->(x:Organization)
  RETURN 'Account' AS src_label, a.account_id AS src, 'MEMBER_OF' AS rel, 'Organization' AS dst_label, x.org_id AS dst, 1 AS hop
  UNION ALL
  MATCH (a:Account {account_id: $account_id})-[:USED_IP]->(i:IPAddress)-[:IN_SUBNET]->(s:Subnet)
  RETURN 'IPAddress' AS src_label, i.ip AS src, 'IN_SUBNET' AS rel, 'Subnet' AS dst_label, s.subnet AS dst, 1 AS hop
  UNION ALL
  MATCH (a:Account {account_id: $account_id})-[:USED_IP]->(i:IPAddress)-[:VIA_PROXY]->(v:ProxyProvider)
  RETURN 'IPAddress' AS src_label, i.ip AS src, 'VIA_PROXY' AS rel, 'ProxyProvider' AS dst_label, v.provider AS dst, 1 AS hop
  UNION ALL
  MATCH (a:Account {account_id: $account_id})-[:PAID_WITH]->(x:PaymentMethod)<-[:PAID_WITH]-(o:Account)
  WHERE $depth >= 2 AND o.account_id <> $account_id
  RETURN 'Account' AS src_label, o.account_id AS src, 'PAID_WITH' AS rel, 'PaymentMethod' AS dst_label, x.payment_fingerprint AS dst, 2 AS hop
  UNION ALL
  MATCH (a:Account {account_id: $account_id})-[:USED_DEVICE]->(x:Device)<-[:USED_DEVICE]-(o:Account)
  WHERE $depth >= 2 AND o.account_id <> $account_id
  RETURN 'Account' AS src_label, o.account_id AS src, 'USED_DEVICE' AS rel, 'Device' AS dst_label, x.device_id AS dst, 2 AS hop
  UNION ALL
  MATCH (a:Account {account_id: $account_id})-[:USED_IP]->(x:IPAddress)<-[:USED_IP]-(o:Account)
  WHERE $depth >= 2 AND o.account_id <> $account_id
  RETURN 'Account' AS src_label, o.account_id AS src, 'USED_IP' AS rel, 'IPAddress' AS dst_label, x.ip AS dst, 2 AS hop
}
RETURN src_label, src, rel, dst_label, dst, hop
ORDER BY hop, rel, src, dst
LIMIT $limit
