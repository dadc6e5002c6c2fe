-- name: read_usage
-- description: The whole `usage` table in key order (account_id, day, category)
-- params: none
-- backends: duckdb
-- generated from linkgraph/schema.py and model.py by `python -m linkgraph.store.sql`; do not edit
SELECT "account_id", "day", "category", "requests", "tokens", "flagged_jailbreak"
FROM "usage"
ORDER BY "account_id", "day", "category"
