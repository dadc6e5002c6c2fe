-- name: accounts_by_payment
-- description: Accounts that share a payment method (by fingerprint), with when they added it and their cluster in the latest run
-- params: $payment_fingerprint: string, $run_id: int (latest run), $limit: int
-- backends: duckdb
WITH lm AS (SELECT m.account_id, m.cluster_id FROM cluster_members m
            JOIN clusters c ON c.run_id = m.run_id AND c.cluster_id = m.cluster_id
            WHERE m.run_id = $run_id AND c.view = 'leiden')
SELECT a.account_id, a.email, a.created_at, p.added_at, lm.cluster_id
FROM paid_with p JOIN accounts a USING (account_id) LEFT JOIN lm USING (account_id)
WHERE p.payment_fingerprint = $payment_fingerprint
ORDER BY a.created_at, a.account_id
LIMIT $limit
