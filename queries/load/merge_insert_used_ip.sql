-- name: merge_insert_used_ip
-- description: Append staged `used_ip` rows (a Parquet file) whose (account_id, ip) is new to the table
-- params: $parquet: string (path of the staged Parquet file)
-- backends: duckdb
-- generated from linkgraph/schema.py and model.py by `python -m linkgraph.store.sql`; do not edit
INSERT INTO "used_ip" ("account_id", "ip", "first_seen", "last_seen", "request_count", "user_agent")
SELECT n."account_id", n."ip", n."first_seen", n."last_seen", n."request_count", n."user_agent"
FROM read_parquet($parquet) AS n
ANTI JOIN "used_ip" AS t ON t."account_id" = n."account_id" AND t."ip" = n."ip"
