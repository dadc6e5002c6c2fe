// name: load_usage
// description: Merge a batch of staged `usage` rows into (:Usage) nodes keyed by (account_id, day, category); properties merge by the schema's rules (replace: a non-null new value wins; min/max: time bounds widen), so re-loading changes nothing
// params: $rows: list<map> (one map per staged row; timestamps travel as UTC datetimes and dates as dates, stored as Neo4j temporal values)
// backends: portable
// generated from linkgraph/schema.py by `python -m linkgraph.store.cypher`; do not edit
UNWIND $rows AS row
MERGE (n:Usage {account_id: row.account_id, day: row.day, category: row.category})
SET n.requests = coalesce(row.requests, n.requests),
    n.tokens = coalesce(row.tokens, n.tokens),
    n.flagged_jailbreak = coalesce(row.flagged_jailbreak, n.flagged_jailbreak)
RETURN count(*) AS rows
