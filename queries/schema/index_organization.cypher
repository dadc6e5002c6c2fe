// name: index_organization
// description: Index on (:Organization) key (org_id) for peers without constraints (MERGE and paging use it)
// params: none
// backends: portable
// generated from linkgraph/schema.py by `python -m linkgraph.store.cypher`; do not edit
CREATE INDEX FOR (n:Organization) ON (n.org_id)
