// name: gds_version
// description: The version of the Graph Data Science plugin (fails when the plugin is absent)
// params: none
// backends: neo4j-only
RETURN gds.version() AS version
