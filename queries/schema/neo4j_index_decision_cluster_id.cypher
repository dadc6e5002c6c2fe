// name: neo4j_index_decision_cluster_id
// description: Index on (:Decision).cluster_id (lookups and filters); idempotent
// params: none
// backends: neo4j-only
// generated from linkgraph/schema.py by `python -m linkgraph.store.cypher`; do not edit
CREATE INDEX decision_cluster_id IF NOT EXISTS FOR (n:Decision) ON (n.cluster_id)
