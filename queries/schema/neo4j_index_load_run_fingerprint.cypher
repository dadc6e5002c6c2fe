// name: neo4j_index_load_run_fingerprint
// description: Index on (:LoadRun).fingerprint (lookups and filters); idempotent
// params: none
// backends: neo4j-only
// generated from linkgraph/schema.py by `python -m linkgraph.store.cypher`; do not edit
CREATE INDEX load_run_fingerprint IF NOT EXISTS FOR (n:LoadRun) ON (n.fingerprint)
