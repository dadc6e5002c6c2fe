// name: constraint_usage
// description: Uniqueness of (:Usage) by (account_id, day, category); also the index MERGE uses; idempotent
// params: none
// backends: neo4j-only
// generated from linkgraph/schema.py by `python -m linkgraph.store.cypher`; do not edit
CREATE CONSTRAINT usage_key IF NOT EXISTS FOR (n:Usage) REQUIRE (n.account_id, n.day, n.category) IS UNIQUE
