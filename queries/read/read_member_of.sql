-- name: read_member_of
-- description: The whole `member_of` table in key order (account_id, org_id)
-- params: none
-- backends: duckdb
-- generated from linkgraph/schema.py and model.py by `python -m linkgraph.store.sql`; do not edit
SELECT "account_id", "org_id"
FROM "member_of"
ORDER BY "account_id", "org_id"
