-- name: checkpoint
-- description: Fold the write-ahead log into the database file before a write's copy replaces the store
-- params: none
-- backends: duckdb
CHECKPOINT
