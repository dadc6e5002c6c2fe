-- name: merge_insert_via_proxy
-- description: Append staged `via_proxy` rows (a Parquet file) whose (ip, provider) is new to the table
-- params: $parquet: string (path of the staged Parquet file)
-- backends: duckdb
-- generated from linkgraph/schema.py and model.py by `python -m linkgraph.store.sql`; do not edit
INSERT INTO "via_proxy" ("ip", "provider")
SELECT n."ip", n."provider"
FROM read_parquet($parquet) AS n
ANTI JOIN "via_proxy" AS t ON t."ip" = n."ip" AND t."provider" = n."provider"
