-- name: merge_insert_email_domains
-- description: Append staged `email_domains` rows (a Parquet file) whose (domain) is new to the table
-- params: $parquet: string (path of the staged Parquet file)
-- backends: duckdb
-- generated from linkgraph/schema.py and model.py by `python -m linkgraph.store.sql`; do not edit
INSERT INTO "email_domains" ("domain", "webmail", "disposable")
SELECT n."domain", n."webmail", n."disposable"
FROM read_parquet($parquet) AS n
ANTI JOIN "email_domains" AS t ON t."domain" = n."domain"
