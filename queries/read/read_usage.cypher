// name: read_usage
// description: One page of (:Usage) nodes as `usage` rows, ordered by (account_id, day, category) after the $after_* key
// params: $after_account_id: string, $after_day: date, $after_category: string, $n: int (page size)
// backends: portable
// generated from linkgraph/schema.py by `python -m linkgraph.store.cypher`; do not edit
MATCH (n:Usage)
WHERE n.account_id >= $after_account_id
  AND ((n.account_id > $after_account_id) OR (n.account_id = $after_account_id AND n.day > $after_day) OR (n.account_id = $after_account_id AND n.day = $after_day AND n.category > $after_category))
RETURN n.account_id AS account_id, n.day AS day, n.category AS category, n.requests AS requests, n.tokens AS tokens, n.flagged_jailbreak AS flagged_jailbreak
ORDER BY account_id, day, category
LIMIT $n
