// name: load_used_device
// description: Merge a batch of staged `used_device` rows into (:Account)-[:USED_DEVICE]->(:Device) relationships (endpoints merged by key); properties merge by the schema's rules (replace: a non-null new value wins; min/max: time bounds widen), so re-loading changes nothing
// params: $rows: list<map> (one map per staged row; timestamps travel as UTC datetimes and dates as dates, stored as Neo4j temporal values)
// backends: portable
// generated from linkgraph/schema.py by `python -m linkgraph.store.cypher`; do not edit
UNWIND $rows AS row
MERGE (a:Account {account_id: row.account_id})
MERGE (b:Device {device_id: row.device_id})
MERGE (a)-[r:USED_DEVICE]->(b)
SET r.first_seen = CASE WHEN row.first_seen IS NULL OR (r.first_seen IS NOT NULL AND r.first_seen <= row.first_seen) THEN r.first_seen ELSE row.first_seen END,
    r.last_seen = CASE WHEN row.last_seen IS NULL OR (r.last_seen IS NOT NULL AND r.last_seen >= row.last_seen) THEN r.last_seen ELSE row.last_seen END
RETURN count(*) AS rows
