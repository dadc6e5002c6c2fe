// name: load_devices
// description: Merge a batch of staged `devices` rows into (:Device) nodes by device_id; properties merge by the schema's rules (replace: a non-null new value wins; min/max: time bounds widen), so re-loading changes nothing
// params: $rows: list<map> (one map per staged row; timestamps travel as UTC datetimes and dates as dates, stored as Neo4j temporal values)
// backends: portable
// generated from linkgraph/schema.py by `python -m linkgraph.store.cypher`; do not edit
UNWIND $rows AS row
MERGE (n:Device {device_id: row.device_id})
RETURN count(*) AS rows
