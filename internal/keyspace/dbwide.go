package keyspace

import (
	"math"
	"math/rand/v2"
	"time"

	"petrel/internal/kvtable"
)

// These operations span databases or shards and take the shard locks
// themselves; callers must hold none, unless the view they pass says the
// caller already holds every shard (DB.Held: EXEC, scripts).

// lock and unlock take one shard's lock for a whole-keyspace operation,
// unless the caller holds them all.
func (v DB) lock(sh *shard) {
	if !v.Held {
		sh.mu.Lock()
	}
}

func (v DB) unlock(sh *shard) {
	if !v.Held {
		sh.unlock()
	}
}

func (v DB) lockAll() {
	if !v.Held {
		v.ks.Lock(AllShards)
	}
}

func (v DB) unlockAll() {
	if !v.Held {
		v.ks.Unlock(AllShards)
	}
}

// DBSize returns the number of keys in db (keys past their TTL but not yet
// reclaimed included, as Valkey counts them).
func (ks *Keyspace) DBSize(db int) int { return ks.Size(ks.View(db, 0)) }

// Size is DBSize of the view's database.
func (ks *Keyspace) Size(v DB) int {
	n := 0
	for _, sh := range ks.shards {
		v.lock(sh)
		n += sh.tables[v.idx].Len()
		v.unlock(sh)
	}
	return n
}

// KeyCounts returns keys and keys with a TTL in db, for INFO keyspace.
func (ks *Keyspace) KeyCounts(db int) (keys, expires int) {
	for _, sh := range ks.shards {
		sh.mu.Lock()
		keys += sh.tables[db].Len()
		expires += sh.tables[db].ExpiresLen()
		sh.mu.Unlock()
	}
	return
}

// FlushDB empties one database and returns the number of keys it held.
func (ks *Keyspace) FlushDB(v DB) int {
	v.lockAll()
	defer v.unlockAll()
	db := v.idx
	ks.signalGoneDB(db, -1) // blocked XREADGROUPs reply -NOGROUP (ready.go)
	n := 0
	for _, sh := range ks.shards {
		n += sh.tables[db].Len()
		sh.clearDBLocked(db)
	}
	return n
}

// FlushAll empties every database and returns the number of keys they
// held. With async the old memory is released by a background goroutine
// after the new, empty arenas are in place.
func (ks *Keyspace) FlushAll(v DB, async bool) int {
	v.lockAll()
	for db := 0; db < ks.numDBs; db++ {
		ks.signalGoneDB(db, -1) // blocked XREADGROUPs reply -NOGROUP (ready.go)
	}
	old := make([]*kvtable.Arena, 0, NumShards)
	n := 0
	for _, sh := range ks.shards {
		for _, t := range sh.tables {
			n += t.Len()
		}
		old = append(old, sh.arena)
		sh.arena = kvtable.NewArena()
		for d := range sh.tables {
			sh.tables[d] = kvtable.NewTable(sh.arena)
			sh.expCur[d] = 0
		}
		sh.objects, sh.freeObj = nil, nil
		sh.volatile = nil
		sh.matReset() // decoded inline values of a holder (EXEC) are gone too
	}
	v.unlockAll()
	release := func() {
		for _, a := range old {
			a.Release()
		}
	}
	if async {
		go release()
	} else {
		release()
	}
	return n
}

func (sh *shard) clearDBLocked(db int) {
	t := sh.tables[db]
	if t.Len() == 0 {
		return
	}
	var cur uint64
	var objs []uint32
	for {
		cur = t.Scan(cur, func(r kvtable.Ref) {
			if m := t.Meta(r); m.Type != TypeString && !m.Inline {
				objs = append(objs, objIndex(t.Value(r)))
			}
		})
		if cur == 0 {
			break
		}
	}
	for _, i := range objs {
		sh.freeObject(i)
	}
	sh.matForgetTable(t)
	t.Clear()
	sh.expCur[db] = 0
}

// SwapDB swaps the contents of two databases atomically.
func (ks *Keyspace) SwapDB(v DB, a, b int) {
	v.lockAll()
	defer v.unlockAll()
	ks.signalGoneDB(a, b) // blocked XREADGROUPs whose stream goes (ready.go)
	ks.signalGoneDB(b, a)
	for _, sh := range ks.shards {
		sh.tables[a], sh.tables[b] = sh.tables[b], sh.tables[a]
		sh.expCur[a], sh.expCur[b] = sh.expCur[b], sh.expCur[a]
	}
}

// KeyFilter decides whether a key is returned by Keys and Scan.
type KeyFilter func(key []byte, typ uint8) bool

// Keys returns copies of every live key of the view's database that the
// filter accepts.
func (ks *Keyspace) Keys(v DB, filter KeyFilter) [][]byte {
	db, now, showExpired := v.idx, v.Now, v.expiredPolicy(false) == expiredIgnore
	var out [][]byte
	for _, sh := range ks.shards {
		v.lock(sh)
		t := sh.tables[db]
		var cur uint64
		for t.Len() > 0 {
			cur = t.Scan(cur, func(r kvtable.Ref) {
				if exp := t.Expire(r); exp != 0 && now > exp && !showExpired {
					return
				}
				k := t.Key(r)
				if filter == nil || filter(k, t.Meta(r).Type) {
					out = append(out, append([]byte(nil), k...))
				}
			})
			if cur == 0 {
				break
			}
		}
		v.unlock(sh)
	}
	return out
}

// Scan cursors carry the shard in their low bits and the shard table's
// own reverse-binary cursor above them, so one SCAN walks shard 0 to the
// end, then shard 1, and so on; each shard keeps its table's guarantee that
// a key present for the whole scan is returned at least once.
const shardBits = 6

// Scan runs one SCAN step over db from cursor, visiting tables until about
// count keys were seen (or 10*count buckets were visited), and returns the
// accepted keys (copies) and the next cursor (0 when done). As in Valkey,
// a key the filter accepts but whose TTL has passed is deleted (and
// reported through OnExpire) instead of returned (import mode: see
// importmode.go).
func (ks *Keyspace) Scan(v DB, cursor uint64, count int, filter KeyFilter) ([][]byte, uint64) {
	db, now, policy := v.idx, v.Now, v.expiredPolicy(false)
	var out [][]byte
	var victims []kvtable.Ref
	si := int(cursor & (NumShards - 1))
	tc := cursor >> shardBits
	seen := 0
	steps := count * 10
	if count > math.MaxInt/10 {
		steps = math.MaxInt // Valkey's unsigned count*10 does not wrap to a small number either
	}
	for si < NumShards {
		sh := ks.shards[si]
		v.lock(sh)
		t := sh.tables[db]
		for t.Len() > 0 {
			tc = t.Scan(tc, func(r kvtable.Ref) {
				seen++
				k := t.Key(r)
				if filter != nil && !filter(k, t.Meta(r).Type) {
					return
				}
				if exp := t.Expire(r); exp != 0 && now > exp && policy != expiredIgnore {
					if policy == expiredDelete {
						victims = append(victims, r)
					}
					return
				}
				out = append(out, append([]byte(nil), k...))
			})
			if len(victims) > 0 {
				for _, r := range victims {
					v.expireLocked(sh, t, r)
				}
				victims = victims[:0]
			}
			steps--
			if tc == 0 || seen >= count || steps <= 0 {
				break
			}
		}
		if t.Len() == 0 {
			tc = 0
		}
		v.unlock(sh)
		if tc == 0 {
			si++
		}
		if seen >= count || steps <= 0 {
			break
		}
	}
	if si >= NumShards {
		return out, 0
	}
	return out, tc<<shardBits | uint64(si)
}

// RandomKey returns a copy of a random live key of the view's database,
// or nil if empty. In import mode an expired key is only skipped (and
// after 100 tries returned anyway, as Valkey does when every key is
// volatile), or returned at once to the import source.
func (ks *Keyspace) RandomKey(v DB) []byte {
	db, now, policy := v.idx, v.Now, v.expiredPolicy(false)
	for attempt := 0; attempt < 100; attempt++ {
		total := ks.Size(v)
		if total == 0 {
			return nil
		}
		// Pick a shard weighted by its size, then a key in it.
		pick := rand.IntN(total)
		for _, sh := range ks.shards {
			v.lock(sh)
			t := sh.tables[db]
			if pick >= t.Len() {
				pick -= t.Len()
				v.unlock(sh)
				continue
			}
			r, ok := t.RandomRef(rand.Uint64())
			if !ok {
				v.unlock(sh)
				break
			}
			if exp := t.Expire(r); exp != 0 && now > exp && (policy == expiredDelete || policy == expiredKeep && attempt < 99) {
				if policy == expiredDelete {
					v.expireLocked(sh, t, r)
				}
				v.unlock(sh)
				break
			}
			k := append([]byte(nil), t.Key(r)...)
			v.unlock(sh)
			return k
		}
	}
	return nil
}

// ActiveExpireCycle reclaims expired keys, as Valkey's adaptive cycle:
// each shard and database is sampled from its scan cursor; while more than
// a tenth of the sampled keys with a TTL had expired, sampling goes on,
// within the time budget. It returns the number of keys reclaimed.
func (ks *Keyspace) ActiveExpireCycle(now int64, budget time.Duration, effort int) int {
	deadline := time.Now().Add(budget)
	perLoop := 20 + 5*(effort-1) // keys with TTL sampled per loop (Valkey: 20 at effort 1)
	acceptable := 10 - (effort - 1)
	reclaimed := 0
	var victims []kvtable.Ref
	for db := 0; db < ks.numDBs; db++ {
		for _, sh := range ks.shards {
			sh.mu.Lock()
			t := sh.tables[db]
			if db == 0 && len(sh.volatile) > 0 {
				// Element deadlines, for every database of the shard.
				reclaimed += ks.expireFieldsLocked(sh, now, deadline)
			}
			for t.ExpiresLen() > 0 {
				sampled, visited := 0, 0
				victims = victims[:0]
				cur := sh.expCur[db]
				for sampled < perLoop && visited < perLoop*20 {
					cur = t.Scan(cur, func(r kvtable.Ref) {
						visited++
						if exp := t.Expire(r); exp != 0 {
							sampled++
							if now > exp {
								victims = append(victims, r)
							}
						}
					})
					if cur == 0 {
						break
					}
				}
				sh.expCur[db] = cur
				v := DB{ks: ks, idx: db, Now: now}
				for i := len(victims) - 1; i >= 0; i-- {
					v.expireLocked(sh, t, victims[i])
				}
				reclaimed += len(victims)
				if sampled == 0 || len(victims)*100/sampled <= acceptable || time.Now().After(deadline) {
					break
				}
			}
			sh.mu.Unlock()
			if time.Now().After(deadline) {
				return reclaimed
			}
		}
	}
	return reclaimed
}

// Cron does background upkeep for up to d: incremental rehashing of
// tables that are resizing, and giving back the arena chunks that emptied
// size classes keep (kvtable.Arena.Trim).
func (ks *Keyspace) Cron(d time.Duration) {
	deadline := time.Now().Add(d)
	for _, sh := range ks.shards {
		sh.mu.Lock()
		for _, t := range sh.tables {
			for t.RehashStep(100) && time.Now().Before(deadline) {
			}
		}
		sh.arena.Trim()
		sh.mu.Unlock()
	}
}
