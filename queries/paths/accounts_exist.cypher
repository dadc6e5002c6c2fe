// name: accounts_exist
// description: Which of the given account ids exist (path endpoints are checked before searching)
// params: $ids: list<string>
// backends: portable
MATCH (a:Account)
WHERE a.account_id IN $ids
RETURN a.account_id AS account_id
