// name: load_accounts
// description: Merge a batch of staged `accounts` rows into (:Account) nodes by account_id; properties merge by the schema's rules (replace: a non-null new value wins; min/max: time bounds widen), so re-loading changes nothing
// params: $rows: list<map> (one map per staged row; timestamps travel as UTC datetimes and dates as dates, stored as Neo4j temporal values)
// backends: portable
// generated from linkgraph/schema.py by `python -m linkgraph.store.cypher`; do not edit
UNWIND $rows AS row
MERGE (n:Account {account_id: row.account_id})
SET n.created_at = CASE WHEN row.created_at IS NULL OR (n.created_at IS NOT NULL AND n.created_at <= row.created_at) THEN n.created_at ELSE row.created_at END,
    n.email = coalesce(row.email, n.email),
    n.email_domain = coalesce(row.email_domain, n.email_domain),
    n.email_local = coalesce(row.email_local, n.email_local),
    n.email_random = coalesce(row.email_random, n.email_random),
    n.email_namelike = coalesce(row.email_namelike, n.email_namelike),
    n.email_template = coalesce(row.email_template, n.email_template),
    n.email_number = coalesce(row.email_number, n.email_number),
    n.email_shape = coalesce(row.email_shape, n.email_shape),
    n.country = coalesce(row.country, n.country),
    n.org_id = coalesce(row.org_id, n.org_id),
    n.org_verified = coalesce(row.org_verified, n.org_verified),
    n.plan = coalesce(row.plan, n.plan),
    n.status = coalesce(row.status, n.status),
    n.extra = coalesce(row.extra, n.extra)
RETURN count(*) AS rows
