-- name: attach_read_only
-- description: Attach the store file read-only to a fresh in-memory database, as `lg` (a private snapshot for readers)
-- params: $path: string (the store file)
-- backends: duckdb
ATTACH $path AS lg (READ_ONLY)
