// name: gds_project_links
// description: Project the weighted account-link graph (from the given links) into the GDS catalog as an undirected in-memory graph
// params: $graph_name: string, $links: list<map> (a, b, weight)
// backends: neo4j-only
UNWIND $links AS l
MATCH (a:Account {account_id: l.a})
MATCH (b:Account {account_id: l.b})
WITH gds.graph.project($graph_name, a, b, {relationshipProperties: {weight: l.weight}},
                       {undirectedRelationshipTypes: ['*']}) AS g
RETURN g.graphName AS graph_name, g.nodeCount AS nodes, g.relationshipCount AS relationships
