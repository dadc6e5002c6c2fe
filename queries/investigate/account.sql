-- name: account
-- description: One account's properties and its cluster (with the cluster's score) in the latest run
-- params: $account_id: string, $run_id: int (latest run)
-- backends: duckdb
WITH lm AS (SELECT m.account_id, m.cluster_id, c.score FROM cluster_members m
            JOIN clusters c ON c.run_id = m.run_id AND c.cluster_id = m.cluster_id
            WHERE m.run_id = $run_id AND c.view = 'leiden')
SELECT a.*, lm.cluster_id, lm.score AS cluster_score
FROM accounts a LEFT JOIN lm USING (account_id)
WHERE a.account_id = $account_id
LIMIT 1
