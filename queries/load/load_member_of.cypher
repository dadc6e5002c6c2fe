// name: load_member_of
// description: Merge a batch of staged `member_of` rows into (:Account)-[:MEMBER_OF]->(:Organization) relationships (endpoints merged by key); properties merge by the schema's rules (replace: a non-null new value wins; min/max: time bounds widen), so re-loading changes nothing
// params: $rows: list<map> (one map per staged row; timestamps travel as UTC datetimes and dates as dates, stored as Neo4j temporal values)
// backends: portable
// generated from linkgraph/schema.py by `python -m linkgraph.store.cypher`; do not edit
UNWIND $rows AS row
MERGE (a:Account {account_id: row.account_id})
MERGE (b:Organization {org_id: row.org_id})
MERGE (a)-[r:MEMBER_OF]->(b)
RETURN count(*) AS rows
