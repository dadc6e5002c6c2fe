-- name: expand_accounts
-- description: One breadth-first step of the shortest-path search: the accounts that share an identifier of the $path_types (none shared by more than $max_share accounts) with any frontier account
-- params: $frontier: list<string> (account ids), $path_types: list<string>, $max_share: int
-- backends: duckdb
WITH f AS (SELECT unnest($frontier::VARCHAR[]) AS account_id),
ids AS (SELECT DISTINCT ai.account_id AS src, ai.id_type, ai.label, ai.rel, ai.identifier
        FROM account_identifiers ai JOIN f USING (account_id) WHERE list_contains($path_types, ai.id_type)),
deg AS (SELECT ai.id_type, ai.identifier, count(*) AS n FROM account_identifiers ai
        JOIN (SELECT DISTINCT id_type, identifier FROM ids) USING (id_type, identifier)
        GROUP BY ALL)
SELECT ids.src, ids.id_type, ids.label, ids.rel, ids.identifier, ai.account_id AS dst
FROM ids JOIN deg USING (id_type, identifier)
JOIN account_identifiers ai ON ai.id_type = ids.id_type AND ai.identifier = ids.identifier
WHERE deg.n <= $max_share AND ai.account_id <> ids.src
ORDER BY ids.src, ids.id_type, ids.identifier, dst
