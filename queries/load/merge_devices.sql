-- name: merge_devices
-- description: Merge staged `devices` rows (a Parquet file) into the table by (device_id); properties merge by the schema's rules (replace: a non-null new value wins; min/max: time bounds widen)
-- params: $parquet: string (path of the staged Parquet file)
-- backends: duckdb
-- generated from linkgraph/schema.py and model.py by `python -m linkgraph.store.sql`; do not edit
CREATE OR REPLACE TABLE "devices" AS
SELECT coalesce(n."device_id", o."device_id") AS "device_id"
FROM "devices" o FULL OUTER JOIN read_parquet($parquet) n ON o."device_id" = n."device_id"
