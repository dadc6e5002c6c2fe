// name: clusters_by_provider
// description: Clusters of the latest run whose members used IPs of a proxy provider, most such members first
// params: $provider: string, $run_id: int (latest run), $limit: int
// backends: portable
MATCH (:ProxyProvider {provider: $provider})<-[:VIA_PROXY]-(:IPAddress)<-[:USED_IP]-(a:Account)-[:IN_CLUSTER {run_id: $run_id}]->(c:Cluster {view: 'leiden'})
WITH c, count(DISTINCT a) AS accounts_on_provider
RETURN c.cluster_id AS cluster_id, c.score AS score, c.size AS size, accounts_on_provider
ORDER BY accounts_on_provider DESC, cluster_id
LIMIT $limit
