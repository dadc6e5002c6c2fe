-- name: merge_update_email_domains
-- description: Merge staged `email_domains` rows (a Parquet file) into existing rows with the same (domain) by the schema's rules (replace: a non-null new value wins; min/max: time bounds widen); only rows whose values change are written
-- params: $parquet: string (path of the staged Parquet file)
-- backends: duckdb
-- generated from linkgraph/schema.py and model.py by `python -m linkgraph.store.sql`; do not edit
UPDATE "email_domains" AS t
SET "webmail" = coalesce(n."webmail", t."webmail"),
    "disposable" = coalesce(n."disposable", t."disposable")
FROM read_parquet($parquet) AS n
WHERE t."domain" = n."domain"
  AND (coalesce(n."webmail", t."webmail") IS DISTINCT FROM t."webmail"
    OR coalesce(n."disposable", t."disposable") IS DISTINCT FROM t."disposable")
