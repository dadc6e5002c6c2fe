-- name: read_paid_with
-- description: The whole `paid_with` table in key order (account_id, payment_fingerprint)
-- params: none
-- backends: duckdb
-- generated from linkgraph/schema.py and model.py by `python -m linkgraph.store.sql`; do not edit
SELECT "account_id", "payment_fingerprint", "added_at"
FROM "paid_with"
ORDER BY "account_id", "payment_fingerprint"
