-- name: merge_insert_email_at
-- description: Append staged `email_at` rows (a Parquet file) whose (account_id, domain) is new to the table
-- params: $parquet: string (path of the staged Parquet file)
-- backends: duckdb
-- generated from linkgraph/schema.py and model.py by `python -m linkgraph.store.sql`; do not edit
INSERT INTO "email_at" ("account_id", "domain")
SELECT n."account_id", n."domain"
FROM read_parquet($parquet) AS n
ANTI JOIN "email_at" AS t ON t."account_id" = n."account_id" AND t."domain" = n."domain"
