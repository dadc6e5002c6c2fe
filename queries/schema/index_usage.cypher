// name: index_usage
// description: Index on (:Usage) key (account_id, day, category) for peers without constraints (MERGE and paging use it)
// params: none
// backends: portable
// generated from linkgraph/schema.py by `python -m linkgraph.store.cypher`; do not edit
CREATE INDEX FOR (n:Usage) ON (n.account_id, n.day, n.category)
