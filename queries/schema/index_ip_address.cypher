// name: index_ip_address
// description: Index on (:IPAddress) key (ip) for peers without constraints (MERGE and paging use it)
// params: none
// backends: portable
// generated from linkgraph/schema.py by `python -m linkgraph.store.cypher`; do not edit
CREATE INDEX FOR (n:IPAddress) ON (n.ip)
