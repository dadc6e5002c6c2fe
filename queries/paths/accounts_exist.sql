-- name: accounts_exist
-- description: Which of the given account ids exist (path endpoints are checked before searching)
-- params: $ids: list<string>
-- backends: duckdb
SELECT account_id FROM accounts WHERE list_contains($ids, account_id)
