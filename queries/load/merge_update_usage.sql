-- name: merge_update_usage
-- description: Merge staged `usage` rows (a Parquet file) into existing rows with the same (account_id, day, category) by the schema's rules (replace: a non-null new value wins; min/max: time bounds widen); only rows whose values change are written
-- params: $parquet: string (path of the staged Parquet file)
-- backends: duckdb
-- generated from linkgraph/schema.py and model.py by `python -m linkgraph.store.sql`; do not edit
UPDATE "usage" AS t
SET "requests" = coalesce(n."requests", t."requests"),
    "tokens" = coalesce(n."tokens", t."tokens"),
    "flagged_jailbreak" = coalesce(n."flagged_jailbreak", t."flagged_jailbreak")
FROM read_parquet($parquet) AS n
WHERE t."account_id" = n."account_id" AND t."day" = n."day" AND t."category" = n."category"
  AND (coalesce(n."requests", t."requests") IS DISTINCT FROM t."requests"
    OR coalesce(n."tokens", t."tokens") IS DISTINCT FROM t."tokens"
    OR coalesce(n."flagged_jailbreak", t."flagged_jailbreak") IS DISTINCT FROM t."flagged_jailbreak")
