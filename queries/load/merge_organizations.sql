-- name: merge_organizations
-- description: Merge staged `organizations` rows (a Parquet file) into the table by (org_id); properties merge by the schema's rules (replace: a non-null new value wins; min/max: time bounds widen)
-- params: $parquet: string (path of the staged Parquet file)
-- backends: duckdb
-- generated from linkgraph/schema.py and model.py by `python -m linkgraph.store.sql`; do not edit
CREATE OR REPLACE TABLE "organizations" AS
SELECT coalesce(n."org_id", o."org_id") AS "org_id",
       greatest(n."verified", o."verified") AS "verified"
FROM "organizations" o FULL OUTER JOIN read_parquet($parquet) n ON o."org_id" = n."org_id"
