-- name: merge_payment_methods
-- description: Merge staged `payment_methods` rows (a Parquet file) into the table by (payment_fingerprint); properties merge by the schema's rules (replace: a non-null new value wins; min/max: time bounds widen)
-- params: $parquet: string (path of the staged Parquet file)
-- backends: duckdb
-- generated from linkgraph/schema.py and model.py by `python -m linkgraph.store.sql`; do not edit
CREATE OR REPLACE TABLE "payment_methods" AS
SELECT coalesce(n."payment_fingerprint", o."payment_fingerprint") AS "payment_fingerprint",
       coalesce(n."method_type", o."method_type") AS "method_type",
       coalesce(n."card_bin", o."card_bin") AS "card_bin",
       coalesce(n."card_last4", o."card_last4") AS "card_last4",
       coalesce(n."billing_country", o."billing_country") AS "billing_country"
FROM "payment_methods" o FULL OUTER JOIN read_parquet($parquet) n ON o."payment_fingerprint" = n."payment_fingerprint"
