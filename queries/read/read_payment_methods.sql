-- name: read_payment_methods
-- description: The whole `payment_methods` table in key order (payment_fingerprint)
-- params: none
-- backends: duckdb
-- generated from linkgraph/schema.py and model.py by `python -m linkgraph.store.sql`; do not edit
SELECT "payment_fingerprint", "method_type", "card_bin", "card_last4", "billing_country"
FROM "payment_methods"
ORDER BY "payment_fingerprint"
