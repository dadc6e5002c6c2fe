// name: clear_graph
// description: Delete a batch of nodes with their relationships (used by tests and `reset`; call until it returns 0)
// params: $n: int (nodes per batch)
// backends: portable
MATCH (n)
WITH n LIMIT $n
DETACH DELETE n
RETURN count(*) AS deleted
