// name: lock_acquire
// description: Take (or renew) the store's single-writer lease when it is free, expired or already ours; returns the owner now holding it
// params: $owner: string (this writer's id), $now: timestamp, $expires_at: timestamp (the end of the lease)
// backends: portable
MERGE (l:WriteLock {name: 'writer'})
// Write first: that takes the node's write lock, so a second writer waits here and then reads
// the first one's committed owner (a read before any write could see it free and also win).
SET l.claimed_by = $owner
WITH l, (l.owner IS NULL OR l.owner = $owner OR l.expires_at < $now) AS free
SET l.owner = CASE WHEN free THEN $owner ELSE l.owner END,
    l.expires_at = CASE WHEN free THEN $expires_at ELSE l.expires_at END,
    l.claimed_by = null
RETURN l.owner AS owner, l.expires_at AS expires_at
