// name: counts
// description: Rows per node label and relationship type (schema names), plus the usage and ip_intel tables
// params: none
// backends: portable
// generated from linkgraph/schema.py by `python -m linkgraph.store.cypher`; do not edit
MATCH (n:Account) RETURN 'Account' AS name, count(n) AS n
UNION ALL
MATCH (n:PaymentMethod) RETURN 'PaymentMethod' AS name, count(n) AS n
UNION ALL
MATCH (n:IPAddress) RETURN 'IPAddress' AS name, count(n) AS n
UNION ALL
MATCH (n:Subnet) RETURN 'Subnet' AS name, count(n) AS n
UNION ALL
MATCH (n:ProxyProvider) RETURN 'ProxyProvider' AS name, count(n) AS n
UNION ALL
MATCH (n:Device) RETURN 'Device' AS name, count(n) AS n
UNION ALL
MATCH (n:EmailDomain) RETURN 'EmailDomain' AS name, count(n) AS n
UNION ALL
MATCH (n:Organization) RETURN 'Organization' AS name, count(n) AS n
UNION ALL
MATCH ()-[r:PAID_WITH]->() RETURN 'PAID_WITH' AS name, count(r) AS n
UNION ALL
MATCH ()-[r:USED_IP]->() RETURN 'USED_IP' AS name, count(r) AS n
UNION ALL
MATCH ()-[r:IN_SUBNET]->() RETURN 'IN_SUBNET' AS name, count(r) AS n
UNION ALL
MATCH ()-[r:VIA_PROXY]->() RETURN 'VIA_PROXY' AS name, count(r) AS n
UNION ALL
MATCH ()-[r:USED_DEVICE]->() RETURN 'USED_DEVICE' AS name, count(r) AS n
UNION ALL
MATCH ()-[r:EMAIL_AT]->() RETURN 'EMAIL_AT' AS name, count(r) AS n
UNION ALL
MATCH ()-[r:MEMBER_OF]->() RETURN 'MEMBER_OF' AS name, count(r) AS n
UNION ALL
MATCH (n:Usage) RETURN 'usage' AS name, count(n) AS n
UNION ALL
MATCH (n:NetworkIntel) RETURN 'ip_intel' AS name, count(n) AS n
