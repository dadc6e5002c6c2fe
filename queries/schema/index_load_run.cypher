// name: index_load_run
// description: Index on (:LoadRun) key (load_id) for peers without constraints (MERGE and paging use it)
// params: none
// backends: portable
// generated from linkgraph/schema.py by `python -m linkgraph.store.cypher`; do not edit
CREATE INDEX FOR (n:LoadRun) ON (n.load_id)
