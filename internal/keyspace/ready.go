package keyspace

import (
	"sync"
	"sync/atomic"

	"petrel/internal/kvtable"
)

// Blocking waiters and ready keys: the keyspace half of blocking commands
// (BLPOP, BLMOVE, BZPOPMIN, XREAD BLOCK, ...). The server owns the
// blocked clients and serves them (server/blocking.go); the keyspace keeps
// who waits for which key, and which keys writes have made ready.
//
//	blockState (per keyspace)
//	 ├─ queues[shard][db]   key -> waitQueue: waiters in blocking order
//	 │                      guarded by that shard's mutex
//	 └─ ready               keys signalled since they were last served,
//	                        in signal order; guarded by readyMu
//
// A blocking command that finds its keys empty registers a Waiter with
// DB.Block while the dispatcher holds its keys' shard locks; a write that
// gives a key a value calls DB.SignalReady under the same lock. So a push
// either happens before the registration (the command sees the value and
// does not block) or after it (the signal finds the waiter): no wakeup is
// lost. SignalReady costs one atomic load when nobody waits anywhere.
//
// The queue of a key keeps a "ready" flag so that a key is listed once
// however many pushes it gets before it is served; Waiters clears it, as
// Valkey removes a key from db->ready_keys before serving it, so pushes
// made while serving list it again.
//
// A NoKey waiter (XREADGROUP) is also served when its key goes: deleting
// or overwriting a record of a blocking type signals it from
// releaseRecordLocked, and FLUSHDB, FLUSHALL and SWAPDB signal the keys
// they take away (Valkey's signalDeletedKeyAsReady and
// scanDatabaseForDeletedKeys). Other waiters are not told of deletions.
//
// Lock order: shard mutexes (ascending), then readyMu. readyMu is never
// held while taking a shard lock.
//
// The state lives beside the keyspace (a weak map from the Keyspace)
// rather than in it, and is created on the first Block.

// Waiter is a blocked command registered on keys. Owner is the server's
// state for it; the keyspace only keeps it in order. NoKey (set before
// Block) asks to be served also when a key it waits for is deleted or
// overwritten (XREADGROUP, which must then reply -NOGROUP or WRONGTYPE:
// Valkey's unblock_on_nokey).
type Waiter struct {
	Owner any
	NoKey bool
	db    int
	links []waitLink
	mask  Mask
}

// waitLink is a waiter's place in one key's queue.
type waitLink struct {
	w          *Waiter
	q          *waitQueue
	prev, next *waitLink
}

type waitQueue struct {
	key        string
	head, tail *waitLink
	n          int
	nokey      int  // waiters with NoKey
	ready      bool // listed in blockState.ready and not yet served
}

// ReadyKey is a key that got a value while clients waited for it.
type ReadyKey struct {
	DB  int
	Key string
}

type blockState struct {
	queues [NumShards][]map[string]*waitQueue // [shard][db]; guarded by the shard mutex
	keys   atomic.Int64                       // keys with a queue (INFO total_blocking_keys)

	readyMu  sync.Mutex
	ready    []ReadyKey // guarded by readyMu
	hasReady atomic.Bool

	waiting atomic.Int64 // waiter registrations: SignalReady's fast path

	nokeyKeys    atomic.Int64 // keys with NoKey waiters (INFO total_blocking_keys_on_nokey)
	nokeyWaiting atomic.Int64 // NoKey registrations: signalGone's fast path
}

func newBlockState(numDBs int) *blockState {
	bs := &blockState{}
	for i := range bs.queues {
		bs.queues[i] = make([]map[string]*waitQueue, numDBs)
	}
	return bs
}

// Block registers w as waiting for each of keys in db (each key once, in
// order, behind the waiters already there). The shards of keys must be
// locked, and w must not be registered already.
func (db DB) Block(w *Waiter, keys [][]byte) {
	bs := db.ks.blk
	w.db = db.idx
	w.mask = 0
	if cap(w.links) < len(keys) {
		w.links = make([]waitLink, 0, len(keys))
	}
	w.links = w.links[:0]
	for _, key := range keys {
		if w.waitsFor(key) {
			continue
		}
		sh := ShardOf(key)
		m := bs.queues[sh][db.idx]
		if m == nil {
			m = map[string]*waitQueue{}
			bs.queues[sh][db.idx] = m
		}
		q := m[string(key)]
		if q == nil {
			q = &waitQueue{key: string(key)}
			m[q.key] = q
			bs.keys.Add(1)
		}
		w.links = append(w.links, waitLink{w: w, q: q})
		w.mask |= 1 << uint(sh)
	}
	// Link after the slice stopped growing: the links' addresses are final.
	for i := range w.links {
		l := &w.links[i]
		q := l.q
		l.prev = q.tail
		if q.tail != nil {
			q.tail.next = l
		} else {
			q.head = l
		}
		q.tail = l
		q.n++
		if w.NoKey {
			if q.nokey++; q.nokey == 1 {
				bs.nokeyKeys.Add(1)
			}
		}
	}
	bs.waiting.Add(int64(len(w.links)))
	if w.NoKey {
		bs.nokeyWaiting.Add(int64(len(w.links)))
	}
}

func (w *Waiter) waitsFor(key []byte) bool {
	for i := range w.links {
		if w.links[i].q.key == string(key) {
			return true
		}
	}
	return false
}

// Mask is the set of shards of the keys w waits for: lock it to Unblock.
func (w *Waiter) Mask() Mask { return w.mask }

// DB is the database w waits in.
func (w *Waiter) DB() int { return w.db }

// Registered reports whether w waits for any key.
func (w *Waiter) Registered() bool { return len(w.links) > 0 }

// Unblock removes w from every key it waits for. The shards of w.Mask()
// must be locked.
func (ks *Keyspace) Unblock(w *Waiter) {
	if len(w.links) == 0 {
		return
	}
	bs := ks.blk
	for i := range w.links {
		l := &w.links[i]
		q := l.q
		if l.prev != nil {
			l.prev.next = l.next
		} else {
			q.head = l.next
		}
		if l.next != nil {
			l.next.prev = l.prev
		} else {
			q.tail = l.prev
		}
		if w.NoKey {
			if q.nokey--; q.nokey == 0 {
				bs.nokeyKeys.Add(-1)
			}
		}
		if q.n--; q.n == 0 {
			delete(bs.queues[ShardOf([]byte(q.key))][w.db], q.key)
			bs.keys.Add(-1)
		}
		*l = waitLink{}
	}
	bs.waiting.Add(-int64(len(w.links)))
	if w.NoKey {
		bs.nokeyWaiting.Add(-int64(len(w.links)))
	}
	w.links = w.links[:0]
	w.mask = 0
}

// SignalReady notes that key got a value (a push, a new key of a type
// clients block on): if clients wait for it, it is listed for the server
// to serve once the writing command has released its locks. The key's
// shard must be locked. Cheap when nobody waits.
func (db DB) SignalReady(key []byte) {
	bs := db.ks.blk
	if bs.waiting.Load() == 0 {
		return
	}
	m := bs.queues[ShardOf(key)][db.idx]
	if m == nil {
		return
	}
	q := m[string(key)]
	if q == nil || q.ready {
		return
	}
	bs.listReady(db.idx, q)
}

// listReady lists q's key as ready. The key's shard must be locked.
func (bs *blockState) listReady(db int, q *waitQueue) {
	q.ready = true
	bs.readyMu.Lock()
	bs.ready = append(bs.ready, ReadyKey{DB: db, Key: q.key})
	bs.hasReady.Store(true)
	bs.readyMu.Unlock()
}

// blocksOn reports whether clients can block on values of type typ (the
// types whose deletion can concern a NoKey waiter).
func blocksOn(typ uint8) bool { return typ == TypeList || typ == TypeZSet || typ == TypeStream }

// signalGone is Valkey's signalDeletedKeyAsReady: key, of type typ, was
// deleted or overwritten in db; NoKey waiters on it are served. The key's
// shard must be locked. Cheap when no NoKey waiter exists.
func (bs *blockState) signalGone(db int, key []byte, typ uint8) {
	if bs.nokeyWaiting.Load() == 0 || !blocksOn(typ) {
		return
	}
	q := bs.queues[ShardOf(key)][db][string(key)]
	if q == nil || q.nokey == 0 || q.ready {
		return
	}
	bs.listReady(db, q)
}

// recordGoneLocked is signalGone for a record of t about to be deleted or
// overwritten (releaseRecordLocked): t's database is found among the
// shard's tables.
func (sh *shard) recordGoneLocked(t *kvtable.Table, r kvtable.Ref, typ uint8) {
	bs := sh.blk
	if bs == nil || bs.nokeyWaiting.Load() == 0 || !blocksOn(typ) {
		return
	}
	for db, tt := range sh.tables {
		if tt == t {
			bs.signalGone(db, t.Key(r), typ)
			return
		}
	}
}

// signalGoneDB signals the NoKey waiters of db whose key exists there with
// a blocking type and is about to go (FLUSHDB, FLUSHALL), or, with other
// set, whose key will not hold a value of the same type once the two
// databases are swapped (SWAPDB), as Valkey's scanDatabaseForDeletedKeys.
// Every shard must be locked.
func (ks *Keyspace) signalGoneDB(db int, other int) {
	bs := ks.blk
	if bs.nokeyWaiting.Load() == 0 {
		return
	}
	for shi, sh := range ks.shards {
		for key, q := range bs.queues[shi][db] {
			if q.nokey == 0 || q.ready {
				continue
			}
			r, ok := sh.tables[db].Find([]byte(key))
			if !ok {
				continue
			}
			typ := sh.tables[db].Meta(r).Type
			if other >= 0 {
				if r2, ok := sh.tables[other].Find([]byte(key)); ok && sh.tables[other].Meta(r2).Type == typ {
					continue
				}
			}
			bs.signalGone(db, []byte(key), typ)
		}
	}
}

// SignalReadyExisting signals every key of db that clients wait for and
// that exists now, as after SWAPDB or FLUSH... made other keys visible. It
// takes the shard locks itself: the caller must hold none.
func (ks *Keyspace) SignalReadyExisting(view DB) {
	bs := ks.blk
	if bs.waiting.Load() == 0 {
		return
	}
	view.KeepExpired = true // an expired key is not ready, and stays until accessed
	for sh := range bs.queues {
		view.lock(ks.shards[sh])
		for key := range bs.queues[sh][view.idx] {
			if view.Exists([]byte(key)) {
				view.SignalReady([]byte(key))
			}
		}
		view.unlock(ks.shards[sh])
	}
}

// HasReady reports whether keys are waiting to be served.
func (ks *Keyspace) HasReady() bool { return ks.blk.hasReady.Load() }

// TakeReady moves the keys signalled so far to dst, in signal order.
func (ks *Keyspace) TakeReady(dst []ReadyKey) []ReadyKey {
	bs := ks.blk
	if bs == nil {
		return dst
	}
	bs.readyMu.Lock()
	dst = append(dst, bs.ready...)
	clear(bs.ready)
	bs.ready = bs.ready[:0]
	bs.hasReady.Store(false)
	bs.readyMu.Unlock()
	return dst
}

// Waiters appends to dst the waiters of key in db, in blocking order, and
// clears the key's ready mark (signals from now on list it again). The
// key's shard must be locked.
func (ks *Keyspace) Waiters(db int, key string, dst []*Waiter) []*Waiter {
	bs := ks.blk
	if bs == nil {
		return dst
	}
	q := bs.queues[ShardOf([]byte(key))][db][key]
	if q == nil {
		return dst
	}
	q.ready = false
	for l := q.head; l != nil; l = l.next {
		dst = append(dst, l.w)
	}
	return dst
}

// BlockingKeysOnNoKey is the number of keys NoKey waiters wait for (INFO
// total_blocking_keys_on_nokey).
func (ks *Keyspace) BlockingKeysOnNoKey() int64 {
	if bs := ks.blk; bs != nil {
		return bs.nokeyKeys.Load()
	}
	return 0
}

// BlockingKeys is the number of keys clients wait for (INFO
// total_blocking_keys).
func (ks *Keyspace) BlockingKeys() int64 {
	if bs := ks.blk; bs != nil {
		return bs.keys.Load()
	}
	return 0
}
