-- name: merge_email_at
-- description: Merge staged `email_at` rows (a Parquet file) into the table by (account_id, domain); properties merge by the schema's rules (replace: a non-null new value wins; min/max: time bounds widen)
-- params: $parquet: string (path of the staged Parquet file)
-- backends: duckdb
-- generated from linkgraph/schema.py and model.py by `python -m linkgraph.store.sql`; do not edit
CREATE OR REPLACE TABLE "email_at" AS
SELECT coalesce(n."account_id", o."account_id") AS "account_id",
       coalesce(n."domain", o."domain") AS "domain"
FROM "email_at" o FULL OUTER JOIN read_parquet($parquet) n ON o."account_id" = n."account_id" AND o."domain" = n."domain"
