-- name: schema_version
-- description: The schema version recorded when the store was made (an older one lacks newer columns); run when a store is opened
-- params: none
-- backends: duckdb
SELECT max(value) FROM meta WHERE key = 'schema_version'
