-- name: read_proxy_providers
-- description: The whole `proxy_providers` table in key order (provider)
-- params: none
-- backends: duckdb
-- generated from linkgraph/schema.py and model.py by `python -m linkgraph.store.sql`; do not edit
SELECT "provider", "kind"
FROM "proxy_providers"
ORDER BY "provider"
