-- name: merge_usage
-- description: Merge staged `usage` rows (a Parquet file) into the table by (account_id, day, category); properties merge by the schema's rules (replace: a non-null new value wins; min/max: time bounds widen)
-- params: $parquet: string (path of the staged Parquet file)
-- backends: duckdb
-- generated from linkgraph/schema.py and model.py by `python -m linkgraph.store.sql`; do not edit
CREATE OR REPLACE TABLE "usage" AS
SELECT coalesce(n."account_id", o."account_id") AS "account_id",
       coalesce(n."day", o."day") AS "day",
       coalesce(n."category", o."category") AS "category",
       coalesce(n."requests", o."requests") AS "requests",
       coalesce(n."tokens", o."tokens") AS "tokens",
       coalesce(n."flagged_jailbreak", o."flagged_jailbreak") AS "flagged_jailbreak"
FROM "usage" o FULL OUTER JOIN read_parquet($parquet) n ON o."account_id" = n."account_id" AND o."day" = n."day" AND o."category" = n."category"
