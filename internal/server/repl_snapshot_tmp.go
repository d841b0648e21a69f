package server

import "io"

// fullSyncSnapshot writes the RDB payload of a full synchronization.
// TEMPORARY: an empty RDB until the RDB writer (rdb.go) lands.
func (s *Server) fullSyncSnapshot(w io.Writer) error {
	_, err := w.Write([]byte("REDIS0011\xff\x00\x00\x00\x00\x00\x00\x00\x00"))
	return err
}
