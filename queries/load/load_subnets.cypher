// name: load_subnets
// description: Merge a batch of staged `subnets` rows into (:Subnet) nodes by subnet; properties merge by the schema's rules (replace: a non-null new value wins; min/max: time bounds widen), so re-loading changes nothing
// params: $rows: list<map> (one map per staged row; timestamps travel as UTC datetimes and dates as dates, stored as Neo4j temporal values)
// backends: portable
// generated from linkgraph/schema.py by `python -m linkgraph.store.cypher`; do not edit
UNWIND $rows AS row
MERGE (n:Subnet {subnet: row.subnet})
SET n.version = coalesce(row.version, n.version)
RETURN count(*) AS rows
