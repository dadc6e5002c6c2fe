// name: index_cluster
// description: Index on (:Cluster) key (run_id, cluster_id) for peers without constraints (MERGE and paging use it)
// params: none
// backends: portable
// generated from linkgraph/schema.py by `python -m linkgraph.store.cypher`; do not edit
CREATE INDEX FOR (n:Cluster) ON (n.run_id, n.cluster_id)
