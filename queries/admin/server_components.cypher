// name: server_components
// description: Which server answers (Neo4j reports its components; Bolt peers such as FalkorDB fail, which selects the portable statements)
// params: none
// backends: neo4j-only
CALL dbms.components() YIELD name, versions, edition
RETURN name, versions, edition
