// name: read_email_domains
// description: One page of (:EmailDomain) nodes as `email_domains` rows, ordered by domain
// params: $after: string (last key of the previous page; '' for the first), $n: int (page size)
// backends: portable
// generated from linkgraph/schema.py by `python -m linkgraph.store.cypher`; do not edit
MATCH (n:EmailDomain)
WHERE n.domain > $after
RETURN n.domain AS domain, n.webmail AS webmail, n.disposable AS disposable
ORDER BY domain
LIMIT $n
