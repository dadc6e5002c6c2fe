-- name: merge_insert_ip_intel
-- description: Append staged `ip_intel` rows (a Parquet file) whose (network) is new to the table
-- params: $parquet: string (path of the staged Parquet file)
-- backends: duckdb
-- generated from linkgraph/schema.py and model.py by `python -m linkgraph.store.sql`; do not edit
INSERT INTO "ip_intel" ("network", "provider", "kind", "asn")
SELECT n."network", n."provider", n."kind", n."asn"
FROM read_parquet($parquet) AS n
ANTI JOIN "ip_intel" AS t ON t."network" = n."network"
