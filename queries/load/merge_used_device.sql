-- name: merge_used_device
-- description: Merge staged `used_device` rows (a Parquet file) into the table by (account_id, device_id); properties merge by the schema's rules (replace: a non-null new value wins; min/max: time bounds widen)
-- params: $parquet: string (path of the staged Parquet file)
-- backends: duckdb
-- generated from linkgraph/schema.py and model.py by `python -m linkgraph.store.sql`; do not edit
CREATE OR REPLACE TABLE "used_device" AS
SELECT coalesce(n."account_id", o."account_id") AS "account_id",
       coalesce(n."device_id", o."device_id") AS "device_id",
       least(n."first_seen", o."first_seen") AS "first_seen",
       greatest(n."last_seen", o."last_seen") AS "last_seen"
FROM "used_device" o FULL OUTER JOIN read_parquet($parquet) n ON o."account_id" = n."account_id" AND o."device_id" = n."device_id"
