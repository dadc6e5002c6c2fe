// name: decisions
// description: Analyst decisions, newest first; for one cluster when $cluster_id is set
// params: $cluster_id: string (or null for all)
// backends: portable
MATCH (d:Decision)
WHERE $cluster_id IS NULL OR d.cluster_id = $cluster_id
RETURN d.cluster_id AS cluster_id, d.status AS status, d.analyst AS analyst, d.note AS note, d.decided_at AS decided_at
ORDER BY decided_at DESC
