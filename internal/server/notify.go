package server

// notifyKeyspace publishes a keyspace event (notify-keyspace-events) for a
// change of key in db. Not delivered yet.
func (s *Server) notifyKeyspace(db int, key []byte, event string) {}
