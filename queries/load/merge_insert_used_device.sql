-- name: merge_insert_used_device
-- description: Append staged `used_device` rows (a Parquet file) whose (account_id, device_id) is new to the table
-- params: $parquet: string (path of the staged Parquet file)
-- backends: duckdb
-- generated from linkgraph/schema.py and model.py by `python -m linkgraph.store.sql`; do not edit
INSERT INTO "used_device" ("account_id", "device_id", "first_seen", "last_seen")
SELECT n."account_id", n."device_id", n."first_seen", n."last_seen"
FROM read_parquet($parquet) AS n
ANTI JOIN "used_device" AS t ON t."account_id" = n."account_id" AND t."device_id" = n."device_id"
