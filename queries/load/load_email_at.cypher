// name: load_email_at
// description: Merge a batch of staged `email_at` rows into (:Account)-[:EMAIL_AT]->(:EmailDomain) relationships (endpoints merged by key); properties merge by the schema's rules (replace: a non-null new value wins; min/max: time bounds widen), so re-loading changes nothing
// params: $rows: list<map> (one map per staged row; timestamps travel as UTC datetimes and dates as dates, stored as Neo4j temporal values)
// backends: portable
// generated from linkgraph/schema.py by `python -m linkgraph.store.cypher`; do not edit
UNWIND $rows AS row
MERGE (a:Account {account_id: row.account_id})
MERGE (b:EmailDomain {domain: row.domain})
MERGE (a)-[r:EMAIL_AT]->(b)
RETURN count(*) AS rows
