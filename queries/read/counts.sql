-- name: counts
-- description: Rows per node label and relationship type (schema names), plus the usage and ip_intel tables
-- params: none
-- backends: duckdb
-- generated from linkgraph/schema.py and model.py by `python -m linkgraph.store.sql`; do not edit
SELECT 'Account' AS name, count(*) AS n
  FROM "accounts"
UNION ALL
SELECT 'PaymentMethod' AS name, count(*) AS n
  FROM "payment_methods"
UNION ALL
SELECT 'IPAddress' AS name, count(*) AS n
  FROM "ip_addresses"
UNION ALL
SELECT 'Subnet' AS name, count(*) AS n
  FROM "subnets"
UNION ALL
SELECT 'ProxyProvider' AS name, count(*) AS n
  FROM "proxy_providers"
UNION ALL
SELECT 'Device' AS name, count(*) AS n
  FROM "devices"
UNION ALL
SELECT 'EmailDomain' AS name, count(*) AS n
  FROM "email_domains"
UNION ALL
SELECT 'Organization' AS name, count(*) AS n
  FROM "organizations"
UNION ALL
SELECT 'PAID_WITH' AS name, count(*) AS n
  FROM "paid_with"
UNION ALL
SELECT 'USED_IP' AS name, count(*) AS n
  FROM "used_ip"
UNION ALL
SELECT 'IN_SUBNET' AS name, count(*) AS n
  FROM "in_subnet"
UNION ALL
SELECT 'VIA_PROXY' AS name, count(*) AS n
  FROM "via_proxy"
UNION ALL
SELECT 'USED_DEVICE' AS name, count(*) AS n
  FROM "used_device"
UNION ALL
SELECT 'EMAIL_AT' AS name, count(*) AS n
  FROM "email_at"
UNION ALL
SELECT 'MEMBER_OF' AS name, count(*) AS n
  FROM "member_of"
UNION ALL
SELECT 'usage' AS name, count(*) AS n
  FROM "usage"
UNION ALL
SELECT 'ip_intel' AS name, count(*) AS n
  FROM "ip_intel"
