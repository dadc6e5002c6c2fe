// name: read_subnets
// description: One page of (:Subnet) nodes as `subnets` rows, ordered by subnet
// params: $after: string (last key of the previous page; '' for the first), $n: int (page size)
// backends: portable
// generated from linkgraph/schema.py by `python -m linkgraph.store.cypher`; do not edit
MATCH (n:Subnet)
WHERE n.subnet > $after
RETURN n.subnet AS subnet, n.version AS version
ORDER BY subnet
LIMIT $n
