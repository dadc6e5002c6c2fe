// name: read_proxy_providers
// description: One page of (:ProxyProvider) nodes as `proxy_providers` rows, ordered by provider
// params: $after: string (last key of the previous page; '' for the first), $n: int (page size)
// backends: portable
// generated from linkgraph/schema.py by `python -m linkgraph.store.cypher`; do not edit
MATCH (n:ProxyProvider)
WHERE n.provider > $after
RETURN n.provider AS provider, n.kind AS kind
ORDER BY provider
LIMIT $n
