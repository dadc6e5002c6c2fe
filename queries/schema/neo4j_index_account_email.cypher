// name: neo4j_index_account_email
// description: Index on (:Account).email (lookups and filters); idempotent
// params: none
// backends: neo4j-only
// generated from linkgraph/schema.py by `python -m linkgraph.store.cypher`; do not edit
CREATE INDEX account_email IF NOT EXISTS FOR (n:Account) ON (n.email)
