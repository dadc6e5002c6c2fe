// name: load_ip_addresses
// description: Merge a batch of staged `ip_addresses` rows into (:IPAddress) nodes by ip; properties merge by the schema's rules (replace: a non-null new value wins; min/max: time bounds widen), so re-loading changes nothing
// params: $rows: list<map> (one map per staged row; timestamps travel as UTC datetimes and dates as dates, stored as Neo4j temporal values)
// backends: portable
// generated from linkgraph/schema.py by `python -m linkgraph.store.cypher`; do not edit
UNWIND $rows AS row
MERGE (n:IPAddress {ip: row.ip})
SET n.version = coalesce(row.version, n.version),
    n.subnet = coalesce(row.subnet, n.subnet),
    n.proxy_provider = coalesce(row.proxy_provider, n.proxy_provider),
    n.proxy_kind = coalesce(row.proxy_kind, n.proxy_kind)
RETURN count(*) AS rows
