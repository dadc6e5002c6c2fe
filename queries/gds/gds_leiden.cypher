// name: gds_leiden
// description: Leiden communities of a projected account-link graph (weighted, seeded), one row per account
// params: $graph_name: string, $resolution: float, $seed: int
// backends: neo4j-only
CALL gds.leiden.stream($graph_name, {relationshipWeightProperty: 'weight', gamma: $resolution, randomSeed: $seed, concurrency: 1})
YIELD nodeId, communityId
RETURN gds.util.asNode(nodeId).account_id AS account_id, communityId AS community
ORDER BY account_id
