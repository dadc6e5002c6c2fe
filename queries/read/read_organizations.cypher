// name: read_organizations
// description: One page of (:Organization) nodes as `organizations` rows, ordered by org_id
// params: $after: string (last key of the previous page; '' for the first), $n: int (page size)
// backends: portable
// generated from linkgraph/schema.py by `python -m linkgraph.store.cypher`; do not edit
MATCH (n:Organization)
WHERE n.org_id > $after
RETURN n.org_id AS org_id, n.verified AS verified
ORDER BY org_id
LIMIT $n
