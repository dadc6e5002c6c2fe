// name: gds_wcc
// description: Weakly connected components of a projected account-link graph, one row per account
// params: $graph_name: string
// backends: neo4j-only
CALL gds.wcc.stream($graph_name)
YIELD nodeId, componentId
RETURN gds.util.asNode(nodeId).account_id AS account_id, componentId AS community
ORDER BY account_id
