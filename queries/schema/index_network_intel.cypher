// name: index_network_intel
// description: Index on (:NetworkIntel) key (network) for peers without constraints (MERGE and paging use it)
// params: none
// backends: portable
// generated from linkgraph/schema.py by `python -m linkgraph.store.cypher`; do not edit
CREATE INDEX FOR (n:NetworkIntel) ON (n.network)
