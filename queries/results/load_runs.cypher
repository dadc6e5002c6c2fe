// name: load_runs
// description: Completed loads, oldest first; with $fingerprint set, only the loads of that byte-identical export
// params: $fingerprint: string (or null for all)
// backends: portable
MATCH (r:LoadRun)
WHERE r.status = 'complete' AND ($fingerprint IS NULL OR r.fingerprint = $fingerprint)
RETURN r.load_id AS load_id, r.fingerprint AS fingerprint, r.source AS source, r.started_at AS started_at,
       r.finished_at AS finished_at, r.files AS files, r.counts AS counts
ORDER BY load_id
