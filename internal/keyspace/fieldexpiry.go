package keyspace

import (
	"time"

	"petrel/internal/kvtable"
)

// Element expiry (Valkey 9's hash field expiration). A collection whose
// elements carry deadlines of their own implements FieldExpirer. Each shard
// remembers which of its objects have such deadlines (volatile, by object
// index, with the key and table they belong to), the way Valkey keeps its
// keys_with_volatile_items index, so the active expiry cycle visits only
// those keys:
//
//	shard.volatile  map[object index] -> {table, key}
//
// The index is kept by the keyspace itself: SetObject and ReplaceObject
// register an object that reports element deadlines, releasing an object
// (DEL, overwrite, expiry of the key, FLUSH*) drops it, and handlers that
// change a collection in place call Entry.SyncFieldExpiry afterwards.
// Records keep their table across SWAPDB (the tables are swapped, not the
// records), so the table pointer stays right; the database number is found
// from it when needed.

// FieldExpirer is implemented by collection values whose elements may
// carry their own deadlines.
type FieldExpirer interface {
	// HasFieldExpiry reports whether some element has a deadline.
	HasFieldExpiry() bool
	// ReclaimExpiredFields removes up to max elements whose deadline is
	// before now (unix ms) and returns how many it removed and how many
	// elements are left.
	ReclaimExpiredFields(now int64, max int) (reclaimed, left int)
}

// FieldNamer is a FieldExpirer that can also name the elements it
// reclaims, which the active cycle needs only to propagate them (as HDEL).
type FieldNamer interface {
	// ReclaimExpiredFieldsNamed is ReclaimExpiredFields calling fn with
	// each element removed (fn must copy it).
	ReclaimExpiredFieldsNamed(now int64, max int, fn func(field []byte)) (reclaimed, left int)
}

// FieldsExpiredSink propagates the elements the active cycle reclaims
// (Keyspace.FieldsExpiredSink): called with the key's shard locked, before
// OnFieldsExpired, only while Propagating reports true (the names are
// collected only then).
type FieldsExpiredSink interface {
	Propagating() bool
	FieldsExpired(db int, key []byte, fields [][]byte, keyDeleted bool)
}

type volatileKey struct {
	t   *kvtable.Table
	key string
}

// fieldsPerKey bounds the elements reclaimed from one key per visit, so a
// huge hash whose fields all expired at once does not stall its shard.
const fieldsPerKey = 1024

// trackLocked registers or drops object idx, stored under key in t,
// according to whether it has element deadlines.
func (sh *shard) trackLocked(idx uint32, t *kvtable.Table, key []byte, o any) {
	fe, ok := o.(FieldExpirer)
	if ok && fe.HasFieldExpiry() {
		if sh.volatile == nil {
			sh.volatile = map[uint32]volatileKey{}
		}
		if vk, ok := sh.volatile[idx]; !ok || vk.t != t || vk.key != string(key) {
			sh.volatile[idx] = volatileKey{t: t, key: string(key)}
		}
		return
	}
	if sh.volatile != nil {
		delete(sh.volatile, idx)
	}
}

// SyncFieldExpiry updates the active expiry cycle's index after a change
// to the entry's collection: it is visited while some element has a
// deadline. Handlers that add or remove element deadlines in place call it.
func (e Entry) SyncFieldExpiry() {
	if m := e.t.Meta(e.ref); m.Type == TypeString || m.Inline {
		return // an inline value has none; the write-back tracks one that got some
	}
	idx := objIndex(e.t.Value(e.ref))
	e.sh.trackLocked(idx, e.t, e.t.Key(e.ref), e.sh.objects[idx])
}

// KeysWithVolatileItems is the number of keys of db whose values have
// element deadlines (INFO keyspace's keys_with_volatile_items).
func (ks *Keyspace) KeysWithVolatileItems(db int) int {
	n := 0
	for _, sh := range ks.shards {
		sh.mu.Lock()
		t := sh.tables[db]
		for _, vk := range sh.volatile {
			if vk.t == t {
				n++
			}
		}
		sh.mu.Unlock()
	}
	return n
}

// expireFieldsLocked is the element part of the active expiry cycle for
// one shard: every tracked key whose elements are due loses up to
// fieldsPerKey of them; a key left empty is deleted. It returns the number
// of elements reclaimed, stopping at deadline.
func (ks *Keyspace) expireFieldsLocked(sh *shard, now int64, deadline time.Time) int {
	total := 0
	visited := 0
	sink := ks.FieldsExpiredSink
	var names namedFields // reused across keys: one arena per call
	for idx, vk := range sh.volatile {
		fe, ok := sh.objects[idx].(FieldExpirer)
		if !ok || !fe.HasFieldExpiry() {
			delete(sh.volatile, idx)
			continue
		}
		var n, left int
		namer, canName := fe.(FieldNamer)
		naming := canName && sink != nil && sink.Propagating()
		if naming {
			names.reset()
			n, left = namer.ReclaimExpiredFieldsNamed(now, fieldsPerKey, names.add)
		} else {
			n, left = fe.ReclaimExpiredFields(now, fieldsPerKey)
		}
		if n > 0 {
			total += n
			ks.Stats.ExpiredFields.Add(int64(n))
			deleted := false
			if left == 0 {
				if r, ok := vk.t.Find([]byte(vk.key)); ok {
					sh.releaseRecordLocked(vk.t, r)
					vk.t.DeleteRef(r)
					deleted = true
				}
			} else if !fe.HasFieldExpiry() {
				delete(sh.volatile, idx)
			}
			if naming {
				sink.FieldsExpired(sh.dbOf(vk.t), []byte(vk.key), names.list(), deleted)
			}
			if ks.OnFieldsExpired != nil {
				ks.OnFieldsExpired(sh.dbOf(vk.t), []byte(vk.key), n, deleted)
			}
		}
		if visited++; visited&15 == 0 && time.Now().After(deadline) {
			break
		}
	}
	return total
}

// dbOf is the database index of one of the shard's tables.
func (sh *shard) dbOf(t *kvtable.Table) int {
	for i, x := range sh.tables {
		if x == t {
			return i
		}
	}
	return -1
}

// namedFields collects the names of reclaimed elements in one arena.
type namedFields struct {
	arena []byte
	ends  []int
	out   [][]byte
}

func (nf *namedFields) reset() { nf.arena, nf.ends = nf.arena[:0], nf.ends[:0] }

func (nf *namedFields) add(f []byte) {
	nf.arena = append(nf.arena, f...)
	nf.ends = append(nf.ends, len(nf.arena))
}

// list returns the names collected since reset (valid until the next reset).
func (nf *namedFields) list() [][]byte {
	nf.out = nf.out[:0]
	start := 0
	for _, end := range nf.ends {
		nf.out = append(nf.out, nf.arena[start:end:end])
		start = end
	}
	return nf.out
}
