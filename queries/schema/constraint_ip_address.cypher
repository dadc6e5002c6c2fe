// name: constraint_ip_address
// description: Uniqueness of (:IPAddress) by (ip); also the index MERGE uses; idempotent
// params: none
// backends: neo4j-only
// generated from linkgraph/schema.py by `python -m linkgraph.store.cypher`; do not edit
CREATE CONSTRAINT ip_address_key IF NOT EXISTS FOR (n:IPAddress) REQUIRE n.ip IS UNIQUE
