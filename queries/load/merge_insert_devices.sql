-- name: merge_insert_devices
-- description: Append staged `devices` rows (a Parquet file) whose (device_id) is new to the table
-- params: $parquet: string (path of the staged Parquet file)
-- backends: duckdb
-- generated from linkgraph/schema.py and model.py by `python -m linkgraph.store.sql`; do not edit
INSERT INTO "devices" ("device_id")
SELECT n."device_id"
FROM read_parquet($parquet) AS n
ANTI JOIN "devices" AS t ON t."device_id" = n."device_id"
