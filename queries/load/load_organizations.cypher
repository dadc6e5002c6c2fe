// name: load_organizations
// description: Merge a batch of staged `organizations` rows into (:Organization) nodes by org_id; properties merge by the schema's rules (replace: a non-null new value wins; min/max: time bounds widen), so re-loading changes nothing
// params: $rows: list<map> (one map per staged row; timestamps travel as UTC datetimes and dates as dates, stored as Neo4j temporal values)
// backends: portable
// generated from linkgraph/schema.py by `python -m linkgraph.store.cypher`; do not edit
UNWIND $rows AS row
MERGE (n:Organization {org_id: row.org_id})
SET n.verified = CASE WHEN row.verified IS NULL OR (n.verified IS NOT NULL AND n.verified >= row.verified) THEN n.verified ELSE row.verified END
RETURN count(*) AS rows
