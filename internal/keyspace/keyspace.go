package keyspace

import (
	"encoding/binary"
	"math/bits"
	"sync"
	"sync/atomic"

	"petrel/internal/kvtable"
)

// NumShards is the number of shards per keyspace. A power of two no larger
// than 64, so that a set of shards fits a uint64 mask.
const NumShards = 64

// Mask is a set of shards, bit i for shard i.
type Mask uint64

// AllShards is the mask of every shard.
const AllShards = Mask(1<<NumShards - 1)

// ShardOf returns the shard index of key.
func ShardOf(key []byte) int { return Slot(key) & (NumShards - 1) }

// Stats are keyspace counters shown by INFO stats.
type Stats struct {
	Hits, Misses, ExpiredKeys, ExpiredStalePerc, EvictedKeys atomic.Int64
	ExpireCycleCPUMicros                                     atomic.Int64
	// ExpiredFields counts collection elements reclaimed because their
	// own deadline passed (INFO expired_fields; see fieldexpiry.go).
	ExpiredFields atomic.Int64
}

// Keyspace is every database of one server.
type Keyspace struct {
	shards [NumShards]*shard
	blk    *blockState // waiters of blocking commands (ready.go)
	numDBs int
	Stats  Stats

	// lfu holds the LFU settings while the eviction policy is an LFU one
	// (nil: the access clock is an LRU stamp); see lfu.go and SetLFU.
	lfu atomic.Pointer[lfuParams]

	// importMode is import-mode (importmode.go).
	importMode atomic.Bool

	// OnExpire is called, with the key's shard locked, for each key deleted
	// because its TTL passed (lazily or by the active cycle): the server
	// uses it for the "expired" keyspace event and for propagation as DEL.
	OnExpire func(db int, key []byte)

	// ExpiredSink propagates the expiry deletions of views that have no
	// sink of their own (the active cycle's). May be nil.
	ExpiredSink ExpiredSink

	// OnFieldsExpired is called, with the key's shard locked, after the
	// active expiry cycle reclaimed n elements of key whose own deadlines
	// passed (Valkey's "hexpired" event and HDEL propagation), with
	// keyDeleted when that left the collection empty and the key was
	// deleted ("del"). May be nil.
	OnFieldsExpired func(db int, key []byte, n int, keyDeleted bool)

	// FieldsExpiredSink propagates those reclaimed elements by name
	// (fieldexpiry.go). May be nil.
	FieldsExpiredSink FieldsExpiredSink

	// OnKeyMiss and OnNewKey are called, with the key's shard locked, when
	// a read lookup finds no key and when a key is created, while the
	// flags given to SetKeyEventFlags enable them (events.go).
	OnKeyMiss, OnNewKey func(db int, key []byte)
	keyEvents           atomic.Pointer[keyEventFlags]

	// codecs are the inline codecs per collection type (inline.go).
	codecs [numTypes]InlineCodec
}

// shard is one lock's worth of the keyspace.
type shard struct {
	mu sync.Mutex
	// Guarded by mu:
	arena   *kvtable.Arena
	tables  []*kvtable.Table // per database
	objects []any            // collection values; records hold an index
	freeObj []uint32         // free indexes in objects
	expCur  []uint64         // active expiry scan cursor per database
	// volatile indexes the objects with element deadlines (fieldexpiry.go).
	volatile map[uint32]volatileKey
	// Inline collections (inline.go): the records decoded for the lock
	// holder, an index of them when many, and a buffer for packed forms.
	mat     []matEntry
	matIdx  map[matKey]int
	scratch []byte
	spare   [numTypes]any          // a decoded object per type to recycle
	codecs  *[numTypes]InlineCodec // the keyspace's, read-only
	blk     *blockState            // the keyspace's: deleted keys signal NoKey waiters (ready.go)
}

// New returns a keyspace with n databases.
func New(n int) *Keyspace {
	ks := &Keyspace{numDBs: n, blk: newBlockState(n)}
	for i := range ks.shards {
		a := kvtable.NewArena()
		sh := &shard{arena: a, tables: make([]*kvtable.Table, n), expCur: make([]uint64, n), codecs: &ks.codecs, blk: ks.blk}
		for d := range sh.tables {
			sh.tables[d] = kvtable.NewTable(a)
		}
		ks.shards[i] = sh
	}
	return ks
}

// Close releases the memory of every shard. The keyspace must not be used
// afterwards.
func (ks *Keyspace) Close() {
	for _, sh := range ks.shards {
		sh.mu.Lock()
		sh.arena.Release()
		sh.objects = nil
		sh.matReset()
		sh.mu.Unlock()
	}
}

// NumDBs is the number of databases.
func (ks *Keyspace) NumDBs() int { return ks.numDBs }

// MaskOf returns the shard mask of a key.
func MaskOf(key []byte) Mask { return 1 << uint(ShardOf(key)) }

// Lock locks the shards of m in ascending order.
func (ks *Keyspace) Lock(m Mask) {
	for m != 0 {
		i := bits.TrailingZeros64(uint64(m))
		ks.shards[i].mu.Lock()
		m &= m - 1
	}
}

// Unlock unlocks the shards of m, first storing back into their records
// the inline collections the holder used as objects (inline.go).
func (ks *Keyspace) Unlock(m Mask) {
	for m != 0 {
		i := bits.TrailingZeros64(uint64(m))
		ks.shards[i].unlock()
		m &= m - 1
	}
}

// UsedMemory is the bytes the keyspace holds in memory for its records
// (keys, strings, small collections) and tables: the arena pages in use,
// not the untouched tails of their mappings (kvtable.Arena.Resident). It
// is the figure behind used_memory's dataset.
func (ks *Keyspace) UsedMemory() int64 {
	var n int64
	for _, sh := range ks.shards {
		sh.mu.Lock()
		n += sh.arena.Resident()
		sh.mu.Unlock()
	}
	return n
}

// object slots: a record of a collection type carries a 4-byte index into
// its shard's objects slice.

func (sh *shard) putObject(o any) uint32 {
	if n := len(sh.freeObj); n > 0 {
		i := sh.freeObj[n-1]
		sh.freeObj = sh.freeObj[:n-1]
		sh.objects[i] = o
		return i
	}
	sh.objects = append(sh.objects, o)
	return uint32(len(sh.objects) - 1)
}

func (sh *shard) freeObject(i uint32) {
	sh.objects[i] = nil
	if sh.volatile != nil {
		delete(sh.volatile, i)
	}
	sh.freeObj = append(sh.freeObj, i)
}

func objIndex(payload []byte) uint32 { return binary.LittleEndian.Uint32(payload) }

// releaseRecordLocked frees the object a record points to, if any, before
// the record is deleted or overwritten, and forgets a decoded inline one.
func (sh *shard) releaseRecordLocked(t *kvtable.Table, r kvtable.Ref) {
	if m := t.Meta(r); m.Type != TypeString {
		sh.matForget(t, r)
		sh.recordGoneLocked(t, r, m.Type) // XREADGROUP waiters (ready.go)
		if !m.Inline {
			sh.freeObject(objIndex(t.Value(r)))
		}
	}
}
