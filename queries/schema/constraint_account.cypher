// name: constraint_account
// description: Uniqueness of (:Account) by (account_id); also the index MERGE uses; idempotent
// params: none
// backends: neo4j-only
// generated from linkgraph/schema.py by `python -m linkgraph.store.cypher`; do not edit
CREATE CONSTRAINT account_key IF NOT EXISTS FOR (n:Account) REQUIRE n.account_id IS UNIQUE
