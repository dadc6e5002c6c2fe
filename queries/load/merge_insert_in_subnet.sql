-- name: merge_insert_in_subnet
-- description: Append staged `in_subnet` rows (a Parquet file) whose (ip, subnet) is new to the table
-- params: $parquet: string (path of the staged Parquet file)
-- backends: duckdb
-- generated from linkgraph/schema.py and model.py by `python -m linkgraph.store.sql`; do not edit
INSERT INTO "in_subnet" ("ip", "subnet")
SELECT n."ip", n."subnet"
FROM read_parquet($parquet) AS n
ANTI JOIN "in_subnet" AS t ON t."ip" = n."ip" AND t."subnet" = n."subnet"
