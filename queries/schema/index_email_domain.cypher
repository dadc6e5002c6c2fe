// name: index_email_domain
// description: Index on (:EmailDomain) key (domain) for peers without constraints (MERGE and paging use it)
// params: none
// backends: portable
// generated from linkgraph/schema.py by `python -m linkgraph.store.cypher`; do not edit
CREATE INDEX FOR (n:EmailDomain) ON (n.domain)
