-- name: merge_update_used_device
-- description: Merge staged `used_device` rows (a Parquet file) into existing rows with the same (account_id, device_id) by the schema's rules (replace: a non-null new value wins; min/max: time bounds widen); only rows whose values change are written
-- params: $parquet: string (path of the staged Parquet file)
-- backends: duckdb
-- generated from linkgraph/schema.py and model.py by `python -m linkgraph.store.sql`; do not edit
UPDATE "used_device" AS t
SET "first_seen" = least(n."first_seen", t."first_seen"),
    "last_seen" = greatest(n."last_seen", t."last_seen")
FROM read_parquet($parquet) AS n
WHERE t."account_id" = n."account_id" AND t."device_id" = n."device_id"
  AND (least(n."first_seen", t."first_seen") IS DISTINCT FROM t."first_seen"
    OR greatest(n."last_seen", t."last_seen") IS DISTINCT FROM t."last_seen")
