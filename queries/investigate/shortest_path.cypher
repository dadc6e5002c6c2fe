// name: shortest_path
// description: The shortest chain of shared identifiers (payment, device, IP, email domain, organisation; none shared by more than $max_share accounts) linking account $a to account $b within $max_hops account-to-account steps
// params: $a: string, $b: string, $max_hops: int (1..12), $max_share: int (skip identifiers shared by more accounts)
// backends: neo4j-only
MATCH (a:Account {account_id: $a})
MATCH (b:Account {account_id: $b})
MATCH p = shortestPath((a)-[:PAID_WITH|USED_DEVICE|USED_IP|EMAIL_AT|MEMBER_OF*..24]-(b))
WHERE length(p) <= 2 * $max_hops
  AND all(n IN nodes(p) WHERE n:Account OR COUNT { (n)<-[]-(:Account) } <= $max_share)
UNWIND range(0, length(p)) AS i
WITH p, i, nodes(p)[i] AS n
RETURN i AS step, labels(n)[0] AS label,
       coalesce(n.account_id, n.payment_fingerprint, n.device_id, n.ip, n.domain, n.org_id) AS node,
       CASE WHEN n:Account THEN null ELSE type(relationships(p)[i - 1]) END AS rel
ORDER BY step
LIMIT 25
