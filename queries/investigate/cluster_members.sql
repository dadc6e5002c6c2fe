-- name: cluster_members
-- description: Members of a cluster (newest run that has it), with their sign-up time and identifier counts; grouped counts over the members only (a correlated count per row is 3-5x slower at 1M)
-- params: $cluster_id: string, $limit: int
-- backends: duckdb
WITH run AS (SELECT max(run_id) AS r FROM clusters WHERE cluster_id = $cluster_id),
m AS (SELECT account_id FROM cluster_members WHERE run_id = (SELECT r FROM run) AND cluster_id = $cluster_id),
pm AS (SELECT account_id, count(*) AS n FROM paid_with WHERE account_id IN (SELECT account_id FROM m)
       GROUP BY account_id),
ips AS (SELECT account_id, count(*) AS n FROM used_ip WHERE account_id IN (SELECT account_id FROM m)
        GROUP BY account_id),
dv AS (SELECT account_id, count(*) AS n FROM used_device WHERE account_id IN (SELECT account_id FROM m)
       GROUP BY account_id)
SELECT a.account_id, a.email, a.created_at, a.country, a.status,
       coalesce(pm.n, 0) AS payment_methods, coalesce(ips.n, 0) AS ips, coalesce(dv.n, 0) AS devices
FROM accounts a JOIN m USING (account_id) LEFT JOIN pm USING (account_id)
LEFT JOIN ips USING (account_id) LEFT JOIN dv USING (account_id)
ORDER BY a.created_at, a.account_id
LIMIT $limit
