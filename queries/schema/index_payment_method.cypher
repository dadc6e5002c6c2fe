// name: index_payment_method
// description: Index on (:PaymentMethod) key (payment_fingerprint) for peers without constraints (MERGE and paging use it)
// params: none
// backends: portable
// generated from linkgraph/schema.py by `python -m linkgraph.store.cypher`; do not edit
CREATE INDEX FOR (n:PaymentMethod) ON (n.payment_fingerprint)
