-- name: merge_insert_usage
-- description: Append staged `usage` rows (a Parquet file) whose (account_id, day, category) is new to the table
-- params: $parquet: string (path of the staged Parquet file)
-- backends: duckdb
-- generated from linkgraph/schema.py and model.py by `python -m linkgraph.store.sql`; do not edit
INSERT INTO "usage" ("account_id", "day", "category", "requests", "tokens", "flagged_jailbreak")
SELECT n."account_id", n."day", n."category", n."requests", n."tokens", n."flagged_jailbreak"
FROM read_parquet($parquet) AS n
ANTI JOIN "usage" AS t ON t."account_id" = n."account_id" AND t."day" = n."day" AND t."category" = n."category"
