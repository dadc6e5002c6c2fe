// name: index_device
// description: Index on (:Device) key (device_id) for peers without constraints (MERGE and paging use it)
// params: none
// backends: portable
// generated from linkgraph/schema.py by `python -m linkgraph.store.cypher`; do not edit
CREATE INDEX FOR (n:Device) ON (n.device_id)
