// name: save_links
// description: Append a chunk of a cluster's weighted account links (JSON list of [a, b, weight, evidence]) to its link_chunks; JSON because Neo4j property lists cannot hold nulls
// params: $run_id: int, $rows: list<map> (cluster_id, chunk: JSON string)
// backends: portable
UNWIND $rows AS row
MATCH (c:Cluster {run_id: $run_id, cluster_id: row.cluster_id})
SET c.link_chunks = c.link_chunks + [row.chunk]
RETURN count(c) AS clusters
