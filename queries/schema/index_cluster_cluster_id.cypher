// name: index_cluster_cluster_id
// description: Index on (:Cluster).cluster_id (lookups and filters) for peers without named indexes
// params: none
// backends: portable
// generated from linkgraph/schema.py by `python -m linkgraph.store.cypher`; do not edit
CREATE INDEX FOR (n:Cluster) ON (n.cluster_id)
