// name: constraint_detection_run
// description: Uniqueness of (:DetectionRun) by (run_id); also the index MERGE uses; idempotent
// params: none
// backends: neo4j-only
// generated from linkgraph/schema.py by `python -m linkgraph.store.cypher`; do not edit
CREATE CONSTRAINT detection_run_key IF NOT EXISTS FOR (n:DetectionRun) REQUIRE n.run_id IS UNIQUE
