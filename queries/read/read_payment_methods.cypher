// name: read_payment_methods
// description: One page of (:PaymentMethod) nodes as `payment_methods` rows, ordered by payment_fingerprint
// params: $after: string (last key of the previous page; '' for the first), $n: int (page size)
// backends: portable
// generated from linkgraph/schema.py by `python -m linkgraph.store.cypher`; do not edit
MATCH (n:PaymentMethod)
WHERE n.payment_fingerprint > $after
RETURN n.payment_fingerprint AS payment_fingerprint, n.method_type AS method_type, n.card_bin AS card_bin, n.card_last4 AS card_last4, n.billing_country AS billing_country
ORDER BY payment_fingerprint
LIMIT $n
