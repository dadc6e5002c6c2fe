-- name: read_email_domains
-- description: The whole `email_domains` table in key order (domain)
-- params: none
-- backends: duckdb
-- generated from linkgraph/schema.py and model.py by `python -m linkgraph.store.sql`; do not edit
SELECT "domain", "webmail", "disposable"
FROM "email_domains"
ORDER BY "domain"
