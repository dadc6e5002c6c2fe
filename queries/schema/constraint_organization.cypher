// name: constraint_organization
// description: Uniqueness of (:Organization) by (org_id); also the index MERGE uses; idempotent
// params: none
// backends: neo4j-only
// generated from linkgraph/schema.py by `python -m linkgraph.store.cypher`; do not edit
CREATE CONSTRAINT organization_key IF NOT EXISTS FOR (n:Organization) REQUIRE n.org_id IS UNIQUE
