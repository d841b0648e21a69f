package server

import (
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"petrel/internal/cmdspec"
	"petrel/internal/errs"
	"petrel/internal/keyspace"
	"petrel/internal/resp"
)

// Transactions: MULTI, EXEC, DISCARD, WATCH and UNWATCH, with Valkey 9's
// semantics (multi.c and processCommand in server.c).
//
// Queueing. After MULTI every command but EXEC, DISCARD, QUIT and RESET is
// checked as usual (existence, arity, NOAUTH, no-multi commands such as
// MULTI or WATCH, a CLIENT PAUSE in force) and then queued, with a copy of
// its arguments, instead of run; it replies +QUEUED. A command rejected
// while queueing flags the transaction (dirtyExec): EXEC then discards it
// with -EXECABORT. Errors a command hits when it runs inside EXEC do not
// abort anything: they are elements of EXEC's reply.
//
// EXEC is atomic and isolated from other connections, which run on other
// cores: it locks, in ascending order, the union of the shards of the
// queued commands' keys and of the keys the client WATCHes, checks the
// WATCHes, runs each queued command with callHeld under those locks, and
// unlocks. A queued command without keys that may touch the keyspace
// (FLUSHALL, KEYS, DBSIZE, DEBUG, ...: anything keyless but connection and
// pub/sub commands) makes EXEC lock every shard; the keyspace's
// whole-database operations then take no locks (DB.Held). A few server
// commands read keyspace-wide statistics taking shard locks themselves
// (INFO, MEMORY STATS/DOCTOR, CONFIG RESETSTAT): holding any shard would
// deadlock them, so EXEC runs them after it unlocked and puts their
// replies in their places. Blocking commands do not block inside EXEC: the
// client keeps the ClientMulti flag until EXEC ends and Ctx.Block refuses
// then. Clients blocked on keys the transaction filled are served after
// EXEC returns, by the dispatcher.
//
// WATCH. A registry maps (db, key) to the clients watching it, in one
// part per keyspace shard. Every change of a key (Ctx.Modified, expiry)
// reaches touchWatched with the key's shard locked; when nobody watches
// anything that costs one atomic load. WATCH registers its keys under
// their shard locks (the dispatcher holds them for WATCH's key arguments),
// so a change is either before the WATCH (the client reads the new value)
// or finds the registration. A touched client is marked dirty (EXEC will
// reply a null array) and stops watching, as in Valkey. EXEC checks
// dirtiness with the watched keys' shards locked, so a change is either
// seen or comes after the transaction. FLUSHDB, FLUSHALL and SWAPDB touch
// the watched keys that exist in the databases they change
// (Ctx.FlushingDBs), with every shard locked across the check and the
// change. A watched key whose TTL passes before EXEC fails it too, unless
// it had already expired when it was watched.
//
// Lock order: keyspace shards, then a client's watchMu, then registry
// parts (one at a time). Nobody takes a keyspace shard while holding a
// watchMu or a registry part, nor a watchMu while holding a registry part.

// multiState is a client's transaction state (Client.tx).
type multiState struct {
	// Owned by the connection's goroutine.
	active    bool // MULTI was given (CLIENT LIST flag x)
	dirtyExec bool // a command was rejected while queueing
	queue     []queuedCommand
	mask      keyspace.Mask // shards the queued commands lock in EXEC
	writes    bool          // a queued command writes (CLIENT PAUSE WRITE holds EXEC)
	argvMem   int64         // CLIENT LIST multi-mem
	exec      *Ctx          // EXEC's context while it runs the queue (CLIENT INFO shows EXEC)

	// dirtyCAS is set by whoever touches a watched key (any goroutine);
	// EXEC then replies a null array (CLIENT LIST flag d).
	dirtyCAS atomic.Bool

	watchMu sync.Mutex
	watched []*watchedKey // guarded by watchMu
}

// queuedCommand is a command queued in MULTI, with its own copy of the
// arguments (the originals alias the read buffer).
type queuedCommand struct {
	cmd      *command
	args     [][]byte
	afterRun bool // a statistics command EXEC runs after unlocking (see above)

	// Filled by EXEC for the statistics it records after unlocking.
	start    time.Time
	dur      time.Duration
	replyLen int
}

// watchedKey is one key a client watches: an element of both the
// client's list and the registry's list for the key.
type watchedKey struct {
	c    *Client
	db   int
	key  string
	part int // registry part: the key's keyspace shard
	// expired: the key had expired (but was not deleted) when watched;
	// its deletion is then no change. Guarded by the registry part's mu.
	expired bool
	// live: still in the client's list. Guarded by the client's watchMu.
	live bool
}

// watchRegistry maps watched keys to their watchers (Server.watches).
type watchRegistry struct {
	keys    atomic.Int64 // distinct (db, key) watched: INFO total_watched_keys
	clients atomic.Int64 // clients watching a key: INFO watching_clients
	parts   [keyspace.NumShards]watchPart
}

// watchPart is the registry's part for one keyspace shard.
type watchPart struct {
	mu sync.Mutex
	// Guarded by mu: db -> key -> watchers.
	dbs map[int]map[string][]*watchedKey
}

func registerMulti(r *Registry) {
	r.Handle("multi", cmdMulti)
	r.Handle("exec", cmdExec)
	r.Handle("discard", cmdDiscard)
	r.Handle("watch", cmdWatch)
	r.Handle("unwatch", cmdUnwatch)
}

func cmdMulti(c *Ctx) {
	cl := c.Client
	cl.tx.active = true
	cl.SetFlag(ClientMulti, true)
	cl.publishMulti()
	c.W.OK()
}

func cmdDiscard(c *Ctx) {
	if !c.Client.tx.active {
		c.Error(errs.DiscardWithoutMulti)
		return
	}
	c.Srv.discardTransaction(c.Client)
	c.W.OK()
}

func cmdWatch(c *Ctx) {
	cl := c.Client
	// No point in watching once a watched key changed: EXEC fails anyway.
	if !cl.tx.dirtyCAS.Load() {
		if cl.multiPlus1.Load() == 0 {
			cl.publishMulti() // CLIENT LIST multi= shows 0 from now on, not -1
		}
		for _, key := range c.Args[1:] {
			c.Srv.watchKey(cl, c.DB, key)
		}
	}
	c.W.OK()
}

func cmdUnwatch(c *Ctx) {
	cl := c.Client
	c.Srv.unwatchAll(cl)
	cl.tx.dirtyCAS.Store(false)
	cl.SetFlag(ClientDirtyCAS, false)
	c.W.OK()
}

func cmdExec(c *Ctx) {
	s, cl := c.Srv, c.Client
	tx := &cl.tx
	if !tx.active {
		c.Error(errs.ExecWithoutMulti)
		return
	}
	if tx.dirtyExec {
		c.Error(errs.ExecAbort)
		s.discardTransaction(cl)
		return
	}
	now := c.Now
	held := tx.mask | s.watchedMask(cl)
	s.ks.Lock(held)
	if !tx.dirtyCAS.Load() && s.watchedKeyExpired(cl, now.UnixMilli()) {
		tx.dirtyCAS.Store(true)
	}
	if tx.dirtyCAS.Load() {
		s.ks.Unlock(held)
		c.W.NullArray()
		s.discardTransaction(cl)
		return
	}
	s.unwatchAll(cl) // the transaction's own writes must not touch its WATCHes

	// Propagation (AOF, replicas; not built yet): the writes of the
	// commands below must reach the stream wrapped in MULTI ... EXEC (only
	// when more than one command wrote, as Valkey's execCommandPropagate),
	// emitted here while the shards are still held so that no other write
	// to these keys is ordered inside or before the transaction.
	queue := tx.queue
	tx.exec = c
	defer func() { tx.exec = nil }()
	w := c.W
	w.Array(len(queue))
	var later []int // reply offsets of the commands run after unlocking
	for i := range queue {
		q := &queue[i]
		if q.afterRun {
			later = append(later, len(w.Buf))
			continue
		}
		s.runQueued(cl, q, w, now, held)
	}
	s.endUnit(cl, false) // the transaction's effects, as MULTI/EXEC if several (propagate.go)
	s.ks.Unlock(held)
	if len(later) > 0 {
		s.runAfterUnlock(cl, queue, w, later, now)
	}
	for i := range queue {
		q := &queue[i]
		s.afterCommand(cl, q.cmd.spec, q.args, q.start, q.dur, q.replyLen)
	}
	s.discardTransaction(cl)
}

// runQueued runs one queued command inside EXEC.
func (s *Server) runQueued(cl *Client, q *queuedCommand, w *resp.Writer, now time.Time, held keyspace.Mask) {
	q.start = time.Now()
	before := len(w.Buf)
	s.callHeld(cl, q.cmd, q.args, w, now, held)
	q.dur = time.Since(q.start)
	q.replyLen = len(w.Buf) - before
	cl.totCmds.Add(1)
}

// runAfterUnlock runs the queued statistics commands EXEC left for after
// it unlocked, and splices their replies in at their offsets in w.Buf.
func (s *Server) runAfterUnlock(cl *Client, queue []queuedCommand, w *resp.Writer, at []int, now time.Time) {
	var replies [][]byte
	for i := range queue {
		if q := &queue[i]; q.afterRun {
			tmp := resp.Writer{Proto: w.Proto}
			s.runQueued(cl, q, &tmp, now, 0)
			replies = append(replies, tmp.Buf)
		}
	}
	extra := 0
	for _, r := range replies {
		extra += len(r)
	}
	out := make([]byte, 0, len(w.Buf)+extra)
	prev := 0
	for i, off := range at {
		out = append(out, w.Buf[prev:off]...)
		out = append(out, replies[i]...)
		prev = off
	}
	w.Buf = append(out, w.Buf[prev:]...)
}

// queueCommand queues cmd (called by run for a client in MULTI) and
// replies +QUEUED. A transaction already doomed keeps nothing, as Valkey.
func (s *Server) queueCommand(c *Client, cmd *command, args [][]byte) {
	tx := &c.tx
	if tx.dirtyExec || tx.dirtyCAS.Load() {
		c.dropQueue()
		c.w.Simple("QUEUED")
		return
	}
	size := 0
	for _, a := range args {
		size += len(a)
	}
	buf := make([]byte, 0, size)
	own := make([][]byte, len(args))
	for i, a := range args {
		buf = append(buf, a...)
		own[i] = buf[len(buf)-len(a) : len(buf) : len(buf)]
	}
	mask, afterRun := execLocks(cmd.spec, own)
	tx.queue = append(tx.queue, queuedCommand{cmd: cmd, args: own, afterRun: afterRun})
	tx.mask |= mask
	tx.writes = tx.writes || isWrite(cmd.spec)
	tx.argvMem += int64(size) + 8*int64(len(args)) // Valkey: argv lengths + one pointer each
	c.publishMulti()
	if tx.dirtyCAS.Load() {
		c.dropQueue() // touched meanwhile: keep CLIENT LIST's multi= right
	}
	c.w.Simple("QUEUED")
}

// statsCommands read keyspace-wide figures taking shard locks themselves:
// inside EXEC they run after the transaction's locks are released.
var statsCommands = map[string]bool{
	"info": true, "memory|stats": true, "memory|doctor": true, "config|resetstat": true,
}

// execLocks returns the shards EXEC must hold to run a queued command:
// those of its keys; every shard for a keyless command that may touch the
// keyspace (only connection and pub/sub commands surely do not), or whose
// keys cannot all be found from its arguments. afterRun is set for the
// statistics commands EXEC runs after unlocking.
func execLocks(spec *cmdspec.Spec, args [][]byte) (mask keyspace.Mask, afterRun bool) {
	if statsCommands[spec.Name] {
		return 0, true
	}
	var kbuf [8]cmdspec.KeyPos
	keys, err := spec.KeyIndexes(args, kbuf[:0])
	if err != nil || keysIncomplete(spec) {
		return keyspace.AllShards, false
	}
	if len(keys) == 0 {
		const data = cmdspec.CatKeyspace | cmdspec.CatRead | cmdspec.CatWrite
		if spec.Categories&(cmdspec.CatConnection|cmdspec.CatPubsub) != 0 && spec.Categories&data == 0 {
			return 0, false
		}
		return keyspace.AllShards, false
	}
	for _, k := range keys {
		mask |= keyspace.MaskOf(args[k.Pos])
	}
	return mask, false
}

// inMulti reports whether cmd is to be queued rather than run: the client
// is in MULTI and cmd is not one that acts at once (EXEC, DISCARD, QUIT,
// RESET).
func (c *Client) inMulti(cmd *command) bool {
	if !c.tx.active {
		return false
	}
	switch cmd.spec.Name {
	case "exec", "discard", "quit", "reset":
		return false
	}
	return true
}

// refusedInMulti reports whether cmd, a command Valkey has but Petrel does
// not implement (SAVE, SYNC, ...), must be refused as a no-multi command
// rather than as unknown: inside MULTI, Valkey refuses it so before it
// could run, which is all a client can see.
func refusedInMulti(c *Client, cmd *command, args [][]byte) bool {
	return cmd != nil && c.tx.active && cmd.spec.Flags&cmdspec.FlagNoMulti != 0 && cmd.spec.CheckArity(len(args))
}

// pausedAsWrite reports whether cmd counts as a write for CLIENT PAUSE
// WRITE: a write command, or an EXEC whose queue holds one (Valkey
// combines the queued commands' flags).
func (c *Client) pausedAsWrite(cmd *command) bool {
	return isWrite(cmd.spec) || (c.tx.writes && cmd.spec.Name == "exec")
}

// rejectInMulti is reject's part for transactions (Valkey's rejectCommand):
// a rejection while queueing dooms the transaction, and a rejected EXEC
// discards it, replying EXECABORT with the reason. It returns the error
// text to reply.
func (s *Server) rejectInMulti(c *Client, cmd *command, msg string) string {
	if c.tx.active {
		c.tx.dirtyExec = true
		c.dropQueue()
	}
	if cmd != nil && cmd.spec.Name == "exec" {
		s.discardTransaction(c)
		return errs.ExecAbortBecause(msg).Error()
	}
	return msg
}

// discardTransaction ends the client's MULTI state and its WATCHes
// (DISCARD, EXEC, RESET).
func (s *Server) discardTransaction(c *Client) {
	tx := &c.tx
	c.dropQueue()
	tx.active = false
	tx.dirtyExec = false
	s.unwatchAll(c) // before clearing dirtyCAS: no toucher can set it afterwards
	tx.dirtyCAS.Store(false)
	c.SetFlag(ClientMulti|ClientDirtyCAS, false)
}

// endTransaction forgets a closing client's WATCHes.
func (s *Server) endTransaction(c *Client) { s.unwatchAll(c) }

// dropQueue forgets the queued commands.
func (c *Client) dropQueue() {
	tx := &c.tx
	if cap(tx.queue) > 64 {
		tx.queue = nil
	} else {
		clear(tx.queue)
		tx.queue = tx.queue[:0]
	}
	tx.mask, tx.writes, tx.argvMem = 0, false, 0
	if c.multiPlus1.Load() > 0 {
		c.publishMulti()
	}
}

// publishMulti shows the queue in CLIENT LIST (multi=, multi-mem=).
func (c *Client) publishMulti() {
	c.multiPlus1.Store(int32(len(c.tx.queue)) + 1)
	c.multiMem.Store(c.tx.argvMem)
}

// ---- WATCH ----

// rawExpired reports whether key exists in db, whatever its TTL says, and
// whether that TTL has passed at now (unix ms). The key's shard must be
// locked. A view at time 0 sees every key as live and deletes none.
func (s *Server) rawExpired(db int, key []byte, now int64) (exists, expired bool) {
	e, ok := s.ks.View(db, 0).Peek(key)
	if !ok {
		return false, false
	}
	exp := e.Expire()
	return true, exp != 0 && now > exp
}

// watchKey makes c watch key in the view's database. The key's shard is
// locked (WATCH's key argument).
func (s *Server) watchKey(c *Client, view keyspace.DB, key []byte) {
	tx := &c.tx
	tx.watchMu.Lock()
	defer tx.watchMu.Unlock()
	db := view.Index()
	for _, wk := range tx.watched {
		if wk.db == db && wk.key == string(key) {
			return
		}
	}
	_, expired := s.rawExpired(db, key, view.Now)
	wk := &watchedKey{c: c, db: db, key: string(key), part: keyspace.ShardOf(key), expired: expired, live: true}
	reg := &s.watches
	p := &reg.parts[wk.part]
	p.mu.Lock()
	if p.dbs == nil {
		p.dbs = map[int]map[string][]*watchedKey{}
	}
	keys := p.dbs[db]
	if keys == nil {
		keys = map[string][]*watchedKey{}
		p.dbs[db] = keys
	}
	list, found := keys[wk.key]
	keys[wk.key] = append(list, wk)
	if !found {
		reg.keys.Add(1)
	}
	p.mu.Unlock()
	if len(tx.watched) == 0 {
		reg.clients.Add(1)
	}
	tx.watched = append(tx.watched, wk)
	c.watch.Store(int32(len(tx.watched)))
}

// unwatchAll makes c watch nothing. Any goroutine may call it.
func (s *Server) unwatchAll(c *Client) {
	c.tx.watchMu.Lock()
	s.unwatchAllLocked(c)
	c.tx.watchMu.Unlock()
}

func (s *Server) unwatchAllLocked(c *Client) {
	tx := &c.tx
	if len(tx.watched) == 0 {
		return
	}
	reg := &s.watches
	for _, wk := range tx.watched {
		p := &reg.parts[wk.part]
		p.mu.Lock()
		keys := p.dbs[wk.db]
		list := keys[wk.key]
		if i := slices.Index(list, wk); i >= 0 {
			list = slices.Delete(list, i, i+1)
		}
		if len(list) == 0 {
			delete(keys, wk.key)
			reg.keys.Add(-1)
		} else {
			keys[wk.key] = list
		}
		p.mu.Unlock()
		wk.live = false
	}
	clear(tx.watched)
	tx.watched = tx.watched[:0]
	reg.clients.Add(-1)
	c.watch.Store(0)
}

// unwatchIfLive unwatches the client of wk if wk is still one of its
// WATCHes: a touch found it, and meanwhile the client may have ended its
// transaction and watched other keys, which must stay.
func (s *Server) unwatchIfLive(wk *watchedKey) {
	c := wk.c
	c.tx.watchMu.Lock()
	if wk.live {
		s.unwatchAllLocked(c)
	}
	c.tx.watchMu.Unlock()
}

// markDirty makes c's EXEC fail. The registry part of the touched key is
// locked, which orders it before the client's own unwatch.
func markDirty(c *Client) {
	c.tx.dirtyCAS.Store(true)
	c.SetFlag(ClientDirtyCAS, true)
	if c.multiPlus1.Load() > 1 { // the queue is dropped: show it (the owner drops it)
		c.multiPlus1.Store(1)
		c.multiMem.Store(0)
	}
}

// watchedMask is the shards of the keys c watches.
func (s *Server) watchedMask(c *Client) keyspace.Mask {
	var m keyspace.Mask
	c.tx.watchMu.Lock()
	for _, wk := range c.tx.watched {
		m |= 1 << uint(wk.part)
	}
	c.tx.watchMu.Unlock()
	return m
}

// watchedKeyExpired reports whether a key c watches has a TTL that passed
// at now, and had not when it was watched (Valkey's isWatchedKeyExpired).
// The watched keys' shards are locked.
func (s *Server) watchedKeyExpired(c *Client, now int64) bool {
	c.tx.watchMu.Lock()
	defer c.tx.watchMu.Unlock()
	for _, wk := range c.tx.watched {
		p := &s.watches.parts[wk.part]
		p.mu.Lock()
		wasExpired := wk.expired
		p.mu.Unlock()
		if wasExpired {
			continue
		}
		if _, expired := s.rawExpired(wk.db, []byte(wk.key), now); expired {
			return true
		}
	}
	return false
}

// touchWatched marks the clients WATCHing key in db as dirty (EXEC will
// fail) and unwatches them. It runs with the key's shard locked, for
// every change of the key (keyModified), expiry included.
func (s *Server) touchWatched(db int, key []byte) {
	reg := &s.watches
	if reg.keys.Load() == 0 {
		return
	}
	p := &reg.parts[keyspace.ShardOf(key)]
	var buf [4]*watchedKey
	victims := buf[:0]
	p.mu.Lock()
	for _, wk := range p.dbs[db][string(key)] {
		if wk.expired {
			// Watched after its TTL passed: its deletion (an expiry
			// reports the key before it is removed) changes nothing;
			// only a live value does.
			exists, expired := s.rawExpired(db, key, time.Now().UnixMilli())
			if !exists {
				wk.expired = false
			}
			if !exists || expired {
				continue
			}
		}
		markDirty(wk.c)
		victims = append(victims, wk)
	}
	p.mu.Unlock()
	for _, wk := range victims {
		s.unwatchIfLive(wk)
	}
}

// touchAllWatchedInDB is Valkey's touchAllWatchedKeysInDb: the watched
// keys of database emptied that exist there, or (SWAPDB, replacedWith >=
// 0) in replacedWith, are touched, except when an expired key stays
// expired or gone. Every shard is locked. Touched clients keep their
// WATCHes until their transaction ends, as in Valkey.
func (s *Server) touchAllWatchedInDB(emptied, replacedWith int, now int64) {
	reg := &s.watches
	for i := range reg.parts {
		p := &reg.parts[i]
		p.mu.Lock()
		for key, list := range p.dbs[emptied] {
			k := []byte(key)
			inEmptied, _ := s.rawExpired(emptied, k, now)
			inReplaced, replacedExpired := false, false
			if replacedWith >= 0 {
				inReplaced, replacedExpired = s.rawExpired(replacedWith, k, now)
			}
			if !inEmptied && !inReplaced {
				continue
			}
			for _, wk := range list {
				if wk.expired {
					if !inReplaced {
						wk.expired = false // the expired key is deleted: no change
						continue
					}
					if replacedExpired {
						continue // an expired key stays expired
					}
				} else if !inEmptied && replacedExpired {
					wk.expired = true // a missing key becomes an expired one
					continue
				}
				markDirty(wk.c)
			}
		}
		p.mu.Unlock()
	}
}

// FlushingDBs runs fn, the body of FLUSHDB, FLUSHALL or SWAPDB, with every
// shard locked and c.DB.Held set (the keyspace operations fn calls then
// take no locks), after touching the WATCHed keys the change affects:
// FLUSHDB of a (b < 0), FLUSHALL (a < 0), SWAPDB a b. Holding every shard
// across both steps leaves no moment for a WATCH to slip in between. A
// handler calls it in place of Unlocked.
func (c *Ctx) FlushingDBs(a, b int, fn func()) {
	s := c.Srv
	if !c.DB.Held {
		s.ks.Unlock(c.locked)
		s.ks.Lock(keyspace.AllShards)
		c.DB.Held = true
		defer func() {
			c.DB.Held = false
			s.ks.Unlock(keyspace.AllShards)
			s.ks.Lock(c.locked)
		}()
	}
	if s.watches.keys.Load() != 0 {
		now := c.Now.UnixMilli()
		switch {
		case a < 0:
			for db := 0; db < s.ks.NumDBs(); db++ {
				s.touchAllWatchedInDB(db, -1, now)
			}
		case b < 0:
			s.touchAllWatchedInDB(a, -1, now)
		default:
			s.touchAllWatchedInDB(a, b, now)
			s.touchAllWatchedInDB(b, a, now)
		}
	}
	fn()
}
