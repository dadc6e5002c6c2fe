-- name: merge_insert_accounts
-- description: Append staged `accounts` rows (a Parquet file) whose (account_id) is new to the table
-- params: $parquet: string (path of the staged Parquet file)
-- backends: duckdb
-- generated from linkgraph/schema.py and model.py by `python -m linkgraph.store.sql`; do not edit
INSERT INTO "accounts" ("account_id", "created_at", "email", "email_domain", "email_local", "email_random", "email_namelike", "email_template", "email_number", "email_shape", "country", "org_id", "org_verified", "plan", "status", "extra")
SELECT n."account_id", n."created_at", n."email", n."email_domain", n."email_local", n."email_random", n."email_namelike", n."email_template", n."email_number", n."email_shape", n."country", n."org_id", n."org_verified", n."plan", n."status", n."extra"
FROM read_parquet($parquet) AS n
ANTI JOIN "accounts" AS t ON t."account_id" = n."account_id"
