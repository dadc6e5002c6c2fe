// name: index_write_lock
// description: Index on (:WriteLock) key (name) for peers without constraints (MERGE and paging use it)
// params: none
// backends: portable
// generated from linkgraph/schema.py by `python -m linkgraph.store.cypher`; do not edit
CREATE INDEX FOR (n:WriteLock) ON (n.name)
