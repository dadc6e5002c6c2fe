// name: constraint_payment_method
// description: Uniqueness of (:PaymentMethod) by (payment_fingerprint); also the index MERGE uses; idempotent
// params: none
// backends: neo4j-only
// generated from linkgraph/schema.py by `python -m linkgraph.store.cypher`; do not edit
CREATE CONSTRAINT payment_method_key IF NOT EXISTS FOR (n:PaymentMethod) REQUIRE n.payment_fingerprint IS UNIQUE
