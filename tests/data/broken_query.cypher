// name: broken_query
// description: A deliberately broken statement: the linter must reject it (misspelt keyword, undefined variable, unknown label)
// params: $account_id: string
// backends: portable
MATCH (a:Acount {account_id: $account_id})
WHERE b.status = 'banned'
RETRUN a.account_id AS account_id
