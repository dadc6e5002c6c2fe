// name: constraint_network_intel
// description: Uniqueness of (:NetworkIntel) by (network); also the index MERGE uses; idempotent
// params: none
// backends: neo4j-only
// generated from linkgraph/schema.py by `python -m linkgraph.store.cypher`; do not edit
CREATE CONSTRAINT network_intel_key IF NOT EXISTS FOR (n:NetworkIntel) REQUIRE n.network IS UNIQUE
