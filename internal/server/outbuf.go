package server

import (
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"petrel/internal/config"
)

// Output other goroutines queue for a client: pub/sub messages, keyspace
// notifications, client-side caching invalidations, MONITOR lines.
//
// A client's reply writer (Client.w) belongs to its owner: the event loop
// serving it, or its own goroutine. Anyone else appends to the client's
// outQueue instead, under a small lock, and wakes the owner:
//
//	publisher ──Push──► out.buf ──(owner, between commands)──► w.Buf ──► socket
//	                      │
//	                      └─ wake: loop  → schedule on the loop (eventfd)
//	                               goroutine → SetReadDeadline(now) on its conn
//
// Invariants:
//   - Push never blocks on the network: a slow reader only makes its own
//     queue grow, and client-output-buffer-limit bounds that (the client is
//     closed as Valkey closes it: a hard limit at once, a soft limit after
//     being exceeded for its seconds).
//   - Queued output is moved into w.Buf only by the owner and only between
//     commands (before a command starts, and before a flush), so a push is
//     never spliced into the middle of a reply. A push made while the
//     client runs a command — a PUBLISH to a channel it is subscribed to,
//     an invalidation of a key it wrote — therefore reaches it after that
//     command's reply, as Valkey defers push messages to the current client
//     (server.pending_push_messages). The subscription commands, whose
//     reply is itself a push, write to w directly.
//   - Pushes reach a client in the order they were made.
//   - At most one wake-up is in flight per client (out.wake): the owner
//     clears the flag before it takes the queue, so a push that finds it set
//     knows the owner will still see its bytes.
//
// Rejected alternatives: a writer goroutine per subscriber (doubles the
// goroutines and needs the same lock to order writes against replies);
// publishers writing to sockets themselves (a slow subscriber would stall
// the publisher, and ordering against the owner's replies would need a
// lock around every reply write).

// outQueue is the output queued for a client by goroutines other than its
// owner (see above).
type outQueue struct {
	mu sync.Mutex
	// Guarded by mu:
	buf   []byte // queued bytes, complete RESP replies, oldest first
	spare []byte // an emptied buffer, reused by the next push

	pending   atomic.Int64                  // len(buf), readable without mu
	signal    atomic.Pointer[chan struct{}] // set while the owner waits other than in a read (pushSignal)
	wake      atomic.Bool                   // a wake-up of the owner is scheduled and not yet consumed
	softSince atomic.Int64                  // unix seconds since the soft limit was first exceeded, 0 if it is not
	limited   atomic.Bool                   // closed for its output buffer limit (logged and counted once)
}

// Push queues b, one or more complete RESP replies (RESP3 push messages,
// RESP2 pub/sub arrays, MONITOR lines), for delivery to the client. It may
// be called from any goroutine, the client's own included, and never
// blocks on the network. The bytes are copied. They reach the client after
// whatever reply it is building now, before the reply of any command it
// starts later, and in Push order. A closed client drops them. A client
// whose queued output exceeds its client-output-buffer-limit class is
// closed (INFO client_output_buffer_limit_disconnections).
//
// The caller encodes b for the client's protocol (Client.Proto) at the
// time of the call.
func (c *Client) Push(b []byte) {
	if len(b) == 0 || c.killed.Load() {
		return
	}
	q := &c.out
	q.mu.Lock()
	if q.buf == nil && q.spare != nil {
		q.buf, q.spare = q.spare[:0], nil
	}
	q.buf = append(q.buf, b...)
	n := int64(len(q.buf))
	q.pending.Store(n)
	q.mu.Unlock()
	if n += c.obl.Load(); n > replyBufferBytes && c.srv != nil && c.srv.outputLimitReached(c, n, time.Now().Unix()) {
		c.srv.closeForOutputLimit(c)
		return
	}
	if q.wake.CompareAndSwap(false, true) {
		c.wakeOwner()
	}
}

// PushArray queues a message made of bulk strings: a RESP3 push (>) for a
// RESP3 client, an array for a RESP2 one — the shape of pub/sub messages
// and invalidations. See Push.
func (c *Client) PushArray(parts ...[]byte) {
	var stack [256]byte
	b := appendPushHeader(stack[:0], c.Proto(), len(parts))
	for _, p := range parts {
		b = appendBulk(b, p)
	}
	c.Push(b)
}

// wakeOwner makes the client's owner look at its queue: its event loop
// is scheduled, a goroutine's blocking read is interrupted.
func (c *Client) wakeOwner() {
	if l := c.loop.Load(); l != nil {
		l.schedule(c)
		return
	}
	if ch := c.out.signal.Load(); ch != nil {
		select {
		case *ch <- struct{}{}:
		default:
		}
	}
	c.pokeRead()
}

// pushSignal gives an owner that waits elsewhere than in a read of its
// socket (a command waiting out CLIENT PAUSE) a channel that pushes
// signal, so that it can deliver them meanwhile, as Valkey writes to a
// paused client. The caller calls release when it stops waiting.
func (c *Client) pushSignal() (ch chan struct{}, release func()) {
	ch = make(chan struct{}, 1)
	c.out.signal.Store(&ch)
	if c.hasPushes() {
		ch <- struct{}{} // pushed before we listened
	}
	return ch, func() { c.out.signal.Store(nil) }
}

// takePushes moves the queued output to the end of the client's writer.
// Only the owner calls it, between commands.
func (c *Client) takePushes() {
	q := &c.out
	q.wake.Store(false) // before taking: a later push must wake us again
	if q.pending.Load() == 0 {
		return
	}
	q.mu.Lock()
	if len(c.w.Buf) == 0 && cap(q.buf) <= 1<<20 {
		// Swap instead of copying: the writer gets the queue's buffer.
		c.w.Buf, q.buf = q.buf, c.w.Buf[:0]
	} else {
		c.w.Buf = append(c.w.Buf, q.buf...)
		q.buf = q.buf[:0]
	}
	if cap(q.buf) > 64<<10 {
		q.buf = nil // keep a small spare only: most clients get few pushes
	}
	q.spare, q.buf = q.buf, nil
	q.pending.Store(0)
	q.mu.Unlock()
}

// hasPushes reports whether output is queued or a wake-up is pending.
func (c *Client) hasPushes() bool { return c.out.pending.Load() > 0 || c.out.wake.Load() }

// dropPushes forgets the queued output of a closed client.
func (c *Client) dropPushes() {
	q := &c.out
	q.mu.Lock()
	q.buf, q.spare = nil, nil
	q.pending.Store(0)
	q.mu.Unlock()
}

// replyBufferBytes is the part of a client's output Valkey keeps in its
// fixed reply buffer (c->buf, PROTO_REPLY_CHUNK_BYTES); only what exceeds
// it counts against client-output-buffer-limit and shows as omem, as in
// Valkey.
const replyBufferBytes = 16 * 1024

// outputMemory is the output buffer memory Valkey would account for
// pending output of n bytes (getClientOutputBufferMemoryUsage).
func outputMemory(n int64) int64 { return max(n-replyBufferBytes, 0) }

// outputLimitClass is the client-output-buffer-limit class of a client:
// MONITOR clients and primaries count as normal, as in Valkey.
func (c *Client) outputLimitClass() int {
	switch c.clientType() {
	case clientTypeReplica:
		return config.ClientReplica
	case clientTypePubSub:
		return config.ClientPubsub
	}
	return config.ClientNormal
}

// outputLimitReached reports whether a client with pending output bytes
// not yet written is over its class's hard limit, or has been over its
// soft limit for longer than the soft seconds (checkClientOutputBufferLimits).
// now is unix seconds.
func (s *Server) outputLimitReached(c *Client, pending int64, now int64) bool {
	lim := s.Settings().OutputBufferLimits[c.outputLimitClass()]
	if lim.Hard == 0 && lim.Soft == 0 {
		return false
	}
	used := uint64(outputMemory(pending))
	if lim.Hard != 0 && used >= lim.Hard {
		return true
	}
	q := &c.out
	if lim.Soft == 0 || used < lim.Soft {
		if q.softSince.Load() != 0 {
			q.softSince.Store(0)
		}
		return false
	}
	since := q.softSince.Load()
	if since == 0 {
		q.softSince.CompareAndSwap(0, now)
		return false
	}
	return now-since > lim.SoftSeconds
}

// closeForOutputLimit closes a client over its output buffer limit: it is
// logged and counted once, and its owner closes the connection (from any
// goroutine, like Kill, but without touching the subscription registry the
// caller may hold: the owner's endClient unsubscribes it).
func (s *Server) closeForOutputLimit(c *Client) {
	if !c.out.limited.CompareAndSwap(false, true) {
		return
	}
	s.stats.clientOutputBufferLimitDisconnections.Add(1)
	s.Logf("Client %s scheduled to be closed ASAP for overcoming of output buffer limits.", c.logString())
	c.kill(false)
}

// logString identifies a client in log lines.
func (c *Client) logString() string {
	b := []byte("id=")
	b = strconv.AppendInt(b, c.ID, 10)
	b = append(b, " addr="...)
	b = append(b, c.addr...)
	if n := c.Name(); n != "" {
		b = append(b, " name="...)
		b = append(b, n...)
	}
	return string(b)
}

// checkOutputLimitsCron closes clients whose soft limit has run out while
// nothing was pushed to them (Valkey's clientsCron does the same).
func (s *Server) checkOutputLimitsCron(clients []*Client, now int64) {
	for _, c := range clients {
		pending := c.out.pending.Load() + c.obl.Load()
		if pending > replyBufferBytes && s.outputLimitReached(c, pending, now) {
			s.closeForOutputLimit(c)
		}
	}
}

// appendPushHeader appends the header of an n-element pub/sub message:
// a RESP3 push, or a RESP2 array.
func appendPushHeader(b []byte, proto, n int) []byte {
	if proto >= 3 {
		b = append(b, '>')
	} else {
		b = append(b, '*')
	}
	b = strconv.AppendInt(b, int64(n), 10)
	return append(b, '\r', '\n')
}

// appendBulk appends a bulk string.
func appendBulk(b, s []byte) []byte {
	b = append(b, '$')
	b = strconv.AppendInt(b, int64(len(s)), 10)
	b = append(b, '\r', '\n')
	b = append(b, s...)
	return append(b, '\r', '\n')
}

// outputOverLimit is the owner's check before it writes: the output its
// writer holds plus what is queued. A client over its limit is closed
// (closeForOutputLimit) and it reports true: nothing more is written.
func (s *Server) outputOverLimit(c *Client) bool {
	n := int64(len(c.w.Buf)-c.wOff) + c.out.pending.Load()
	if n <= replyBufferBytes {
		if c.out.softSince.Load() != 0 {
			c.out.softSince.Store(0)
		}
		return false
	}
	if s.outputLimitReached(c, n, time.Now().Unix()) {
		s.closeForOutputLimit(c)
		return true
	}
	return false
}

// PendingOutput is the number of bytes the client has not been sent yet:
// replies waiting for its socket plus queued pushes (CLIENT LIST obl/omem).
func (c *Client) PendingOutput() int64 { return c.obl.Load() + c.out.pending.Load() }

// ReplyOverLimit reports whether the client must be closed because the
// reply being built, with the output already pending, passed its
// client-output-buffer-limit (the client is then closed once the command
// ends, and nothing more is sent to it). Handlers whose reply can grow
// without bound from a small request — KEYS, HRANDFIELD, SRANDMEMBER and
// ZRANDMEMBER with a negative count — check it in their loop and stop
// early, as Valkey's handlers check close_asap.
func (c *Ctx) ReplyOverLimit() bool {
	cl := c.Client
	if cl == nil {
		return false
	}
	if cl.killed.Load() {
		return true
	}
	n := int64(len(c.W.Buf)) + cl.PendingOutput()
	if n <= replyBufferBytes {
		return false
	}
	if c.Srv.outputLimitReached(cl, n, c.Now.Unix()) {
		c.Srv.closeForOutputLimit(cl)
		return true
	}
	return false
}
