// name: read_clusters
// description: The clusters of one run, as the `clusters` result table
// params: $run_id: int
// backends: portable
MATCH (c:Cluster {run_id: $run_id})
RETURN c.cluster_id AS cluster_id, c.score AS score, c.size AS size, c.evidence AS evidence,
       c.features AS features, c.contributions AS contributions, c.first_signup AS first_signup,
       c.last_signup AS last_signup, c.payment_methods AS payment_methods,
       c.proxy_providers AS proxy_providers, c.requests AS requests, c.top_categories AS top_categories,
       c.view AS view
ORDER BY cluster_id
