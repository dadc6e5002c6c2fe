-- name: new_accounts_near_cluster
-- description: Accounts created at or after $since that share a payment method, device or IP with a cluster's members (newest run that has it) but are not members: replacements for banned accounts
-- params: $cluster_id: string, $since: timestamp, $limit: int
-- backends: duckdb
WITH run AS (SELECT max(run_id) AS r FROM clusters WHERE cluster_id = $cluster_id),
m AS (SELECT account_id FROM cluster_members WHERE run_id = (SELECT r FROM run) AND cluster_id = $cluster_id),
infra AS (SELECT DISTINCT id_type, identifier FROM account_identifiers
          WHERE account_id IN (SELECT account_id FROM m) AND id_type IN ('payment', 'device', 'ip'))
SELECT ai.account_id, a.created_at, ai.id_type, ai.identifier,
       (SELECT count(*) FROM account_identifiers x
         WHERE x.id_type = ai.id_type AND x.identifier = ai.identifier
           AND x.account_id IN (SELECT account_id FROM m)) AS shared_with
FROM account_identifiers ai JOIN infra USING (id_type, identifier) JOIN accounts a USING (account_id)
WHERE a.created_at >= $since AND ai.account_id NOT IN (SELECT account_id FROM m)
ORDER BY a.created_at, ai.account_id, ai.id_type, ai.identifier
LIMIT $limit
