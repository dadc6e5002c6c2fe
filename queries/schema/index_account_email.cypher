// name: index_account_email
// description: Index on (:Account).email (lookups and filters) for peers without named indexes
// params: none
// backends: portable
// generated from linkgraph/schema.py by `python -m linkgraph.store.cypher`; do not edit
CREATE INDEX FOR (n:Account) ON (n.email)
