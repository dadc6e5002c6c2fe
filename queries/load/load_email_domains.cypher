// name: load_email_domains
// description: Merge a batch of staged `email_domains` rows into (:EmailDomain) nodes by domain; properties merge by the schema's rules (replace: a non-null new value wins; min/max: time bounds widen), so re-loading changes nothing
// params: $rows: list<map> (one map per staged row; timestamps travel as UTC datetimes and dates as dates, stored as Neo4j temporal values)
// backends: portable
// generated from linkgraph/schema.py by `python -m linkgraph.store.cypher`; do not edit
UNWIND $rows AS row
MERGE (n:EmailDomain {domain: row.domain})
SET n.webmail = coalesce(row.webmail, n.webmail),
    n.disposable = coalesce(row.disposable, n.disposable)
RETURN count(*) AS rows
