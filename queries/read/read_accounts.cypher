// name: read_accounts
// description: One page of (:Account) nodes as `accounts` rows, ordered by account_id
// params: $after: string (last key of the previous page; '' for the first), $n: int (page size)
// backends: portable
// generated from linkgraph/schema.py by `python -m linkgraph.store.cypher`; do not edit
MATCH (n:Account)
WHERE n.account_id > $after
RETURN n.account_id AS account_id, n.created_at AS created_at, n.email AS email, n.email_domain AS email_domain, n.email_local AS email_local, n.email_random AS email_random, n.email_namelike AS email_namelike, n.email_template AS email_template, n.email_number AS email_number, n.email_shape AS email_shape, n.country AS country, n.org_id AS org_id, n.org_verified AS org_verified, n.plan AS plan, n.status AS status, n.extra AS extra
ORDER BY account_id
LIMIT $n
