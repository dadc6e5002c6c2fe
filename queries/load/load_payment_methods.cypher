// name: load_payment_methods
// description: Merge a batch of staged `payment_methods` rows into (:PaymentMethod) nodes by payment_fingerprint; properties merge by the schema's rules (replace: a non-null new value wins; min/max: time bounds widen), so re-loading changes nothing
// params: $rows: list<map> (one map per staged row; timestamps travel as UTC datetimes and dates as dates, stored as Neo4j temporal values)
// backends: portable
// generated from linkgraph/schema.py by `python -m linkgraph.store.cypher`; do not edit
UNWIND $rows AS row
MERGE (n:PaymentMethod {payment_fingerprint: row.payment_fingerprint})
SET n.method_type = coalesce(row.method_type, n.method_type),
    n.card_bin = coalesce(row.card_bin, n.card_bin),
    n.card_last4 = coalesce(row.card_last4, n.card_last4),
    n.billing_country = coalesce(row.billing_country, n.billing_country)
RETURN count(*) AS rows
