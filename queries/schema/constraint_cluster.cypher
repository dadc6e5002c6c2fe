// name: constraint_cluster
// description: Uniqueness of (:Cluster) by (run_id, cluster_id); also the index MERGE uses; idempotent
// params: none
// backends: neo4j-only
// generated from linkgraph/schema.py by `python -m linkgraph.store.cypher`; do not edit
CREATE CONSTRAINT cluster_key IF NOT EXISTS FOR (n:Cluster) REQUIRE (n.run_id, n.cluster_id) IS UNIQUE
