-- name: merge_insert_proxy_providers
-- description: Append staged `proxy_providers` rows (a Parquet file) whose (provider) is new to the table
-- params: $parquet: string (path of the staged Parquet file)
-- backends: duckdb
-- generated from linkgraph/schema.py and model.py by `python -m linkgraph.store.sql`; do not edit
INSERT INTO "proxy_providers" ("provider", "kind")
SELECT n."provider", n."kind"
FROM read_parquet($parquet) AS n
ANTI JOIN "proxy_providers" AS t ON t."provider" = n."provider"
