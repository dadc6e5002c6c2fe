// name: index_account
// description: Index on (:Account) key (account_id) for peers without constraints (MERGE and paging use it)
// params: none
// backends: portable
// generated from linkgraph/schema.py by `python -m linkgraph.store.cypher`; do not edit
CREATE INDEX FOR (n:Account) ON (n.account_id)
