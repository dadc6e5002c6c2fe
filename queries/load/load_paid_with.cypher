// name: load_paid_with
// description: Merge a batch of staged `paid_with` rows into (:Account)-[:PAID_WITH]->(:PaymentMethod) relationships (endpoints merged by key); properties merge by the schema's rules (replace: a non-null new value wins; min/max: time bounds widen), so re-loading changes nothing
// params: $rows: list<map> (one map per staged row; timestamps travel as UTC datetimes and dates as dates, stored as Neo4j temporal values)
// backends: portable
// generated from linkgraph/schema.py by `python -m linkgraph.store.cypher`; do not edit
UNWIND $rows AS row
MERGE (a:Account {account_id: row.account_id})
MERGE (b:PaymentMethod {payment_fingerprint: row.payment_fingerprint})
MERGE (a)-[r:PAID_WITH]->(b)
SET r.added_at = CASE WHEN row.added_at IS NULL OR (r.added_at IS NOT NULL AND r.added_at <= row.added_at) THEN r.added_at ELSE row.added_at END
RETURN count(*) AS rows
