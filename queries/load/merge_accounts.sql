-- name: merge_accounts
-- description: Merge staged `accounts` rows (a Parquet file) into the table by (account_id); properties merge by the schema's rules (replace: a non-null new value wins; min/max: time bounds widen)
-- params: $parquet: string (path of the staged Parquet file)
-- backends: duckdb
-- generated from linkgraph/schema.py and model.py by `python -m linkgraph.store.sql`; do not edit
CREATE OR REPLACE TABLE "accounts" AS
SELECT coalesce(n."account_id", o."account_id") AS "account_id",
       least(n."created_at", o."created_at") AS "created_at",
       coalesce(n."email", o."email") AS "email",
       coalesce(n."email_domain", o."email_domain") AS "email_domain",
       coalesce(n."email_local", o."email_local") AS "email_local",
       coalesce(n."country", o."country") AS "country",
       coalesce(n."org_id", o."org_id") AS "org_id",
       coalesce(n."org_verified", o."org_verified") AS "org_verified",
       coalesce(n."plan", o."plan") AS "plan",
       coalesce(n."status", o."status") AS "status",
       coalesce(n."extra", o."extra") AS "extra"
FROM "accounts" o FULL OUTER JOIN read_parquet($parquet) n ON o."account_id" = n."account_id"
