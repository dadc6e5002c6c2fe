-- name: view_account_identifiers
-- description: Every (account, identifier) pair as linking and the investigator statements see them, with the identifier's type, label and relationship type
-- params: none
-- backends: duckdb
CREATE OR REPLACE VIEW account_identifiers AS
SELECT account_id, 'payment' AS id_type, 'PaymentMethod' AS label, 'PAID_WITH' AS rel,
       payment_fingerprint AS identifier FROM paid_with
UNION ALL SELECT account_id, 'device', 'Device', 'USED_DEVICE', device_id FROM used_device
UNION ALL SELECT account_id, 'ip', 'IPAddress', 'USED_IP', ip FROM used_ip
UNION ALL SELECT account_id, 'email_domain', 'EmailDomain', 'EMAIL_AT', domain FROM email_at
UNION ALL SELECT account_id, 'org', 'Organization', 'MEMBER_OF', org_id FROM member_of
