// name: load_proxy_providers
// description: Merge a batch of staged `proxy_providers` rows into (:ProxyProvider) nodes by provider; properties merge by the schema's rules (replace: a non-null new value wins; min/max: time bounds widen), so re-loading changes nothing
// params: $rows: list<map> (one map per staged row; timestamps travel as UTC datetimes and dates as dates, stored as Neo4j temporal values)
// backends: portable
// generated from linkgraph/schema.py by `python -m linkgraph.store.cypher`; do not edit
UNWIND $rows AS row
MERGE (n:ProxyProvider {provider: row.provider})
SET n.kind = coalesce(row.kind, n.kind)
RETURN count(*) AS rows
