-- name: merge_insert_paid_with
-- description: Append staged `paid_with` rows (a Parquet file) whose (account_id, payment_fingerprint) is new to the table
-- params: $parquet: string (path of the staged Parquet file)
-- backends: duckdb
-- generated from linkgraph/schema.py and model.py by `python -m linkgraph.store.sql`; do not edit
INSERT INTO "paid_with" ("account_id", "payment_fingerprint", "added_at")
SELECT n."account_id", n."payment_fingerprint", n."added_at"
FROM read_parquet($parquet) AS n
ANTI JOIN "paid_with" AS t ON t."account_id" = n."account_id" AND t."payment_fingerprint" = n."payment_fingerprint"
