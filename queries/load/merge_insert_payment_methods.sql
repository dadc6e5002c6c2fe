-- name: merge_insert_payment_methods
-- description: Append staged `payment_methods` rows (a Parquet file) whose (payment_fingerprint) is new to the table
-- params: $parquet: string (path of the staged Parquet file)
-- backends: duckdb
-- generated from linkgraph/schema.py and model.py by `python -m linkgraph.store.sql`; do not edit
INSERT INTO "payment_methods" ("payment_fingerprint", "method_type", "card_bin", "card_last4", "billing_country")
SELECT n."payment_fingerprint", n."method_type", n."card_bin", n."card_last4", n."billing_country"
FROM read_parquet($parquet) AS n
ANTI JOIN "payment_methods" AS t ON t."payment_fingerprint" = n."payment_fingerprint"
