-- name: read_in_subnet
-- description: The whole `in_subnet` table in key order (ip, subnet)
-- params: none
-- backends: duckdb
-- generated from linkgraph/schema.py and model.py by `python -m linkgraph.store.sql`; do not edit
SELECT "ip", "subnet"
FROM "in_subnet"
ORDER BY "ip", "subnet"
