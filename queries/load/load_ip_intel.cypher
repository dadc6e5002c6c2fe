// name: load_ip_intel
// description: Merge a batch of staged `ip_intel` rows into (:NetworkIntel) nodes keyed by (network); properties merge by the schema's rules (replace: a non-null new value wins; min/max: time bounds widen), so re-loading changes nothing
// params: $rows: list<map> (one map per staged row; timestamps travel as UTC datetimes and dates as dates, stored as Neo4j temporal values)
// backends: portable
// generated from linkgraph/schema.py by `python -m linkgraph.store.cypher`; do not edit
UNWIND $rows AS row
MERGE (n:NetworkIntel {network: row.network})
SET n.provider = coalesce(row.provider, n.provider),
    n.kind = coalesce(row.kind, n.kind),
    n.asn = coalesce(row.asn, n.asn)
RETURN count(*) AS rows
