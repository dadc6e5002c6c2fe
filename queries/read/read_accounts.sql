-- name: read_accounts
-- description: The whole `accounts` table in key order (account_id)
-- params: none
-- backends: duckdb
-- generated from linkgraph/schema.py and model.py by `python -m linkgraph.store.sql`; do not edit
SELECT "account_id", "created_at", "email", "email_domain", "email_local", "email_random", "email_namelike", "email_template", "email_number", "email_shape", "country", "org_id", "org_verified", "plan", "status", "extra"
FROM "accounts"
ORDER BY "account_id"
