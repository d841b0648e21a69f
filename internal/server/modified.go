package server

// keyModified is Valkey's signalModifiedKey: every change of a key's value
// (Ctx.Modified, expiry and eviction included) comes through here, with the
// key's shard locked. c is the client whose command changed it, or nil for
// the server's own changes (expiry). WATCH (multi.go) and client-side
// caching (tracking.go) hook in here.
func (s *Server) keyModified(c *Client, db int, key []byte) {
	s.touchWatched(db, key)
	s.invalidateTracked(c, db, key)
}

// dbFlushed is Valkey's signalFlushedDb: databases dbs (none: every one)
// were emptied or swapped by c's command (Ctx.Flushed). Client-side
// caching (tracking.go) hooks in here; WATCH may too.
func (s *Server) dbFlushed(c *Client, dbs []int) {
	s.invalidateAllTracked(c)
}
