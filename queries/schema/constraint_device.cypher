// name: constraint_device
// description: Uniqueness of (:Device) by (device_id); also the index MERGE uses; idempotent
// params: none
// backends: neo4j-only
// generated from linkgraph/schema.py by `python -m linkgraph.store.cypher`; do not edit
CREATE CONSTRAINT device_key IF NOT EXISTS FOR (n:Device) REQUIRE n.device_id IS UNIQUE
