// name: constraint_proxy_provider
// description: Uniqueness of (:ProxyProvider) by (provider); also the index MERGE uses; idempotent
// params: none
// backends: neo4j-only
// generated from linkgraph/schema.py by `python -m linkgraph.store.cypher`; do not edit
CREATE CONSTRAINT proxy_provider_key IF NOT EXISTS FOR (n:ProxyProvider) REQUIRE n.provider IS UNIQUE
