-- name: merge_used_ip
-- description: Merge staged `used_ip` rows (a Parquet file) into the table by (account_id, ip); properties merge by the schema's rules (replace: a non-null new value wins; min/max: time bounds widen)
-- params: $parquet: string (path of the staged Parquet file)
-- backends: duckdb
-- generated from linkgraph/schema.py and model.py by `python -m linkgraph.store.sql`; do not edit
CREATE OR REPLACE TABLE "used_ip" AS
SELECT coalesce(n."account_id", o."account_id") AS "account_id",
       coalesce(n."ip", o."ip") AS "ip",
       least(n."first_seen", o."first_seen") AS "first_seen",
       greatest(n."last_seen", o."last_seen") AS "last_seen",
       coalesce(n."request_count", o."request_count") AS "request_count",
       coalesce(n."user_agent", o."user_agent") AS "user_agent"
FROM "used_ip" o FULL OUTER JOIN read_parquet($parquet) n ON o."account_id" = n."account_id" AND o."ip" = n."ip"
