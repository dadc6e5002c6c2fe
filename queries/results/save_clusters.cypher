// name: save_clusters
// description: Write a batch of clusters of a run as (:Cluster) nodes linked from their (:DetectionRun); its identifiers and links start as empty lists of JSON chunks
// params: $run_id: int, $rows: list<map> (cluster columns of model.CLUSTER_COLUMNS; signup times as datetimes)
// backends: portable
MATCH (d:DetectionRun {run_id: $run_id})
UNWIND $rows AS row
CREATE (c:Cluster {run_id: $run_id, cluster_id: row.cluster_id, score: row.score, size: row.size,
                   evidence: row.evidence, features: row.features, contributions: row.contributions,
                   first_signup: row.first_signup, last_signup: row.last_signup,
                   payment_methods: row.payment_methods, proxy_providers: row.proxy_providers,
                   requests: row.requests, top_categories: row.top_categories, view: row.view,
                   identifier_chunks: [], link_chunks: []})
CREATE (d)-[:PRODUCED]->(c)
RETURN count(c) AS clusters
