-- name: merge_update_payment_methods
-- description: Merge staged `payment_methods` rows (a Parquet file) into existing rows with the same (payment_fingerprint) by the schema's rules (replace: a non-null new value wins; min/max: time bounds widen); only rows whose values change are written
-- params: $parquet: string (path of the staged Parquet file)
-- backends: duckdb
-- generated from linkgraph/schema.py and model.py by `python -m linkgraph.store.sql`; do not edit
UPDATE "payment_methods" AS t
SET "method_type" = coalesce(n."method_type", t."method_type"),
    "card_bin" = coalesce(n."card_bin", t."card_bin"),
    "card_last4" = coalesce(n."card_last4", t."card_last4"),
    "billing_country" = coalesce(n."billing_country", t."billing_country")
FROM read_parquet($parquet) AS n
WHERE t."payment_fingerprint" = n."payment_fingerprint"
  AND (coalesce(n."method_type", t."method_type") IS DISTINCT FROM t."method_type"
    OR coalesce(n."card_bin", t."card_bin") IS DISTINCT FROM t."card_bin"
    OR coalesce(n."card_last4", t."card_last4") IS DISTINCT FROM t."card_last4"
    OR coalesce(n."billing_country", t."billing_country") IS DISTINCT FROM t."billing_country")
