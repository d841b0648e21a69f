package server

// invalidateTracked sends client-side caching invalidations for key in db
// (CLIENT TRACKING). c is the client whose command changed the key (for
// NOLOOP), or nil. Not built yet.
func (s *Server) invalidateTracked(c *Client, db int, key []byte) {}
