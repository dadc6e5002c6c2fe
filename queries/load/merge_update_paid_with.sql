-- name: merge_update_paid_with
-- description: Merge staged `paid_with` rows (a Parquet file) into existing rows with the same (account_id, payment_fingerprint) by the schema's rules (replace: a non-null new value wins; min/max: time bounds widen); only rows whose values change are written
-- params: $parquet: string (path of the staged Parquet file)
-- backends: duckdb
-- generated from linkgraph/schema.py and model.py by `python -m linkgraph.store.sql`; do not edit
UPDATE "paid_with" AS t
SET "added_at" = least(n."added_at", t."added_at")
FROM read_parquet($parquet) AS n
WHERE t."account_id" = n."account_id" AND t."payment_fingerprint" = n."payment_fingerprint"
  AND (least(n."added_at", t."added_at") IS DISTINCT FROM t."added_at")
