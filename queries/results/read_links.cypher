// name: read_links
// description: The weighted account links of one run's clusters, as JSON chunks per cluster (the store expands them into the `links` result table)
// params: $run_id: int
// backends: portable
MATCH (c:Cluster {run_id: $run_id})
RETURN c.cluster_id AS cluster_id, c.link_chunks AS chunks
ORDER BY cluster_id
