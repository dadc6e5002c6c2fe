// name: add_decision
// description: Append an analyst decision as a (:Decision) node, linked by [:DECIDED] to every stored version of the cluster (audit trail, never updated)
// params: $cluster_id: string, $status: string, $analyst: string, $note: string, $decided_at: timestamp (stored as a Neo4j datetime)
// backends: portable
CREATE (d:Decision {cluster_id: $cluster_id, status: $status, analyst: $analyst, note: $note, decided_at: $decided_at})
WITH d
OPTIONAL MATCH (c:Cluster {cluster_id: $cluster_id})
WITH d, c
WHERE c IS NOT NULL
CREATE (d)-[:DECIDED]->(c)
RETURN count(*) AS linked
