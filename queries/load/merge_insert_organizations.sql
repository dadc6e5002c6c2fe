-- name: merge_insert_organizations
-- description: Append staged `organizations` rows (a Parquet file) whose (org_id) is new to the table
-- params: $parquet: string (path of the staged Parquet file)
-- backends: duckdb
-- generated from linkgraph/schema.py and model.py by `python -m linkgraph.store.sql`; do not edit
INSERT INTO "organizations" ("org_id", "verified")
SELECT n."org_id", n."verified"
FROM read_parquet($parquet) AS n
ANTI JOIN "organizations" AS t ON t."org_id" = n."org_id"
