// name: read_ip_addresses
// description: One page of (:IPAddress) nodes as `ip_addresses` rows, ordered by ip
// params: $after: string (last key of the previous page; '' for the first), $n: int (page size)
// backends: portable
// generated from linkgraph/schema.py by `python -m linkgraph.store.cypher`; do not edit
MATCH (n:IPAddress)
WHERE n.ip > $after
RETURN n.ip AS ip, n.version AS version, n.subnet AS subnet, n.proxy_provider AS proxy_provider, n.proxy_kind AS proxy_kind
ORDER BY ip
LIMIT $n
