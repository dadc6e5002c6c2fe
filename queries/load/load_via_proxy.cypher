// name: load_via_proxy
// description: Merge a batch of staged `via_proxy` rows into (:IPAddress)-[:VIA_PROXY]->(:ProxyProvider) relationships (endpoints merged by key); properties merge by the schema's rules (replace: a non-null new value wins; min/max: time bounds widen), so re-loading changes nothing
// params: $rows: list<map> (one map per staged row; timestamps travel as UTC datetimes and dates as dates, stored as Neo4j temporal values)
// backends: portable
// generated from linkgraph/schema.py by `python -m linkgraph.store.cypher`; do not edit
UNWIND $rows AS row
MERGE (a:IPAddress {ip: row.ip})
MERGE (b:ProxyProvider {provider: row.provider})
MERGE (a)-[r:VIA_PROXY]->(b)
RETURN count(*) AS rows
