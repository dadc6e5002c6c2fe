-- name: read_organizations
-- description: The whole `organizations` table in key order (org_id)
-- params: none
-- backends: duckdb
-- generated from linkgraph/schema.py and model.py by `python -m linkgraph.store.sql`; do not edit
SELECT "org_id", "verified"
FROM "organizations"
ORDER BY "org_id"
