// name: constraint_load_run
// description: Uniqueness of (:LoadRun) by (load_id); also the index MERGE uses; idempotent
// params: none
// backends: neo4j-only
// generated from linkgraph/schema.py by `python -m linkgraph.store.cypher`; do not edit
CREATE CONSTRAINT load_run_key IF NOT EXISTS FOR (n:LoadRun) REQUIRE n.load_id IS UNIQUE
