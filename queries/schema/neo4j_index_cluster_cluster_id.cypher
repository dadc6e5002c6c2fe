// name: neo4j_index_cluster_cluster_id
// description: Index on (:Cluster).cluster_id (lookups and filters); idempotent
// params: none
// backends: neo4j-only
// generated from linkgraph/schema.py by `python -m linkgraph.store.cypher`; do not edit
CREATE INDEX cluster_cluster_id IF NOT EXISTS FOR (n:Cluster) ON (n.cluster_id)
