// name: index_proxy_provider
// description: Index on (:ProxyProvider) key (provider) for peers without constraints (MERGE and paging use it)
// params: none
// backends: portable
// generated from linkgraph/schema.py by `python -m linkgraph.store.cypher`; do not edit
CREATE INDEX FOR (n:ProxyProvider) ON (n.provider)
