// name: load_in_subnet
// description: Merge a batch of staged `in_subnet` rows into (:IPAddress)-[:IN_SUBNET]->(:Subnet) relationships (endpoints merged by key); properties merge by the schema's rules (replace: a non-null new value wins; min/max: time bounds widen), so re-loading changes nothing
// params: $rows: list<map> (one map per staged row; timestamps travel as UTC datetimes and dates as dates, stored as Neo4j temporal values)
// backends: portable
// generated from linkgraph/schema.py by `python -m linkgraph.store.cypher`; do not edit
UNWIND $rows AS row
MERGE (a:IPAddress {ip: row.ip})
MERGE (b:Subnet {subnet: row.subnet})
MERGE (a)-[r:IN_SUBNET]->(b)
RETURN count(*) AS rows
