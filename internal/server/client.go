package server

import (
	"net"
	"os"
	"sort"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"petrel/internal/resp"
)

// Reply modes (CLIENT REPLY).
const (
	replyOn = iota
	replyOff
	replySkipNext // SKIP was just given: the next command's reply is dropped
	replySkip     // the command being run now is the skipped one
)

// Client is one connection. The fields below mu are read by other
// connections (CLIENT LIST, CLIENT KILL, INFO); everything else belongs to
// the connection's own goroutine.
type Client struct {
	// unit collects the effects of the execution unit the client runs,
	// and expSink its lazy expiries, for the propagation stream
	// (propagate.go). A scripting client shares its caller's unit.
	unit        *propUnit
	expSink     keyExpiredSink
	replicaPort int  // REPLCONF listening-port (replication.go)
	loadingAOF  bool // the client replaying the AOF (aof.go)

	srv  *Server
	ID   int64
	conn net.Conn
	rd   *resp.Reader
	w    resp.Writer

	created time.Time
	laddr   string
	addr    string

	// Owned by the connection goroutine (or event loop).
	ctx             Ctx      // reused for every command
	sysfd           int      // socket descriptor while on an event loop, else -1
	wantWrite       bool     // event loop: replies pending, waiting for EPOLLOUT
	wOff            int      // event loop: bytes of w.Buf a partial write already sent
	detached        [][]byte // a command that must wait, to rerun off the loop
	authed          bool
	closeAfterReply bool
	replyMode       int
	noEvict         bool
	noTouch         bool
	importSource    bool // CLIENT IMPORT-SOURCE ON

	// Per-command bookkeeping kept cheap (owner only): the clock (see
	// readClock), the last lastActive value stored, and the last two
	// command names looked up (the registry never changes once serving).
	inBatch      bool      // processInput is running the buffered commands
	clockBase    time.Time // a full clock reading taken when the batch began
	clockLast    time.Time // when the last command of the batch ended
	clockChain   bool      // clockLast is the start of the next command
	lastActiveMs int64
	cmdCache     [2]cachedCommand
	pending      pendingStats // statistics not yet published (cmdstats.go)

	// Read by other goroutines.
	db         atomic.Int32
	proto      atomic.Int32
	lastActive atomic.Int64 // unix ms of the last command
	lastCmd    atomic.Pointer[string]
	totCmds    atomic.Int64
	netIn      atomic.Int64
	netOut     atomic.Int64
	qbuf       atomic.Int64 // query buffer bytes (length)
	qbufCap    atomic.Int64
	obl        atomic.Int64 // output buffer bytes pending
	inCommand  atomic.Bool
	killed     atomic.Bool
	inLoop     atomic.Bool // served by an event loop rather than a goroutine

	// bstate is the command the client is blocked in (BLPOP ...), nil
	// when it is not blocked (blocking.go).
	bstate atomic.Pointer[blockedClient]

	// Output queued by other goroutines (Push, outbuf.go), and the event
	// loop serving the client (nil when its own goroutine serves it),
	// which a push wakes.
	out  outQueue
	loop atomic.Pointer[eventLoop]
	// Pub/sub subscriptions (pubsub.go), guarded by Server.pubsub.mu.
	subs *clientSubs
	// pushReply (owner only): the running command's reply is a push
	// (SUBSCRIBE ...), which CLIENT REPLY OFF/SKIP does not silence.
	pushReply bool
	// runningScript (owner only): commands run now come from a script;
	// MONITOR shows them as [db lua] (monitor.go).
	runningScript bool

	// fdMu orders closing the socket against Kill from other goroutines.
	fdMu        sync.Mutex
	file        *os.File // guarded by fdMu: the socket while on an event loop (conn is then closed)
	closeReason atomic.Pointer[string]

	// CLIENT LIST figures, read by other goroutines (client_cmds.go).
	flagBits   atomic.Uint32 // ClientFlag bits
	fd         atomic.Int64  // socket descriptor + 1; 0 until first asked
	rbs, rbp   atomic.Int64  // reply buffer capacity and peak (noteReplyBuffer)
	sub, psub  atomic.Int32  // pub/sub: channels and patterns subscribed
	ssub       atomic.Int32  // pub/sub: shard channels
	multiPlus1 atomic.Int32  // commands queued in MULTI + 1; 0 = no MULTI state (multi=-1)
	watch      atomic.Int32  // keys WATCHed
	multiMem   atomic.Int64  // bytes of the queued commands' arguments
	// tx is the MULTI/EXEC and WATCH state (multi.go).
	tx multiState
	// capaRedirect is CLIENT CAPA REDIRECT (capa=r).
	capaRedirect atomic.Bool

	mu struct {
		sync.Mutex
		// Guarded by mu:
		name, libName, libVer, user string
		flags                       string // extra CLIENT LIST flags set by families
	}
}

// DB is the selected database index.
func (c *Client) DB() int { return int(c.db.Load()) }

// Clock readings. time.Now reads two clocks (wall and monotonic), which at
// a million commands a second is measurable; a command needs its start
// (Ctx.Now, expiry) and its end (duration). While a batch of buffered
// commands runs, readClock reads only the monotonic clock and derives the
// wall time from the batch's one full reading, and a command starts when
// the previous one ended (only the next command's parsing lies between;
// anything else that takes time, such as a mid-batch flush, breaks the
// chain).

// beginBatch is called before the buffered commands run.
func (c *Client) beginBatch() {
	now := time.Now()
	c.inBatch = true
	c.clockBase, c.clockLast, c.clockChain = now, now, true
}

// endBatch is called when the buffered commands have run.
func (c *Client) endBatch() {
	c.srv.aofFlush() // the AOF has the batch's writes before its replies go (aof.go)
	c.inBatch, c.clockChain = false, false
	c.srv.publishPending(c)
	c.inCommand.Store(false)
}

// readClock returns the time now.
func (c *Client) readClock() time.Time {
	if !c.inBatch {
		return time.Now()
	}
	return c.clockBase.Add(time.Since(c.clockBase))
}

// commandStart returns the start time of the command about to run.
func (c *Client) commandStart() time.Time {
	if c.clockChain {
		c.clockChain = false
		return c.clockLast
	}
	return c.readClock()
}

// commandEnd reads the clock when a command ended; the next command of the
// batch starts then.
func (c *Client) commandEnd() time.Time {
	end := c.readClock()
	c.clockLast, c.clockChain = end, c.inBatch
	return end
}

// cachedCommand is a command name as a client sent it (case and all) and
// the command it names.
type cachedCommand struct {
	name [16]byte
	n    int
	cmd  *command
}

// lookupCommand is Registry.lookup with a cache of the last two names
// looked up: clients mostly repeat one or two commands (a pipeline of
// SETs, GET and SET in turn), and comparing a few bytes is cheaper than
// folding the case and hashing the name.
func (c *Client) lookupCommand(r *Registry, name []byte) *command {
	for i := range c.cmdCache {
		e := &c.cmdCache[i]
		if e.cmd != nil && len(name) == e.n && string(name) == string(e.name[:e.n]) {
			return e.cmd
		}
	}
	cmd := r.lookup(name)
	if cmd != nil && len(name) <= len(c.cmdCache[0].name) {
		c.cmdCache[1] = c.cmdCache[0]
		e := &c.cmdCache[0]
		e.n = copy(e.name[:], name)
		e.cmd = cmd
	}
	return cmd
}

// SetDB selects a database.
func (c *Client) SetDB(i int) { c.db.Store(int32(i)) }

// Proto is the client's protocol version (2 or 3).
func (c *Client) Proto() int { return int(c.proto.Load()) }

// Addr is the client's remote address.
func (c *Client) Addr() string { return c.addr }

// LocalAddr is the server address the client connected to.
func (c *Client) LocalAddr() string { return c.laddr }

// Name returns the client name.
func (c *Client) Name() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.mu.name
}

// SetName sets the client name.
func (c *Client) SetName(n string) {
	c.mu.Lock()
	c.mu.name = n
	c.mu.Unlock()
}

// Kill closes the client's connection from any goroutine. A client on an
// event loop has only its read side shut down: its loop then sees EOF and
// closes the socket itself, so the descriptor is never reused under it.
func (c *Client) Kill() { c.kill(true) }

// kill is Kill; with dropState the client also leaves pub/sub and MONITOR
// at once (as Valkey frees it), which a caller holding the pub/sub lock
// (a publisher closing a client over its output limit) must not ask for:
// its owner's endClient does it then.
func (c *Client) kill(dropState bool) {
	if c.killed.CompareAndSwap(false, true) {
		c.fdMu.Lock()
		if c.file != nil {
			_ = syscall.Shutdown(c.sysfd, syscall.SHUT_RD)
		} else {
			_ = c.conn.Close()
		}
		c.fdMu.Unlock()
		if c.srv != nil {
			c.srv.clients.unlist(c)
			if dropState {
				c.srv.dropClientState(c)
			}
		}
		if c.srv != nil && c.srv.pause.active.Load() {
			c.srv.pause.wake() // a client waiting out a pause must not run its command
		}
		if l := c.loop.Load(); l != nil {
			l.schedule(c) // a loop waiting to write to it (EPOLLOUT) must notice now
		}
	}
}

// ClientFlag is a client state shown as a letter in CLIENT LIST's flags
// field and matched by CLIENT KILL/LIST FLAGS. Families that own the state
// (pub/sub, MULTI, blocking, tracking, replication) set it with SetFlag.
type ClientFlag uint32

// Client flags, in the order CLIENT LIST prints their letters.
const (
	ClientReplica             ClientFlag = 1 << iota // S (O with ClientMonitor)
	ClientMonitor                                    // O: a MONITOR client (set with ClientReplica, as Valkey does)
	ClientPrimary                                    // M
	ClientPubSub                                     // P
	ClientMulti                                      // x
	ClientBlocked                                    // b
	ClientTracking                                   // t
	ClientTrackingBrokenRedir                        // R
	ClientTrackingBcast                              // B
	ClientDirtyCAS                                   // d
	ClientCloseAfterReply                            // c
	ClientUnblocked                                  // u
	ClientCloseASAP                                  // A
	ClientUnixSocket                                 // U
	ClientReadonly                                   // r
	ClientNoEvict                                    // e
	ClientNoTouch                                    // T
	ClientImportSource                               // I
)

// SetFlag turns a CLIENT LIST flag on or off.
func (c *Client) SetFlag(f ClientFlag, on bool) {
	if on {
		c.flagBits.Or(uint32(f))
	} else {
		c.flagBits.And(^uint32(f))
	}
}

// Flags returns the client's flags.
func (c *Client) Flags() ClientFlag { return ClientFlag(c.flagBits.Load()) }

// setNoEvict and setNoTouch change CLIENT NO-EVICT/NO-TOUCH state (the
// connection's own bool, read by dispatch, and the flag other connections
// see). Only the connection's goroutine calls them.
func (c *Client) setNoEvict(on bool) {
	c.noEvict = on
	c.SetFlag(ClientNoEvict, on)
}

func (c *Client) setImportSource(on bool) {
	c.importSource = on
	c.SetFlag(ClientImportSource, on)
}

func (c *Client) setNoTouch(on bool) {
	c.noTouch = on
	c.SetFlag(ClientNoTouch, on)
}

// SetSubscriptions publishes the client's pub/sub subscription counts
// (CLIENT LIST sub, psub, ssub).
func (c *Client) SetSubscriptions(channels, patterns, shardChannels int) {
	c.sub.Store(int32(channels))
	c.psub.Store(int32(patterns))
	c.ssub.Store(int32(shardChannels))
}

// SetMultiState publishes the client's transaction state (CLIENT LIST
// multi, watch, multi-mem): queued is -1 when the client never used MULTI
// or WATCH, as Valkey prints it.
func (c *Client) SetMultiState(queued, watched int, argvMem int64) {
	c.multiPlus1.Store(int32(queued + 1))
	c.watch.Store(int32(watched))
	c.multiMem.Store(argvMem)
}

// noteReplyBuffer records the reply buffer's capacity and peak length for
// CLIENT LIST (rbs, rbp). The connection's goroutine calls it before it
// writes a batch of replies.
func (c *Client) noteReplyBuffer() {
	if n := int64(cap(c.w.Buf)); c.rbs.Load() != n { // a load is cheaper than a store
		c.rbs.Store(n)
	}
	if n := int64(len(c.w.Buf)); n > c.rbp.Load() {
		c.rbp.Store(n)
	}
}

// FD returns the connection's socket descriptor (-1 if it has none or is
// closed), as CLIENT LIST shows it. It is looked up once and cached.
func (c *Client) FD() int {
	if v := c.fd.Load(); v != 0 {
		return int(v - 1)
	}
	fd := -1
	if sc, ok := c.conn.(syscall.Conn); ok {
		if rc, err := sc.SyscallConn(); err == nil {
			_ = rc.Control(func(f uintptr) { fd = int(f) })
		}
	}
	if fd >= 0 {
		c.fd.Store(int64(fd) + 1)
	}
	return fd
}

// User is the name of the ACL user the client is authenticated as.
func (c *Client) User() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.mu.user == "" {
		return "default"
	}
	return c.mu.user
}

// LibInfo returns the library name and version set with CLIENT SETINFO.
func (c *Client) LibInfo() (name, ver string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.mu.libName, c.mu.libVer
}

// clientRegistry tracks live clients for CLIENT LIST/KILL and maxclients.
type clientRegistry struct {
	nextID atomic.Int64
	mu     sync.Mutex
	// Guarded by mu:
	byID map[int64]*Client
	live sync.WaitGroup
}

func (r *clientRegistry) init() { r.byID = map[int64]*Client{} }

func (r *clientRegistry) add(c *Client) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.byID[c.ID] = c
	r.live.Add(1)
	return len(r.byID)
}

func (r *clientRegistry) remove(c *Client) {
	r.unlist(c)
	r.live.Done()
}

// unlist takes a client out of CLIENT LIST, INFO and maxclients at once
// when it is killed, as Valkey frees it synchronously, while its owner
// closes the connection in its own time. Idempotent.
func (r *clientRegistry) unlist(c *Client) {
	r.mu.Lock()
	delete(r.byID, c.ID)
	r.mu.Unlock()
}

// Count is the number of connected clients.
func (r *clientRegistry) Count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.byID)
}

// list returns the clients ordered by id.
func (r *clientRegistry) list() []*Client {
	r.mu.Lock()
	out := make([]*Client, 0, len(r.byID))
	for _, c := range r.byID {
		out = append(out, c)
	}
	r.mu.Unlock()
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

func (r *clientRegistry) get(id int64) *Client {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.byID[id]
}

func (r *clientRegistry) closeAll() {
	for _, c := range r.list() {
		c.Kill()
	}
}

func (r *clientRegistry) waitAll() { r.live.Wait() }

// cron closes clients idle past the timeout setting, and those whose
// output buffer soft limit ran out.
func (r *clientRegistry) cron(s *Server, now time.Time) {
	clients := r.list()
	s.checkOutputLimitsCron(clients, now.Unix()) // outbuf.go
	to := s.Settings().Timeout
	if to <= 0 {
		return
	}
	limit := now.UnixMilli() - int64(to)*1000
	for _, c := range clients {
		if !c.inCommand.Load() && c.lastActive.Load() < limit {
			c.Kill()
		}
	}
}

// Clients returns the connected clients ordered by id.
func (s *Server) Clients() []*Client { return s.clients.list() }

// ClientByID finds a connected client.
func (s *Server) ClientByID(id int64) *Client { return s.clients.get(id) }

// pauseState implements CLIENT PAUSE/UNPAUSE: commands wait while a pause
// covering them is in force.
type pauseState struct {
	mu sync.Mutex
	// Guarded by mu:
	until   time.Time
	all     bool          // ALL (else WRITE)
	changed chan struct{} // closed and replaced whenever the pause changes

	active  atomic.Bool  // a pause was requested and not yet lifted: the fast-path check
	waiting atomic.Int64 // clients waiting out the pause (INFO blocked_clients)
}

func (p *pauseState) init() { p.changed = make(chan struct{}) }

// wakeLocked makes every waiter look at the pause again.
func (p *pauseState) wakeLocked() {
	close(p.changed)
	p.changed = make(chan struct{})
}

func (p *pauseState) wake() {
	p.mu.Lock()
	p.wakeLocked()
	p.mu.Unlock()
}

// Pause pauses clients until the deadline; all=false pauses only writes.
// A pause in force is never shortened nor narrowed from ALL to WRITE; one
// that has ended is forgotten first, as Valkey's pauseActions does.
func (s *Server) Pause(until time.Time, all bool) {
	p := &s.pause
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	if !now.Before(p.until) {
		p.until, p.all = time.Time{}, false
	}
	if until.After(p.until) {
		p.until = until
	}
	p.all = p.all || all
	p.active.Store(now.Before(p.until))
	p.wakeLocked()
}

// Unpause ends a pause.
func (s *Server) Unpause() {
	p := &s.pause
	p.mu.Lock()
	defer p.mu.Unlock()
	p.until = time.Time{}
	p.all = false
	p.active.Store(false)
	p.wakeLocked()
}

// waitPauseClient blocks while a pause applies to a command of client c
// (write says whether the command writes, or may replicate). While it
// waits the client shows flag b and counts in blocked_clients, as Valkey's
// postponed clients do. It returns false if c was killed meanwhile: the
// command must then not run.
func (s *Server) waitPauseClient(c *Client, write bool) bool {
	p := &s.pause
	waiting := false
	defer func() {
		if waiting {
			p.waiting.Add(-1)
			c.SetFlag(ClientBlocked, false)
		}
	}()
	var pushed chan struct{} // nil (never ready) unless c is served by its goroutine
	if c != nil && !c.inLoop.Load() {
		var release func()
		pushed, release = c.pushSignal() // a paused client still gets its pushes (outbuf.go)
		defer release()
	}
	for {
		if c != nil && c.killed.Load() {
			return false
		}
		p.mu.Lock()
		until, all, ch := p.until, p.all, p.changed
		p.mu.Unlock()
		now := time.Now()
		if until.IsZero() || !now.Before(until) || (!all && !write) {
			return true
		}
		if !waiting && c != nil {
			waiting = true
			p.waiting.Add(1)
			c.SetFlag(ClientBlocked, true)
		}
		t := time.NewTimer(until.Sub(now))
		select {
		case <-ch:
		case <-t.C:
		case <-pushed:
			s.flush(c) // replies of earlier commands, then the pushes
		case <-s.done:
			t.Stop()
			return c == nil || !c.killed.Load()
		}
		t.Stop()
	}
}

// pauseInfo reports the pause in force: whether there is one, whether it
// covers all commands, and how long it still lasts.
func (s *Server) pauseInfo() (on, all bool, left time.Duration) {
	p := &s.pause
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	if p.until.IsZero() || !now.Before(p.until) {
		return false, false, 0
	}
	return true, p.all, p.until.Sub(now)
}

// writesPaused reports whether a CLIENT PAUSE (WRITE or ALL) is in force:
// Valkey then also holds back active expiry and eviction, so the dataset
// does not change under the pause.
func (s *Server) writesPaused() bool {
	if !s.pause.active.Load() {
		return false
	}
	on, _, _ := s.pauseInfo()
	return on
}

// closeFile closes the event-loop socket; Kill afterwards is a no-op on it.
func (c *Client) closeFile() {
	c.fdMu.Lock()
	if c.file != nil {
		_ = c.file.Close()
		c.file = nil
	}
	c.fdMu.Unlock()
}

// setConn gives a detached client its new net.Conn.
func (c *Client) setConn(nc net.Conn) {
	c.fdMu.Lock()
	c.conn = nc
	c.fdMu.Unlock()
	c.sysfd = -1
	c.fd.Store(0) // looked up again from the new conn
}
