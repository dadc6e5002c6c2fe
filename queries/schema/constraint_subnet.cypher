// name: constraint_subnet
// description: Uniqueness of (:Subnet) by (subnet); also the index MERGE uses; idempotent
// params: none
// backends: neo4j-only
// generated from linkgraph/schema.py by `python -m linkgraph.store.cypher`; do not edit
CREATE CONSTRAINT subnet_key IF NOT EXISTS FOR (n:Subnet) REQUIRE n.subnet IS UNIQUE
