-- name: merge_member_of
-- description: Merge staged `member_of` rows (a Parquet file) into the table by (account_id, org_id); properties merge by the schema's rules (replace: a non-null new value wins; min/max: time bounds widen)
-- params: $parquet: string (path of the staged Parquet file)
-- backends: duckdb
-- generated from linkgraph/schema.py and model.py by `python -m linkgraph.store.sql`; do not edit
CREATE OR REPLACE TABLE "member_of" AS
SELECT coalesce(n."account_id", o."account_id") AS "account_id",
       coalesce(n."org_id", o."org_id") AS "org_id"
FROM "member_of" o FULL OUTER JOIN read_parquet($parquet) n ON o."account_id" = n."account_id" AND o."org_id" = n."org_id"
