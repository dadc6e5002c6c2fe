// name: lock_acquire
// description: Take (or renew) the store's single-writer lease when it is free, expired or already ours; returns the owner now holding it
// params: $owner: string (this writer's id), $now: int (epoch microseconds), $expires_at: int (epoch microseconds)
// backends: portable
MERGE (l:WriteLock {name: 'writer'})
WITH l, (l.owner IS NULL OR l.owner = $owner OR l.expires_at < $now) AS free
SET l.owner = CASE WHEN free THEN $owner ELSE l.owner END,
    l.expires_at = CASE WHEN free THEN $expires_at ELSE l.expires_at END
RETURN l.owner AS owner, l.expires_at AS expires_at
