package server

import (
	"io"
	"net"
	"runtime/debug"
	"time"

	"petrel/internal/resp"
)

const (
	readChunk      = 16 * 1024
	flushThreshold = 64 * 1024 // flush mid-batch past this much reply data
)

const protectedModeDenied = "-DENIED Running in protected mode because protected mode is enabled and no password is set for the default user. In this mode connections are only accepted from the loopback interface. If you want to connect from external computers, you may adopt one of the following solutions: 1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface by connecting from the same host the server is running, however MAKE SURE it's not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable the protected mode by editing the configuration file, and setting the protected mode option to 'no', and then restarting the server. 3) If you started the server manually just for testing, restart it with the '--protected-mode no' option. 4) Set up an authentication password for the default user. NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside.\r\n"

// inputResult says what the connection does after processInput.
type inputResult int

const (
	inputOK     inputResult = iota // all complete commands ran; read more
	inputClose                     // flush the replies, then close
	inputDetach                    // a command must wait: leave the event loop
)

// acceptConn admits a new connection (protected mode, maxclients) and
// hands it to an event loop or to its own goroutine.
func (s *Server) acceptConn(nc net.Conn) {
	c := s.newClient(nc)
	if c == nil {
		return
	}
	if s.loops != nil && s.loops.add(c) {
		return
	}
	go s.serveClient(c)
}

// newClient registers a connection as a client, or rejects it with
// Valkey's error and returns nil.
func (s *Server) newClient(nc net.Conn) *Client {
	st := s.Settings()
	if st.ProtectedMode && st.Requirepass == "" && !isLoopback(nc.RemoteAddr()) {
		_, _ = io.WriteString(nc, protectedModeDenied)
		s.stats.rejectedConns.Add(1)
		_ = nc.Close()
		return nil
	}
	if s.clients.Count() >= st.Maxclients {
		_, _ = io.WriteString(nc, "-ERR max number of clients reached\r\n")
		s.stats.rejectedConns.Add(1)
		_ = nc.Close()
		return nil
	}
	if tc, ok := nc.(*net.TCPConn); ok {
		_ = tc.SetNoDelay(true)
	}
	now := time.Now()
	c := &Client{
		srv:     s,
		ID:      s.clients.nextID.Add(1),
		conn:    nc,
		rd:      resp.NewReader(resp.Limits{MaxBulkLen: st.ProtoMaxBulkLen, AuthRequired: st.Requirepass != ""}),
		created: now,
		addr:    nc.RemoteAddr().String(),
		laddr:   nc.LocalAddr().String(),
		authed:  st.Requirepass == "",
		sysfd:   -1,
	}
	c.w.Proto = 2
	c.proto.Store(2)
	c.lastActive.Store(now.UnixMilli())
	s.clients.add(c)
	if s.shuttingDown.Load() {
		s.endClient(c)
		return nil
	}
	return c
}

// endClient closes a client's connection and forgets it. Only the
// connection's owner (its goroutine or its event loop) calls it.
func (s *Server) endClient(c *Client) {
	c.killed.Store(true)
	c.closeFile()
	c.fdMu.Lock()
	_ = c.conn.Close()
	c.fdMu.Unlock()
	s.dropClientState(c)
	s.endTransaction(c)
	c.dropPushes()
	s.clients.remove(c)
}

// serveClient runs a connection in its own goroutine: read what is
// available, run every complete command in the buffer appending replies to
// one buffer, write once per drained batch.
func (s *Server) serveClient(c *Client) {
	defer s.endClient(c)
	defer s.recoverClient(c)
	s.connLoop(c)
}

// serveDetached continues, in its own goroutine, a client that left an
// event loop because its command (args) must wait.
func (s *Server) serveDetached(c *Client, args [][]byte) {
	defer s.endClient(c)
	defer s.recoverClient(c)
	if c.blocked() {
		s.completeBlocked(c) // it left the loop blocked (blocking.go)
	} else {
		c.beginBatch() // a batch of one command
		s.execute(c, args)
		c.endBatch()
	}
	if c.closeAfterReply || c.killed.Load() {
		s.flush(c)
		return
	}
	if s.processInput(c) != inputOK {
		s.flush(c)
		return
	}
	if !s.flush(c) || c.closeAfterReply {
		return
	}
	s.connLoop(c)
}

// recoverClient is the last resort: a handler bug must not take the
// server down; it is logged and only this connection closes.
func (s *Server) recoverClient(c *Client) {
	if r := recover(); r != nil {
		s.Logf("panic serving client id=%d addr=%s: %v\n%s", c.ID, c.addr, r, debug.Stack())
	}
}

func (s *Server) connLoop(c *Client) {
	for {
		if c.hasPushes() {
			// Woken by a push (outbuf.go): clear the deadline that
			// interrupted the read before taking the queue, so a push
			// after the take interrupts the next read.
			_ = c.conn.SetReadDeadline(time.Time{})
			if !s.flush(c) {
				return
			}
		}
		n, err := c.conn.Read(c.rd.Space(readChunk))
		if n > 0 {
			c.rd.Commit(n)
			c.netIn.Add(int64(n))
			s.stats.netInput.Add(int64(n))
			s.stats.readsProcessed.Add(1)
			if s.processInput(c) != inputOK {
				s.flush(c)
				return
			}
			if !s.flush(c) || c.closeAfterReply {
				return
			}
		}
		if err != nil {
			if ne, ok := err.(net.Error); ok && ne.Timeout() && !c.killed.Load() {
				_ = c.conn.SetReadDeadline(time.Time{}) // a push woke us
				continue
			}
			return
		}
	}
}

// processInput runs every complete command buffered.
func (s *Server) processInput(c *Client) inputResult {
	c.beginBatch()
	defer c.endBatch()
	for {
		st := s.Settings()
		c.rd.Limits.MaxBulkLen = st.ProtoMaxBulkLen
		c.rd.Limits.AuthRequired = !c.authed
		args, err := c.rd.Next()
		if err == resp.ErrIncomplete {
			// A command still arriving may not exceed the query buffer limit.
			if int64(c.rd.Buffered()) > st.ClientQueryBufferLimit {
				s.stats.clientQueryBufferLimitDisconnections.Add(1)
				s.Logf("Closing client that reached max query buffer length: id=%d addr=%s", c.ID, c.addr)
				return inputClose
			}
			if n := int64(c.rd.Buffered()); c.qbuf.Load() != n { // a load is cheaper than a store
				c.qbuf.Store(n)
			}
			if n := int64(c.rd.Cap()); c.qbufCap.Load() != n {
				c.qbufCap.Store(n)
			}
			return inputOK
		}
		if err != nil {
			if pe, ok := err.(*resp.ProtocolError); ok {
				c.w.Error(pe.Msg)
				s.countError([]byte(pe.Msg))
			}
			s.stats.totalErrorReplies.Add(1)
			return inputClose
		}
		s.execute(c, args)
		if c.detached != nil {
			return inputDetach
		}
		if c.closeAfterReply || c.killed.Load() {
			return inputClose
		}
		// Mid-batch flush in the goroutine model only: an event loop's
		// socket is not c.conn, and the loop writes what is pending
		// (partial writes included) once the batch ends.
		if len(c.w.Buf) > flushThreshold && !c.inLoop.Load() {
			s.publishPending(c) // before the replies go out (cmdstats.go)
			if !s.flush(c) {
				return inputClose
			}
			c.clockChain = false // the write took time: the next command reads the clock
		}
	}
}

// flush writes the pending replies; false if the connection failed.
func (s *Server) flush(c *Client) bool {
	if c.hasPushes() {
		c.takePushes()
	}
	if len(c.w.Buf) == 0 {
		return true
	}
	if s.outputOverLimit(c) {
		return false
	}
	c.noteReplyBuffer()
	s.stats.writesProcessed.Add(1)
	c.obl.Store(int64(len(c.w.Buf))) // pending while a slow reader blocks the write
	n, err := c.conn.Write(c.w.Buf)
	c.obl.Store(0)
	c.netOut.Add(int64(n))
	s.stats.netOutput.Add(int64(n))
	if cap(c.w.Buf) > 1<<20 {
		c.w.Buf = nil // let go of a buffer a big reply grew
	} else {
		c.w.Buf = c.w.Buf[:0]
	}
	return err == nil
}

func isLoopback(a net.Addr) bool {
	ta, ok := a.(*net.TCPAddr)
	if !ok {
		return true // unix sockets are local
	}
	return ta.IP.IsLoopback()
}
