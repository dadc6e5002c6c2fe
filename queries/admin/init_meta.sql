-- name: init_meta
-- description: Record the store's schema version in a new store (does nothing when it is recorded already)
-- params: $schema_version: string
-- backends: duckdb
INSERT INTO meta SELECT 'schema_version', $schema_version WHERE NOT EXISTS (SELECT 1 FROM meta)
