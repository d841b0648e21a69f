package server

// touchWatched marks the clients WATCHing key in db as dirty (EXEC will
// fail). Not built yet.
func (s *Server) touchWatched(db int, key []byte) {}
