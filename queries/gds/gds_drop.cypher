// name: gds_drop
// description: Drop a projected graph from the GDS catalog (no error when it is already gone)
// params: $graph_name: string
// backends: neo4j-only
CALL gds.graph.drop($graph_name, false) YIELD graphName
RETURN graphName
