-- name: read_email_at
-- description: The whole `email_at` table in key order (account_id, domain)
-- params: none
-- backends: duckdb
-- generated from linkgraph/schema.py and model.py by `python -m linkgraph.store.sql`; do not edit
SELECT "account_id", "domain"
FROM "email_at"
ORDER BY "account_id", "domain"
