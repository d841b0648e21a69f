package server

import (
	"time"

	"petrel/internal/cmdspec"
	"petrel/internal/errs"
	"petrel/internal/keyspace"
	"petrel/internal/resp"
)

// Handler runs one command. It reads c.Args, works on c.DB (whose key
// shards the dispatcher has locked) and appends exactly one reply to c.W.
type Handler func(c *Ctx)

// Ctx is everything a handler may use for one command.
type Ctx struct {
	Srv    *Server
	Client *Client
	Args   [][]byte
	W      *resp.Writer
	DB     keyspace.DB
	Spec   *cmdspec.Spec
	Now    time.Time // the one clock reading of this command

	locked keyspace.Mask // shards the dispatcher locked for this command
	held   keyspace.Mask // shards a caller (EXEC, a script) already holds

	dirty int64   // changes counted by Modified: the command is propagated if any
	prop  ctxProp // propagation choices (propagate.go)
}

// Error writes err as an error reply.
func (c *Ctx) Error(err error) { c.W.Error(errs.Text(err)) }

// Modified is called by every write handler after a successful change of
// key: it counts the change for persistence (dirty) and is the one place
// where WATCH invalidation, client-side caching, keyspace events and
// propagation hook in.
func (c *Ctx) Modified(key []byte, event string) {
	c.dirty++
	c.Srv.dirty.Add(1)
	c.Srv.keyModified(c.Client, c.DB.Index(), key)
	c.Srv.notifyKeyspace(c.DB.Index(), key, event)
}

// Notify emits a keyspace event for key without counting another change:
// for a command whose one change of key Valkey reports with two events
// (SET ... EX: "set" then "expire"; ZREM emptying the key: "zrem" then
// "del"), Modified reports the first and Notify each further one.
func (c *Ctx) Notify(key []byte, event string) {
	c.Srv.notifyKeyspace(c.DB.Index(), key, event)
}

// Flushed is called by the whole-database writes (FLUSHDB, FLUSHALL,
// SWAPDB) after they changed the databases dbs (none: all of them), as
// Valkey's signalFlushedDb: every tracking client is told to forget all
// its cached keys.
func (c *Ctx) Flushed(dbs ...int) { c.Srv.dbFlushed(c.Client, dbs) }

// ModifiedN counts n changes without a specific key event (FLUSHALL...).
func (c *Ctx) ModifiedN(n int64) {
	c.dirty += n
	c.Srv.dirty.Add(n)
}

// Unlocked runs fn with the command's shard locks released, for keyless
// handlers that call whole-keyspace operations taking their own locks.
// Handlers whose command has keys must not call it.
//
// Inside EXEC or a script the caller holds every shard (c.DB.Held): fn
// runs with them held and the keyspace operations take no locks.
func (c *Ctx) Unlocked(fn func()) {
	if c.DB.Held {
		fn()
		return
	}
	c.Srv.ks.Unlock(c.locked)
	defer c.Srv.ks.Lock(c.locked)
	fn()
}
