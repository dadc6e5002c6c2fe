-- name: merge_insert_member_of
-- description: Append staged `member_of` rows (a Parquet file) whose (account_id, org_id) is new to the table
-- params: $parquet: string (path of the staged Parquet file)
-- backends: duckdb
-- generated from linkgraph/schema.py and model.py by `python -m linkgraph.store.sql`; do not edit
INSERT INTO "member_of" ("account_id", "org_id")
SELECT n."account_id", n."org_id"
FROM read_parquet($parquet) AS n
ANTI JOIN "member_of" AS t ON t."account_id" = n."account_id" AND t."org_id" = n."org_id"
