//go:build !linux

package server

// Event loops exist only on Linux; elsewhere every connection has its own
// goroutine.
type eventLoops struct{}

func (s *Server) startEventLoops(n int) *eventLoops { return nil }

func (ls *eventLoops) add(c *Client) bool { return false }

func (ls *eventLoops) stop() {}

// eventLoop is never instantiated here; Client.loop stays nil.
type eventLoop struct{}

func (l *eventLoop) schedule(c *Client) {}

// Scripts lend and reclaim their caller's event loop (scripting.go); there
// are none here.
func (l *eventLoop) lend()                                      {}
func (l *eventLoop) reclaim()                                   {}
func (l *eventLoop) poke()                                      {}
func (l *eventLoop) standIn(skip *Client, stop <-chan struct{}) {}
