-- name: create_meta
-- description: Create the `meta` table (key/value facts about the store, such as its schema version) when the store is new
-- params: none
-- backends: duckdb
CREATE TABLE IF NOT EXISTS meta (key VARCHAR, value VARCHAR)
