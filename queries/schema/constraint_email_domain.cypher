// name: constraint_email_domain
// description: Uniqueness of (:EmailDomain) by (domain); also the index MERGE uses; idempotent
// params: none
// backends: neo4j-only
// generated from linkgraph/schema.py by `python -m linkgraph.store.cypher`; do not edit
CREATE CONSTRAINT email_domain_key IF NOT EXISTS FOR (n:EmailDomain) REQUIRE n.domain IS UNIQUE
