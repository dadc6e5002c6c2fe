-- name: merge_update_accounts
-- description: Merge staged `accounts` rows (a Parquet file) into existing rows with the same (account_id) by the schema's rules (replace: a non-null new value wins; min/max: time bounds widen); only rows whose values change are written
-- params: $parquet: string (path of the staged Parquet file)
-- backends: duckdb
-- generated from linkgraph/schema.py and model.py by `python -m linkgraph.store.sql`; do not edit
UPDATE "accounts" AS t
SET "created_at" = least(n."created_at", t."created_at"),
    "email" = coalesce(n."email", t."email"),
    "email_domain" = coalesce(n."email_domain", t."email_domain"),
    "email_local" = coalesce(n."email_local", t."email_local"),
    "email_random" = coalesce(n."email_random", t."email_random"),
    "email_namelike" = coalesce(n."email_namelike", t."email_namelike"),
    "email_template" = coalesce(n."email_template", t."email_template"),
    "email_number" = coalesce(n."email_number", t."email_number"),
    "email_shape" = coalesce(n."email_shape", t."email_shape"),
    "country" = coalesce(n."country", t."country"),
    "org_id" = coalesce(n."org_id", t."org_id"),
    "org_verified" = coalesce(n."org_verified", t."org_verified"),
    "plan" = coalesce(n."plan", t."plan"),
    "status" = coalesce(n."status", t."status"),
    "extra" = coalesce(n."extra", t."extra")
FROM read_parquet($parquet) AS n
WHERE t."account_id" = n."account_id"
  AND (least(n."created_at", t."created_at") IS DISTINCT FROM t."created_at"
    OR coalesce(n."email", t."email") IS DISTINCT FROM t."email"
    OR coalesce(n."email_domain", t."email_domain") IS DISTINCT FROM t."email_domain"
    OR coalesce(n."email_local", t."email_local") IS DISTINCT FROM t."email_local"
    OR coalesce(n."email_random", t."email_random") IS DISTINCT FROM t."email_random"
    OR coalesce(n."email_namelike", t."email_namelike") IS DISTINCT FROM t."email_namelike"
    OR coalesce(n."email_template", t."email_template") IS DISTINCT FROM t."email_template"
    OR coalesce(n."email_number", t."email_number") IS DISTINCT FROM t."email_number"
    OR coalesce(n."email_shape", t."email_shape") IS DISTINCT FROM t."email_shape"
    OR coalesce(n."country", t."country") IS DISTINCT FROM t."country"
    OR coalesce(n."org_id", t."org_id") IS DISTINCT FROM t."org_id"
    OR coalesce(n."org_verified", t."org_verified") IS DISTINCT FROM t."org_verified"
    OR coalesce(n."plan", t."plan") IS DISTINCT FROM t."plan"
    OR coalesce(n."status", t."status") IS DISTINCT FROM t."status"
    OR coalesce(n."extra", t."extra") IS DISTINCT FROM t."extra")
