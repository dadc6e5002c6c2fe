// name: read_devices
// description: One page of (:Device) nodes as `devices` rows, ordered by device_id
// params: $after: string (last key of the previous page; '' for the first), $n: int (page size)
// backends: portable
// generated from linkgraph/schema.py by `python -m linkgraph.store.cypher`; do not edit
MATCH (n:Device)
WHERE n.device_id > $after
RETURN n.device_id AS device_id
ORDER BY device_id
LIMIT $n
