-- name: merge_email_domains
-- description: Merge staged `email_domains` rows (a Parquet file) into the table by (domain); properties merge by the schema's rules (replace: a non-null new value wins; min/max: time bounds widen)
-- params: $parquet: string (path of the staged Parquet file)
-- backends: duckdb
-- generated from linkgraph/schema.py and model.py by `python -m linkgraph.store.sql`; do not edit
CREATE OR REPLACE TABLE "email_domains" AS
SELECT coalesce(n."domain", o."domain") AS "domain",
       coalesce(n."webmail", o."webmail") AS "webmail",
       coalesce(n."disposable", o."disposable") AS "disposable"
FROM "email_domains" o FULL OUTER JOIN read_parquet($parquet) n ON o."domain" = n."domain"
