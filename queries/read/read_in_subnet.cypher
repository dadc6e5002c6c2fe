// name: read_in_subnet
// description: The `in_subnet` relationships of one page of (:IPAddress) start nodes in key order; a start node without any comes back once with nulls, so the caller can advance the page
// params: $after: string (last (:IPAddress) key of the previous page; '' for the first), $n: int (start nodes per page)
// backends: portable
// generated from linkgraph/schema.py by `python -m linkgraph.store.cypher`; do not edit
MATCH (a:IPAddress)
WHERE a.ip > $after
WITH a ORDER BY a.ip LIMIT $n
OPTIONAL MATCH (a)-[r:IN_SUBNET]->(b:Subnet)
RETURN a.ip AS ip, b.subnet AS subnet
