-- name: check_store
-- description: Fails unless the file is a linkgraph store (it has the load_runs table); run when a store is opened
-- params: none
-- backends: duckdb
SELECT 1 FROM load_runs LIMIT 1
