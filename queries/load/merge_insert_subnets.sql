-- name: merge_insert_subnets
-- description: Append staged `subnets` rows (a Parquet file) whose (subnet) is new to the table
-- params: $parquet: string (path of the staged Parquet file)
-- backends: duckdb
-- generated from linkgraph/schema.py and model.py by `python -m linkgraph.store.sql`; do not edit
INSERT INTO "subnets" ("subnet", "version")
SELECT n."subnet", n."version"
FROM read_parquet($parquet) AS n
ANTI JOIN "subnets" AS t ON t."subnet" = n."subnet"
