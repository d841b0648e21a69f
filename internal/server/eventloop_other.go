//go:build !linux

package server

// Event loops exist only on Linux; elsewhere every connection has its own
// goroutine.
type eventLoops struct{}

func (s *Server) startEventLoops(n int) *eventLoops { return nil }

func (ls *eventLoops) add(c *Client) bool { return false }

func (ls *eventLoops) stop() {}
