// name: read_ip_intel
// description: One page of (:NetworkIntel) nodes as `ip_intel` rows, ordered by (network) after the $after_* key
// params: $after_network: string, $n: int (page size)
// backends: portable
// generated from linkgraph/schema.py by `python -m linkgraph.store.cypher`; do not edit
MATCH (n:NetworkIntel)
WHERE n.network >= $after_network
  AND ((n.network > $after_network))
RETURN n.network AS network, n.provider AS provider, n.kind AS kind, n.asn AS asn
ORDER BY network
LIMIT $n
