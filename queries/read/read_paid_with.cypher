// name: read_paid_with
// description: The `paid_with` relationships of one page of (:Account) start nodes in key order; a start node without any comes back once with nulls, so the caller can advance the page
// params: $after: string (last (:Account) key of the previous page; '' for the first), $n: int (start nodes per page)
// backends: portable
// generated from linkgraph/schema.py by `python -m linkgraph.store.cypher`; do not edit
MATCH (a:Account)
WHERE a.account_id > $after
WITH a ORDER BY a.account_id LIMIT $n
OPTIONAL MATCH (a)-[r:PAID_WITH]->(b:PaymentMethod)
RETURN a.account_id AS account_id, b.payment_fingerprint AS payment_fingerprint, r.added_at AS added_at
