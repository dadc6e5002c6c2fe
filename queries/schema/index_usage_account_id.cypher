// name: index_usage_account_id
// description: Index on (:Usage).account_id (lookups and filters) for peers without named indexes
// params: none
// backends: portable
// generated from linkgraph/schema.py by `python -m linkgraph.store.cypher`; do not edit
CREATE INDEX FOR (n:Usage) ON (n.account_id)
