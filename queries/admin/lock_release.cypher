// name: lock_release
// description: Give up the single-writer lease if this writer holds it
// params: $owner: string (this writer's id)
// backends: portable
MATCH (l:WriteLock {name: 'writer'})
WHERE l.owner = $owner
SET l.owner = null, l.expires_at = null
RETURN count(l) AS released
