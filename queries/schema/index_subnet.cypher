// name: index_subnet
// description: Index on (:Subnet) key (subnet) for peers without constraints (MERGE and paging use it)
// params: none
// backends: portable
// generated from linkgraph/schema.py by `python -m linkgraph.store.cypher`; do not edit
CREATE INDEX FOR (n:Subnet) ON (n.subnet)
