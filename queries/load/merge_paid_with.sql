-- name: merge_paid_with
-- description: Merge staged `paid_with` rows (a Parquet file) into the table by (account_id, payment_fingerprint); properties merge by the schema's rules (replace: a non-null new value wins; min/max: time bounds widen)
-- params: $parquet: string (path of the staged Parquet file)
-- backends: duckdb
-- generated from linkgraph/schema.py and model.py by `python -m linkgraph.store.sql`; do not edit
CREATE OR REPLACE TABLE "paid_with" AS
SELECT coalesce(n."account_id", o."account_id") AS "account_id",
       coalesce(n."payment_fingerprint", o."payment_fingerprint") AS "payment_fingerprint",
       least(n."added_at", o."added_at") AS "added_at"
FROM "paid_with" o FULL OUTER JOIN read_parquet($parquet) n ON o."account_id" = n."account_id" AND o."payment_fingerprint" = n."payment_fingerprint"
