// name: read_identifiers
// description: The shared identifiers of one run's clusters, as JSON chunks per cluster (the store expands them into the `identifiers` result table)
// params: $run_id: int
// backends: portable
MATCH (c:Cluster {run_id: $run_id})
RETURN c.cluster_id AS cluster_id, c.identifier_chunks AS chunks
ORDER BY cluster_id
