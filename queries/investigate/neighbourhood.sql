-- name: neighbourhood
-- description: Identifiers of an account (with the subnets and proxy providers behind its IPs) and, at depth 2, the other accounts sharing its payment methods, devices or IPs
-- params: $account_id: string, $depth: int (1 or 2), $limit: int
-- backends: duckdb
WITH hop1 AS (
    SELECT 'Account' AS src_label, account_id AS src, rel, label AS dst_label, identifier AS dst,
           id_type, 1 AS hop FROM account_identifiers WHERE account_id = $account_id),
ipx AS (
    SELECT 'IPAddress' AS src_label, s.ip AS src, 'IN_SUBNET' AS rel, 'Subnet' AS dst_label,
           s.subnet AS dst, 'subnet' AS id_type, 1 AS hop
      FROM in_subnet s WHERE s.ip IN (SELECT dst FROM hop1 WHERE id_type = 'ip')
    UNION ALL
    SELECT 'IPAddress', v.ip, 'VIA_PROXY', 'ProxyProvider', v.provider, 'proxy', 1
      FROM via_proxy v WHERE v.ip IN (SELECT dst FROM hop1 WHERE id_type = 'ip')),
hop2 AS (
    SELECT 'Account' AS src_label, ai.account_id AS src, ai.rel, ai.label AS dst_label,
           ai.identifier AS dst, ai.id_type, 2 AS hop
      FROM account_identifiers ai JOIN hop1 h ON ai.id_type = h.id_type AND ai.identifier = h.dst
     WHERE $depth >= 2 AND ai.account_id <> $account_id AND h.id_type IN ('payment', 'device', 'ip'))
SELECT src_label, src, rel, dst_label, dst, hop FROM (
    SELECT * FROM hop1 UNION ALL SELECT * FROM ipx UNION ALL SELECT * FROM hop2)
ORDER BY hop, rel, src, dst
LIMIT $limit
