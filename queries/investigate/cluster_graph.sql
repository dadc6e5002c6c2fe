-- name: cluster_graph
-- description: The account-identifier pairs of a cluster's members (newest run that has it): payment, device, IP, email domain, organisation, and the subnets and proxy providers behind their IPs
-- params: $cluster_id: string, $limit: int
-- backends: duckdb
WITH run AS (SELECT max(run_id) AS r FROM clusters WHERE cluster_id = $cluster_id),
m AS (SELECT account_id FROM cluster_members WHERE run_id = (SELECT r FROM run) AND cluster_id = $cluster_id),
direct AS (SELECT account_id, id_type, label, identifier FROM account_identifiers
           WHERE account_id IN (SELECT account_id FROM m)),
via_ip AS (
    SELECT DISTINCT d.account_id, 'subnet' AS id_type, 'Subnet' AS label, i.subnet AS identifier
      FROM direct d JOIN ip_addresses i ON d.id_type = 'ip' AND i.ip = d.identifier
     WHERE i.subnet IS NOT NULL
    UNION ALL
    SELECT DISTINCT d.account_id, 'proxy', 'ProxyProvider', i.proxy_provider
      FROM direct d JOIN ip_addresses i ON d.id_type = 'ip' AND i.ip = d.identifier
     WHERE i.proxy_provider IS NOT NULL)
SELECT account_id, id_type, label, identifier FROM (SELECT * FROM direct UNION ALL SELECT * FROM via_ip)
ORDER BY account_id, id_type, identifier
LIMIT $limit
