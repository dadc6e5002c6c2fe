// name: neo4j_index_usage_account_id
// description: Index on (:Usage).account_id (lookups and filters); idempotent
// params: none
// backends: neo4j-only
// generated from linkgraph/schema.py by `python -m linkgraph.store.cypher`; do not edit
CREATE INDEX usage_account_id IF NOT EXISTS FOR (n:Usage) ON (n.account_id)
