// name: index_detection_run
// description: Index on (:DetectionRun) key (run_id) for peers without constraints (MERGE and paging use it)
// params: none
// backends: portable
// generated from linkgraph/schema.py by `python -m linkgraph.store.cypher`; do not edit
CREATE INDEX FOR (n:DetectionRun) ON (n.run_id)
