package server

import (
	"math"
	"math/big"
	"net"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"petrel/internal/errs"
	"petrel/internal/keyspace"
	"petrel/internal/num"
	"petrel/internal/resp"
)

// Blocking commands (BLPOP BRPOP BLMOVE BRPOPLPUSH BLMPOP today; BZPOP*,
// BZMPOP and XREAD/XREADGROUP BLOCK use the same machinery), with Valkey's
// semantics (blocked.c):
//
//   - A blocking handler that finds its keys empty calls Ctx.Block instead
//     of replying. The waiter is registered in the keyspace (ready.go)
//     under the shard locks the dispatcher holds for the command's keys,
//     so a push is either seen by the command or finds the waiter.
//   - A write that gives a waited-for key a value calls DB.SignalReady.
//     After the writing command has released its locks, dispatch calls
//     serveReadyKeys in the writer's goroutine: for each ready key, in
//     signal order, each waiter in blocking order is claimed and its
//     command re-run on its behalf (serveWaiter) with the command's shard
//     locks, its reply going to the waiter's own buffer. Only one
//     goroutine serves at a time (serveMu), and it loops until no key is
//     ready, so a BLMOVE served into a key others wait for serves them
//     too, in the same pass, as Valkey's handleClientsBlockedOnKeys. A
//     writer never returns before its ready keys are served, so its next
//     command sees the pops. A waiter whose key turned out empty or of
//     another type (an earlier waiter took the elements) keeps its place;
//     one whose re-run blocks again goes to the back, as in Valkey.
//   - The blocked client's own goroutine parks in awaitBlocked. It keeps
//     reading its socket (buffering what the client pipelines, as Valkey
//     keeps filling the query buffer) so that a disconnect unregisters it
//     at once and no element is handed to a closed connection. It wakes
//     when the outcome is final (served, timeout, CLIENT UNBLOCK, killed),
//     appends the reply to its writer and carries on with its input. A
//     client on an event loop leaves the loop first (c.detached, as for
//     CLIENT PAUSE) and continues in its own goroutine.
//   - Outcomes race (a push and the timeout, a push and CLIENT UNBLOCK):
//     the state field decides. Whoever moves it from waiting to serving
//     owns the waiter; a server that finds the key empty gives it back
//     (serving -> waiting), everybody else ends it (-> done, done closed).
//
// Valkey's details kept: a timeout of 0 waits forever; timeouts are
// seconds as a long double (milliseconds rounded up), or integer
// milliseconds for XREAD; a timed-out list, zset or stream command replies
// a null array; CLIENT UNBLOCK <id> [TIMEOUT|ERROR] answers the blocked
// client as a timeout or with -UNBLOCKED; the blocked command is counted in
// commandstats once, when it completes; INFO blocked_clients,
// total_blocking_keys and clients_in_timeout_table; CLIENT LIST flag b.
//
// MULTI/EXEC and scripts: a blocking command inside a transaction or a
// script must not block; it behaves as its non-blocking form and, when its
// keys are empty, replies as on a timeout (null array, or null for
// BLMOVE/BRPOPLPUSH per the handler). Block refuses (returns false) while
// the client has the ClientMulti flag, which EXEC (multi.go) keeps set
// while it runs the queued commands. After EXEC or a script, the ready keys its writes signalled are served
// once, when the dispatcher runs serveReadyKeys after the whole EXEC, not
// between the queued commands. Propagation (AOF, replicas, not built yet)
// sees a served command's effects through Ctx.Modified in the serving
// goroutine; it must record the command as its non-blocking form (BLPOP
// as LPOP, BLMOVE as LMOVE, BLMPOP as LPOP/RPOP with COUNT).
//
// Locks: serveReadyKeys must run with no shard locked (it takes the
// waiters' locks); cancelBlocked may wait for a serve in progress only
// when its caller holds no shard lock (CLIENT UNBLOCK does not wait, so it
// is safe inside an EXEC that holds locks).

// Blocked-client states (blockedClient.state).
const (
	bWaiting int32 = iota // registered, nobody owns it
	bServing              // claimed: being served or cancelled
	bDone                 // the outcome is final; done is closed
)

// Outcomes of a blocked command.
const (
	outServed       = iota + 1 // re-run by the server: reply holds its reply
	outTimeout                 // deadline or CLIENT UNBLOCK TIMEOUT
	outUnblockError            // CLIENT UNBLOCK ERROR
	outGone                    // the connection closed, or the client was killed
)

// blockedClient is a client blocked in a command. The client's goroutine
// owns it until it registers; then the state field says who may touch the
// rest: the owner of the claim (bServing) for w, reply, ctx, reblocked and
// outcome; after done is closed, the client's goroutine again.
type blockedClient struct {
	w         keyspace.Waiter
	c         *Client
	cmd       *command
	args      [][]byte // a copy of the command's arguments
	typ       uint8    // the value type the keys must hold to serve it
	db        int
	noTouch   bool
	mask      keyspace.Mask // shards of the command's keys (locked to re-run it)
	deadline  int64         // unix ms; 0: forever
	state     atomic.Int32
	done      chan struct{}
	outcome   int
	reblocked bool
	reply     resp.Writer
	ctx       Ctx
}

// blockingState is the server's part of the blocking machinery, kept in
// Server.Ext (blockingExt).
type blockingState struct {
	serveMu sync.Mutex // one goroutine serves ready keys at a time
	// Guarded by serveMu:
	readyBuf []keyspace.ReadyKey
	waitBuf  []*keyspace.Waiter

	withTimeout atomic.Int64 // blocked clients with a deadline (clients_in_timeout_table)
	infoOnce    sync.Once
}

type blockingExt struct{}

func (s *Server) blockingState() *blockingState {
	if v, ok := s.Ext.Load(blockingExt{}); ok {
		return v.(*blockingState)
	}
	v, _ := s.Ext.LoadOrStore(blockingExt{}, &blockingState{})
	return v.(*blockingState)
}

// Block makes the running command wait until one of keys (which must be
// among the command's key arguments) holds a value of type typ, or until
// deadline (unix ms; 0 = forever). The handler then returns without a
// reply: when a key gets a value, the command runs again on the client's
// behalf and replies then. It returns false if the client may not block
// (inside MULTI/EXEC or a script): the handler then replies as on a
// timeout.
func (c *Ctx) Block(keys [][]byte, typ uint8, deadline int64) bool {
	return c.block(keys, typ, deadline, false)
}

// BlockOnKeyOrDeletion is Block for XREADGROUP: the command also runs again
// when a key it waits for is deleted or overwritten (DEL, SET, RENAME,
// FLUSHALL, SWAPDB...), whatever the key then holds, so that it can reply
// -NOGROUP or WRONGTYPE (Valkey's unblock_on_nokey).
func (c *Ctx) BlockOnKeyOrDeletion(keys [][]byte, typ uint8, deadline int64) bool {
	return c.block(keys, typ, deadline, true)
}

func (c *Ctx) block(keys [][]byte, typ uint8, deadline int64, nokey bool) bool {
	cl := c.Client
	if cl == nil || cl.Flags()&ClientMulti != 0 {
		return false
	}
	if bc := cl.bstate.Load(); bc != nil {
		// A re-run on the client's behalf found the keys empty again: it
		// waits again, behind the clients already waiting (Valkey re-queues
		// it at the tail), with its original deadline.
		c.DB.Block(&bc.w, keys)
		bc.reblocked = true
		return true
	}
	s := c.Srv
	bs := s.blockingState()
	bs.infoOnce.Do(func() { s.publishBlockingInfo(bs) })
	bc := &blockedClient{
		c:        cl,
		cmd:      s.reg.lookup(c.Args[0]),
		typ:      typ,
		db:       c.DB.Index(),
		noTouch:  c.DB.NoTouch,
		mask:     c.locked,
		deadline: deadline,
		done:     make(chan struct{}),
	}
	bc.reply.Proto = cl.Proto()
	bc.args = copyArgs(c.Args)
	bc.w.Owner = bc
	bc.w.NoKey = nokey
	c.DB.Block(&bc.w, keys)
	cl.bstate.Store(bc)
	cl.SetFlag(ClientBlocked, true)
	if deadline > 0 {
		bs.withTimeout.Add(1)
	}
	return true
}

// copyArgs copies arguments into one allocation (the originals alias the
// connection's read buffer, which keeps filling while the client waits).
func copyArgs(args [][]byte) [][]byte {
	n := 0
	for _, a := range args {
		n += len(a)
	}
	buf := make([]byte, 0, n)
	out := make([][]byte, len(args))
	for i, a := range args {
		buf = append(buf, a...)
		out[i] = buf[len(buf)-len(a) : len(buf) : len(buf)]
	}
	return out
}

func (s *Server) publishBlockingInfo(bs *blockingState) {
	s.SetInfoField("total_blocking_keys", func() string { return itoa64(s.ks.BlockingKeys()) })
	s.SetInfoField("total_blocking_keys_on_nokey", func() string { return itoa64(s.ks.BlockingKeysOnNoKey()) })
	s.SetInfoField("clients_in_timeout_table", func() string { return itoa64(bs.withTimeout.Load()) })
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }

// serveReadyKeys serves the clients waiting for keys that writes made
// ready, until no key is ready. Dispatch calls it after a command that
// left ready keys, with no shard locked.
func (s *Server) serveReadyKeys() {
	bs := s.blockingState()
	bs.serveMu.Lock()
	defer bs.serveMu.Unlock()
	for {
		ready := s.ks.TakeReady(bs.readyBuf[:0])
		if len(ready) == 0 {
			return
		}
		for _, rk := range ready {
			s.serveKey(bs, rk)
		}
		clear(ready)
		bs.readyBuf = ready[:0]
	}
}

// serveKey serves the clients waiting for one ready key, in the order
// they blocked: as many as there were when it started (a re-run that
// blocks again must not be served twice in one pass).
func (s *Server) serveKey(bs *blockingState, rk keyspace.ReadyKey) {
	m := keyspace.MaskOf([]byte(rk.Key))
	s.ks.Lock(m)
	waiters := s.ks.Waiters(rk.DB, rk.Key, bs.waitBuf[:0])
	s.ks.Unlock(m)
	for _, w := range waiters {
		bc := w.Owner.(*blockedClient)
		if bc.state.CompareAndSwap(bWaiting, bServing) {
			s.serveWaiter(bc, rk.Key)
		}
	}
	clear(waiters)
	bs.waitBuf = waiters[:0]
}

// serveWaiter re-runs a claimed client's command on its behalf if key
// holds a value of the type it waits for; otherwise it gives the claim
// back and the client keeps its place.
func (s *Server) serveWaiter(bc *blockedClient, key string) {
	start := time.Now()
	mask := bc.mask | bc.w.Mask()
	s.ks.Lock(mask)
	if bc.c.killed.Load() {
		// Killed while blocked (its goroutine may not have noticed yet):
		// nothing is handed to it; the element stays for the next waiter.
		s.ks.Unblock(&bc.w)
		s.ks.Unlock(mask)
		s.finishBlocked(bc, outGone)
		return
	}
	db := s.ks.View(bc.db, start.UnixMilli())
	db.NoTouch = bc.noTouch
	propagating := s.repl.on.Load()
	if propagating {
		db.Expired = bc.c.expirySink()
	}
	peek := db
	peek.KeepExpired = true // the check deletes nothing: the command's own run may
	if e, ok := peek.Peek([]byte(key)); (!ok || e.Type() != bc.typ) && !bc.w.NoKey {
		s.ks.Unlock(mask)
		bc.state.Store(bWaiting)
		return
	}
	s.ks.Unblock(&bc.w)
	ctx := &bc.ctx
	*ctx = Ctx{Srv: s, Client: bc.c, Args: bc.args, W: &bc.reply, DB: db, Spec: bc.cmd.spec, Now: start, locked: mask}
	replyStart := len(bc.reply.Buf)
	bc.cmd.handler(ctx)
	if propagating {
		ctx.propagateCommand() // its deterministic form (BLPOP as LPOP): propagate.go
		s.endUnit(bc.c, false)
	}
	s.ks.Unlock(ctx.locked)
	if bc.reblocked {
		bc.reblocked = false
		bc.state.Store(bWaiting)
		return
	}
	dur := time.Since(start)
	cmd := bc.cmd
	cmd.calls.Add(1)
	cmd.usec.Add(dur.Microseconds())
	bc.c.totCmds.Add(1)
	s.stats.commandsProcessed.Add(1)
	if r := bc.reply.Buf[replyStart:]; len(r) > 0 && r[0] == '-' {
		cmd.failed.Add(1)
		s.stats.totalErrorReplies.Add(1)
		s.countError(r)
	}
	s.afterCommand(bc.c, cmd.spec, bc.args, start, dur, len(bc.reply.Buf)-replyStart)
	s.finishBlocked(bc, outServed)
}

// finishBlocked makes a claimed waiter's outcome final and wakes its
// client.
func (s *Server) finishBlocked(bc *blockedClient, outcome int) {
	bc.outcome = outcome
	bc.state.Store(bDone)
	close(bc.done)
	bc.c.pokeRead()
}

// cancelBlocked ends a wait with outcome (timeout, unblock, gone) unless
// it is already over; it returns false if something else ended it first.
// With wait, a waiter being served is waited for (serving takes
// microseconds, and the server may give the claim back if the key turned
// out empty); without, it counts as no longer blocked. Only a caller
// holding no shard lock may wait: the server serving it needs them.
func (s *Server) cancelBlocked(bc *blockedClient, outcome int, wait bool) bool {
	for {
		if bc.state.CompareAndSwap(bWaiting, bServing) {
			m := bc.w.Mask()
			s.ks.Lock(m)
			s.ks.Unblock(&bc.w)
			s.ks.Unlock(m)
			s.finishBlocked(bc, outcome)
			return true
		}
		if !wait || bc.state.Load() == bDone {
			return false
		}
		time.Sleep(20 * time.Microsecond)
	}
}

// pokeRead interrupts a read the client's goroutine may be blocked in, so
// that it looks at its blocked state again.
func (c *Client) pokeRead() {
	c.fdMu.Lock()
	conn := c.conn
	c.fdMu.Unlock()
	if conn != nil {
		_ = conn.SetReadDeadline(time.Now())
	}
}

// blocked reports whether the client's last command blocked.
func (c *Client) blocked() bool { return c.bstate.Load() != nil }

// completeBlocked is called in the client's own goroutine (off any event
// loop) after its command blocked: it waits for the outcome, writes the
// reply (honouring CLIENT REPLY) and returns the client to normal.
func (s *Server) completeBlocked(c *Client) {
	start := len(c.w.Buf)
	s.awaitBlocked(c)
	switch c.replyMode {
	case replyOff:
		c.w.Buf = c.w.Buf[:start]
	case replySkip:
		c.w.Buf = c.w.Buf[:start]
		c.replyMode = replyOn
	}
}

func (s *Server) awaitBlocked(c *Client) {
	bc := c.bstate.Load()
	c.inCommand.Store(true) // blocked clients are exempt from the idle timeout
	defer c.inCommand.Store(false)
	gone := len(c.w.Buf) > 0 && !s.flush(c) // what the client pipelined before, it gets now
	conn := c.conn
	var deadline time.Time
	if bc.deadline > 0 {
		deadline = time.UnixMilli(bc.deadline)
	}
	_ = conn.SetReadDeadline(deadline)
	for !closed(bc.done) {
		if gone || c.killed.Load() {
			s.cancelBlocked(bc, outGone, true)
			continue
		}
		n, err := conn.Read(c.rd.Space(readChunk))
		if n > 0 {
			c.rd.Commit(n)
			c.netIn.Add(int64(n))
			s.stats.netInput.Add(int64(n))
			s.stats.readsProcessed.Add(1)
			if int64(c.rd.Buffered()) > s.Settings().ClientQueryBufferLimit {
				s.stats.clientQueryBufferLimitDisconnections.Add(1)
				s.Logf("Closing client that reached max query buffer length: id=%d addr=%s", c.ID, c.addr)
				gone = true
			}
		}
		switch ne, ok := err.(net.Error); {
		case err == nil:
		case ok && ne.Timeout() && !deadline.IsZero() && !time.Now().Before(deadline):
			s.cancelBlocked(bc, outTimeout, true)
		case ok && ne.Timeout():
			// Poked: the outcome may be final, or other goroutines queued
			// output (pub/sub, invalidations), which a blocked client gets
			// at once, as in Valkey.
			_ = conn.SetReadDeadline(deadline)
			if bc.state.Load() != bWaiting { // served, or being served
				// Being served: what the served command pushed to this
				// client (an invalidation of the key it wrote) goes after
				// its reply, as for any command of its own.
				runtime.Gosched()
				continue
			}
			if c.hasPushes() {
				c.takePushes()
				gone = gone || !s.flush(c)
			}
		default:
			gone = true // closed by the peer, or by Kill
		}
	}
	_ = conn.SetReadDeadline(time.Time{})

	switch bc.outcome {
	case outServed:
		c.w.Raw(bc.reply.Buf)
	case outTimeout:
		c.w.NullArray()
		s.accountUnblocked(bc, false)
	case outUnblockError:
		c.w.Error(errs.Text(errs.Unblocked))
		s.accountUnblocked(bc, true)
	case outGone:
		c.closeAfterReply = true
	}
	if gone {
		c.closeAfterReply = true
	}
	c.bstate.Store(nil)
	c.SetFlag(ClientBlocked, false)
	if bc.deadline > 0 {
		s.blockingState().withTimeout.Add(-1)
	}
}

func closed(ch chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// accountUnblocked counts a blocked command that ended without being
// served, as Valkey's updateStatsOnUnblock.
func (s *Server) accountUnblocked(bc *blockedClient, rejected bool) {
	bc.cmd.calls.Add(1)
	bc.c.totCmds.Add(1)
	s.stats.commandsProcessed.Add(1)
	if rejected {
		bc.cmd.rejected.Add(1)
		s.stats.totalErrorReplies.Add(1)
		s.countError([]byte(errs.Text(errs.Unblocked)))
	}
}

// ClientUnblock is CLIENT UNBLOCK <id> [TIMEOUT|ERROR]: a client blocked
// in a blocking command is answered as on a timeout, or with -UNBLOCKED.
// Clients held by CLIENT PAUSE are not blocked in this sense.
func ClientUnblock(c *Ctx) {
	outcome := outTimeout
	if len(c.Args) == 4 {
		switch {
		case EqualFold(c.Args[3], "timeout"):
		case EqualFold(c.Args[3], "error"):
			outcome = outUnblockError
		default:
			c.Error(errs.UnblockReason)
			return
		}
	}
	p := c.Parser(2)
	id := p.Int64()
	if p.Err() != nil {
		c.Error(p.Err())
		return
	}
	target := c.Srv.clients.get(id)
	if target == nil {
		c.W.Int(0)
		return
	}
	bc := target.bstate.Load()
	if bc == nil || !c.Srv.cancelBlocked(bc, outcome, false) {
		c.W.Int(0)
		return
	}
	c.W.Int(1)
}

// BlockTimeout parses a blocking command's timeout argument as Valkey's
// getTimeoutFromObjectOrReply: seconds as a long double, rounded up to
// milliseconds (or, with ms, an integer number of milliseconds). It
// returns the deadline in unix ms relative to the command's clock, or 0 for
// a timeout of 0 (wait forever).
func (c *Ctx) BlockTimeout(arg []byte, ms bool) (int64, error) {
	now := c.Now.UnixMilli()
	var t int64
	if ms {
		n, ok := num.ParseInt(arg)
		if !ok {
			return 0, errs.Timeout
		}
		t = n
	} else {
		f, ok := parseLongDouble(arg)
		if !ok {
			return 0, errs.TimeoutNotFloat
		}
		f.Mul(f, big.NewFloat(1000).SetPrec(64))
		if f.Cmp(new(big.Float).SetInt64(math.MaxInt64)) > 0 {
			return 0, errs.TimeoutRange
		}
		if f.IsInf() { // -inf: ceill gives LLONG_MIN on the platforms Valkey runs on
			return 0, errs.TimeoutNegative
		}
		// ceil: round towards +inf to an integer.
		i, acc := f.Int64()
		if acc == big.Below {
			i++
		}
		t = i
	}
	if t < 0 {
		return 0, errs.TimeoutNegative
	}
	if t > 0 {
		if t > math.MaxInt64-now {
			return 0, errs.TimeoutRange
		}
		t += now
	}
	return t, nil
}

// parseLongDouble parses like Valkey's string2ld (strtold on an x87 long
// double: 64-bit mantissa, 15-bit exponent): no spaces, no trailing bytes,
// hex mantissas, inf; nan and results out of the long double range are
// rejected. The value keeps long double precision so the milliseconds
// round as Valkey's do.
func parseLongDouble(b []byte) (*big.Float, bool) {
	if len(b) == 0 || len(b) >= 5*1024 || isSpace(b[0]) {
		return nil, false
	}
	s := string(b)
	if strings.ContainsAny(s, "_ \t\r\n\v\f") {
		return nil, false
	}
	body := strings.TrimLeft(s, "+-")
	if len(body) > 1 && body[0] == '0' {
		switch body[1] {
		case 'x', 'X':
			if !strings.ContainsAny(body, "pP") {
				s += "p0" // strtold's hex floats need no exponent
			}
		case 'b', 'B', 'o', 'O':
			return nil, false
		}
	}
	switch strings.ToLower(body) {
	case "inf", "infinity":
		f := new(big.Float).SetInf(s[0] == '-')
		return f, true
	}
	f, _, err := big.ParseFloat(s, 0, 64, big.ToNearestEven)
	if err != nil {
		return nil, false
	}
	if exp := f.MantExp(nil); f.Sign() != 0 && (exp > 16384 || exp < -16444) {
		return nil, false // ERANGE in strtold: overflow, or underflow to zero
	}
	return f, true
}
