// name: index_load_run_fingerprint
// description: Index on (:LoadRun).fingerprint (lookups and filters) for peers without named indexes
// params: none
// backends: portable
// generated from linkgraph/schema.py by `python -m linkgraph.store.cypher`; do not edit
CREATE INDEX FOR (n:LoadRun) ON (n.fingerprint)
