-- name: clusters_by_provider
-- description: Clusters of the latest run whose members used IPs of a proxy provider, with how many members did
-- params: $provider: string, $run_id: int (latest run), $limit: int
-- backends: duckdb
WITH lm AS (SELECT m.account_id, m.cluster_id FROM cluster_members m
            JOIN clusters c ON c.run_id = m.run_id AND c.cluster_id = m.cluster_id
            WHERE m.run_id = $run_id AND c.view = 'leiden'),
users AS (SELECT DISTINCT u.account_id FROM used_ip u JOIN via_proxy v USING (ip) WHERE v.provider = $provider)
SELECT c.cluster_id, c.score, c.size, count(*) AS accounts_on_provider
FROM lm JOIN users USING (account_id)
JOIN clusters c ON c.cluster_id = lm.cluster_id AND c.run_id = $run_id
GROUP BY c.cluster_id, c.score, c.size
ORDER BY accounts_on_provider DESC, c.cluster_id
LIMIT $limit
