-- name: read_subnets
-- description: The whole `subnets` table in key order (subnet)
-- params: none
-- backends: duckdb
-- generated from linkgraph/schema.py and model.py by `python -m linkgraph.store.sql`; do not edit
SELECT "subnet", "version"
FROM "subnets"
ORDER BY "subnet"
