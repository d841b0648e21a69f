package server

import (
	"strconv"
	"sync"
	"sync/atomic"
)

// The propagation stream: every change to the keyspace is appended, as the
// commands that reproduce it, to one ordered stream that replicas (and,
// later, the AOF) consume. It follows Valkey's model (server.c call,
// alsoPropagate, propagatePendingCommands):
//
//   - An execution unit is one top-level command: a plain command, EXEC
//     with its queued commands, a script with the commands it calls, or a
//     blocked command when it is served. While it runs, its effects are
//     collected as ops in the unit (propUnit) of the client running it.
//   - A command that changed something (Ctx.Modified / ModifiedN counted
//     at least one change) is propagated as its own arguments, or as the
//     deterministic form it chose (Ctx.PropagateAs: SPOP as SREM, relative
//     TTLs as PEXPIREAT, BLPOP as LPOP). Ctx.AlsoPropagate adds ops before
//     it (Ctx.NoPropagate drops the command itself): a key found expired
//     on access is deleted and propagated as DEL or UNLINK first.
//   - When the unit ends, its ops are written to the stream, wrapped in
//     MULTI/EXEC when there is more than one (except for SCAN and
//     RANDOMKEY, which may expire any number of keys), with a SELECT
//     wherever the database differs from the stream's last one.
//   - Units are written while the shards they touched are still locked,
//     so the stream's order agrees with the order in which each key
//     changed (design.md: per-key order). Keyless writes (FLUSHALL,
//     SWAPDB, FUNCTION LOAD...) run with every shard locked for that
//     reason (dispatch.go).
//   - Nothing is collected until a consumer exists: the first replica
//     turns propagation on for good, as Valkey keeps its backlog from then
//     on, and its offset (master_repl_offset) counts from there.

// propOp is one propagated command: its RESP array is unit.buf[start:end].
type propOp struct {
	db         int // -1: no SELECT needed (MULTI, EXEC)
	start, end int
}

// propUnit collects the ops of one execution unit.
type propUnit struct {
	buf []byte
	ops []propOp
}

func (u *propUnit) add(db int, args [][]byte) {
	start := len(u.buf)
	u.buf = appendCommand(u.buf, args)
	u.ops = append(u.ops, propOp{db: db, start: start, end: len(u.buf)})
}

func (u *propUnit) addStrings(db int, args ...string) {
	start := len(u.buf)
	u.buf = appendCommandStrings(u.buf, args)
	u.ops = append(u.ops, propOp{db: db, start: start, end: len(u.buf)})
}

func (u *propUnit) reset() {
	if cap(u.buf) > 1<<20 {
		u.buf = nil // do not keep a huge unit's buffer
	}
	u.buf, u.ops = u.buf[:0], u.ops[:0]
}

// appendCommand appends args as a RESP array of bulk strings.
func appendCommand(b []byte, args [][]byte) []byte {
	b = append(b, '*')
	b = strconv.AppendInt(b, int64(len(args)), 10)
	b = append(b, '\r', '\n')
	for _, a := range args {
		b = appendBulk(b, a)
	}
	return b
}

// appendCommandStrings is appendCommand for arguments built as strings.
func appendCommandStrings(b []byte, args []string) []byte {
	b = append(b, '*')
	b = strconv.AppendInt(b, int64(len(args)), 10)
	b = append(b, '\r', '\n')
	for _, a := range args {
		b = appendBulkString(b, a)
	}
	return b
}

func appendBulkString(b []byte, s string) []byte {
	b = append(b, '$')
	b = strconv.AppendInt(b, int64(len(s)), 10)
	b = append(b, '\r', '\n')
	b = append(b, s...)
	return append(b, '\r', '\n')
}

// replState is the primary's side of replication: the stream's position
// and the replicas it feeds.
type replState struct {
	on      atomic.Bool // propagation runs (a replica attached once, or the AOF)
	loading atomic.Bool // the AOF is being loaded: nothing is propagated

	mu sync.Mutex
	// Guarded by mu:
	db       int   // database last selected in the stream; -1 none
	offset   int64 // master_repl_offset: bytes written to the stream
	start    int64 // offset when the stream started (repl_backlog_first_byte_offset - 1)
	replicas []*replica
	out      []byte // one unit's bytes, reused
}

// replica is a client that asked for the stream (SYNC or PSYNC).
type replica struct {
	c             *Client
	listeningPort int
	ackOffset     atomic.Int64
	ackTime       atomic.Int64 // unix seconds of the last REPLCONF ACK
}

var (
	multiCmd = []byte("*1\r\n$5\r\nMULTI\r\n")
	execCmd  = []byte("*1\r\n$4\r\nEXEC\r\n")
)

// unitOf returns the unit collecting c's effects. A script's commands
// run as the scripting client, whose unit is its caller's (scripting.go).
func (s *Server) unitOf(c *Client) *propUnit {
	if c.unit == nil {
		c.unit = &propUnit{}
	}
	return c.unit
}

// endUnit writes the ops c's execution unit collected to the stream and
// clears the unit. It must be called with the shards the unit touched
// still locked. noTx leaves several ops unwrapped (SCAN, RANDOMKEY).
func (s *Server) endUnit(c *Client, noTx bool) {
	if u := c.unit; u != nil && len(u.ops) > 0 {
		s.writeUnit(u, noTx)
	}
}

// writeUnit writes u's ops to the stream (MULTI/EXEC around several
// unless noTx, SELECT where the database changes) and clears u.
func (s *Server) writeUnit(u *propUnit, noTx bool) {
	if s.repl.loading.Load() {
		u.reset()
		return
	}
	r := &s.repl
	r.mu.Lock()
	out := r.out[:0]
	tx := len(u.ops) > 1 && !noTx
	if tx {
		out = append(out, multiCmd...)
	}
	for _, op := range u.ops {
		if op.db >= 0 && op.db != r.db {
			out = appendCommand(out, [][]byte{[]byte("SELECT"), strconv.AppendInt(nil, int64(op.db), 10)})
			r.db = op.db
		}
		out = append(out, u.buf[op.start:op.end]...)
	}
	if tx {
		out = append(out, execCmd...)
	}
	s.writeStreamLocked(out)
	if cap(out) > 1<<20 {
		out = nil
	}
	r.out = out
	r.mu.Unlock()
	u.reset()
}

// propagateNow writes one command as a unit of its own: the server's own
// changes outside any command (the active expiry cycle's deletions).
func (s *Server) propagateNow(db int, args ...string) {
	if s.repl.loading.Load() {
		return
	}
	r := &s.repl
	r.mu.Lock()
	out := r.out[:0]
	if db >= 0 && db != r.db {
		out = appendCommand(out, [][]byte{[]byte("SELECT"), strconv.AppendInt(nil, int64(db), 10)})
		r.db = db
	}
	out = appendCommandStrings(out, args)
	s.writeStreamLocked(out)
	r.out = out
	r.mu.Unlock()
}

// writeStreamLocked appends bytes to the stream: every replica and the
// AOF get them. The caller holds repl.mu.
func (s *Server) writeStreamLocked(b []byte) {
	r := &s.repl
	r.offset += int64(len(b))
	for _, rp := range r.replicas {
		rp.c.Push(b)
	}
	s.aofFeed(b)
}

// deletedKeyCommand is how a deletion the server decided (expiry) is
// propagated: UNLINK when lazyfree-lazy-expire is on, DEL otherwise.
func (s *Server) deletedKeyCommand() string {
	if h := s.Hot(); h != nil && h.LazyfreeLazyExpire.Load() {
		return "UNLINK"
	}
	return "DEL"
}

// ---- what handlers call (the command's side of Valkey's call()) ----

// Propagating reports whether changes are being propagated: a handler
// that builds a rewritten form for PropagateAs or AlsoPropagate may skip
// the work when not.
func (c *Ctx) Propagating() bool { return c.Srv.repl.on.Load() }

// PropagateAs makes the command, if it changed anything, propagate as args
// instead of its own arguments (Valkey's rewriteClientCommandVector): the
// deterministic form of a command whose effect depends on randomness, the
// clock or a blocking wait.
func (c *Ctx) PropagateAs(args ...[]byte) {
	if !c.Propagating() {
		return
	}
	c.prop.rewritten = appendCommand(c.prop.rewritten[:0], args)
	c.prop.rewrite = true
}

// PropagateAsStrings is PropagateAs for arguments built as strings.
func (c *Ctx) PropagateAsStrings(args ...string) {
	if !c.Propagating() {
		return
	}
	c.prop.rewritten = appendCommandStrings(c.prop.rewritten[:0], args)
	c.prop.rewrite = true
}

// AlsoPropagate adds args to the stream now, in the command's database,
// before the command's own propagation (Valkey's alsoPropagate). Combine
// with NoPropagate when these ops replace the command.
func (c *Ctx) AlsoPropagate(args ...[]byte) {
	if !c.Propagating() {
		return
	}
	c.Srv.unitOf(c.Client).add(c.DB.Index(), args)
}

// AlsoPropagateStrings is AlsoPropagate for arguments built as strings.
func (c *Ctx) AlsoPropagateStrings(args ...string) {
	if !c.Propagating() {
		return
	}
	c.Srv.unitOf(c.Client).addStrings(c.DB.Index(), args...)
}

// NoPropagate keeps the command itself out of the stream (Valkey's
// preventCommandPropagation); ops added with AlsoPropagate still go.
func (c *Ctx) NoPropagate() { c.prop.prevent = true }

// ForcePropagate propagates the command even if it changed nothing in the
// keyspace (PUBLISH, FUNCTION LOAD: Valkey's forceCommandPropagation).
func (c *Ctx) ForcePropagate() { c.prop.force = true }

// propagateCommand ends a command's run: if it changed something (or
// forced it), its propagated form joins the unit. Called by dispatch
// after the handler, with the command's shards still locked.
func (c *Ctx) propagateCommand() {
	if !c.Srv.repl.on.Load() {
		return
	}
	if c.prop.prevent || (c.dirty == 0 && !c.prop.force) || c.Client.loadingAOF {
		return
	}
	u := c.Srv.unitOf(c.Client)
	start := len(u.buf)
	if c.prop.rewrite {
		u.buf = append(u.buf, c.prop.rewritten...)
	} else {
		u.buf = appendCommand(u.buf, c.Args)
	}
	u.ops = append(u.ops, propOp{db: c.DB.Index(), start: start, end: len(u.buf)})
}

// ctxProp is a command's propagation choices (Ctx.prop).
type ctxProp struct {
	prevent, force, rewrite bool
	rewritten               []byte
}

// keyExpiredSink collects lazy-expiry deletions into a command's unit: a
// key found expired on access is propagated as DEL/UNLINK before the
// command (keyspace.DB.Expired).
type keyExpiredSink struct {
	s *Server
	c *Client
}

// expirySink returns the sink of c's lazy expiries (kept in the client
// so that setting it allocates nothing).
func (c *Client) expirySink() *keyExpiredSink {
	if c.expSink.c == nil {
		c.expSink = keyExpiredSink{s: c.srv, c: c}
	}
	return &c.expSink
}

// immediateExpirySink propagates the active expiry cycle's deletions,
// each a unit of its own (keyspace.Keyspace.ExpiredSink).
type immediateExpirySink struct{ s *Server }

func (k immediateExpirySink) KeyExpired(db int, key []byte) {
	if k.s.repl.on.Load() {
		k.s.propagateNow(db, k.s.deletedKeyCommand(), string(key))
	}
}

func (k *keyExpiredSink) KeyExpired(db int, key []byte) {
	k.s.unitOf(k.c).addStrings(db, k.s.deletedKeyCommand(), string(key))
}

// noTxUnit reports whether a command's unit is never wrapped in
// MULTI/EXEC: commands that touch arbitrary keys (their lazy expiries).
func noTxUnit(name string) bool { return name == "scan" || name == "randomkey" }

// PropagateExpiredDelete makes the command propagate as the deletion of
// key because a deadline it set had already passed (Valkey's
// deleteExpiredKeyFromOverwriteAndPropagate): UNLINK with
// lazyfree-lazy-expire, DEL otherwise.
func (c *Ctx) PropagateExpiredDelete(key []byte) {
	if c.Propagating() {
		c.PropagateAs([]byte(c.Srv.deletedKeyCommand()), key)
	}
}
