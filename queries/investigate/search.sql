-- name: search
-- description: Accounts whose id, email, IP, payment fingerprint or device matches the term (exact, or prefix for ids and emails; emails case-insensitive), with their cluster in the latest run
-- params: $term: string, $ip: string (the term as a canonical IP, else the term), $run_id: int (latest run), $limit: int
-- backends: duckdb
WITH lm AS (SELECT m.account_id, m.cluster_id FROM cluster_members m
            JOIN clusters c ON c.run_id = m.run_id AND c.cluster_id = m.cluster_id
            WHERE m.run_id = $run_id AND c.view = 'leiden'),
hits AS (
    SELECT account_id, 'account_id' AS matched_on, account_id AS matched_value, 0 AS rank
      FROM accounts WHERE account_id = $term
    UNION ALL SELECT account_id, 'account_id', account_id, 1
      FROM accounts WHERE starts_with(account_id, $term) AND account_id <> $term
    UNION ALL SELECT account_id, 'email', email, 0 FROM accounts WHERE lower(email) = lower($term)
    UNION ALL SELECT account_id, 'email', email, 1 FROM accounts
      WHERE starts_with(lower(email), lower($term)) AND lower(email) <> lower($term)
    UNION ALL SELECT account_id, 'ip', ip, 0 FROM used_ip WHERE ip = $ip
    UNION ALL SELECT account_id, 'payment_fingerprint', payment_fingerprint, 0
      FROM paid_with WHERE payment_fingerprint = $term
    UNION ALL SELECT account_id, 'device_id', device_id, 0 FROM used_device WHERE device_id = $term)
SELECT h.account_id, a.email, a.created_at, h.matched_on, h.matched_value, lm.cluster_id
FROM hits h JOIN accounts a USING (account_id) LEFT JOIN lm USING (account_id)
ORDER BY h.rank, h.account_id
LIMIT $limit
