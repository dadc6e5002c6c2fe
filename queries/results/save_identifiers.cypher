// name: save_identifiers
// description: Append a chunk of a cluster's shared identifiers (JSON list of [id_type, identifier, members]) to its identifier_chunks; JSON because Neo4j property lists cannot hold nulls
// params: $run_id: int, $rows: list<map> (cluster_id, chunk: JSON string)
// backends: portable
UNWIND $rows AS row
MATCH (c:Cluster {run_id: $run_id, cluster_id: row.cluster_id})
SET c.identifier_chunks = c.identifier_chunks + [row.chunk]
RETURN count(c) AS clusters
