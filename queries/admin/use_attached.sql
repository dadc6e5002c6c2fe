-- name: use_attached
-- description: Make the attached store `lg` the default database of a reader's connection
-- params: none
-- backends: duckdb
USE lg
