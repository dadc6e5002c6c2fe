-- name: load_runs
-- description: Completed loads, oldest first; with $fingerprint set, only the loads of that byte-identical export
-- params: $fingerprint: string (or null for all)
-- backends: duckdb
SELECT load_id, fingerprint, source, started_at, finished_at, files, counts
FROM load_runs
WHERE $fingerprint IS NULL OR fingerprint = $fingerprint
ORDER BY load_id
