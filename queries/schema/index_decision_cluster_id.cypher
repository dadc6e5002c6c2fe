// name: index_decision_cluster_id
// description: Index on (:Decision).cluster_id (lookups and filters) for peers without named indexes
// params: none
// backends: portable
// generated from linkgraph/schema.py by `python -m linkgraph.store.cypher`; do not edit
CREATE INDEX FOR (n:Decision) ON (n.cluster_id)
