package keyspace

import (
	"bytes"
	"encoding/binary"

	"petrel/internal/kvtable"
)

// Inline collections. A small collection in a packed encoding (a list,
// hash, set or sorted set listpack, a set intset) is stored as its packed
// bytes inside its key's record, as strings are: no object slot, no heap
// object, nothing for the garbage collector. Command handlers still work
// on objects (Entry.Object), so the keyspace converts:
//
//	record (Meta.Inline, value = packed bytes)
//	   │  Entry.Object(): InlineCodec.Decode, listed in shard.mat
//	   ▼
//	object, shared by every lookup of the key until the shard unlocks
//	   │  Keyspace.Unlock (end of the command, of EXEC, of a served
//	   ▼  blocked client): writeBackLocked, InlineCodec.AppendPacked
//	record: same bytes: untouched; new bytes: rewritten in place (or
//	moved, as any value change); no longer packed (quicklist, hashtable,
//	skiplist, field TTLs): the object goes to the objects slice and the
//	record holds its index, as before inline storage.
//
// It works the other way too: an object-slot collection that a command
// looked up is checked at unlock, and one that is packed again (a list
// shrunk back to a listpack, a set back to an intset) returns inline.
// A key created by SetObject with a packed value is stored inline at once
// and listed in shard.mat, since its handler may go on changing it.
//
// shard.mat holds, per shard, the records whose object lives outside the
// record for the current lock holder: {table, Ref, object}. Every path
// that frees or moves a record keeps it right (releaseRecordLocked drops
// the entry, Entry.SetExpire follows the move, clearDBLocked and FlushAll
// drop a table's or all entries), so a listed Ref is always the live
// record of its key. SWAPDB swaps tables, not records: entries stay right.
//
// The write-back runs wherever shards are unlocked after commands ran on
// them: Keyspace.Unlock, and shard.unlock for the keyspace's own
// whole-database passes. A caller holding locks across several commands
// (EXEC, scripts: DB.Held) sees its objects stay listed until its final
// Unlock. The objects must not be used after the unlock that wrote them
// back: handlers never keep them beyond their command. The shard keeps the
// last object written back, per type, as its spare, and the next decode of
// that type recycles it and its buffer (InlineCodec.Decode's reuse), so
// that commands on small collections allocate nothing; a spare holds at
// most one value's buffer per type and shard.
//
// Which collections are inline is decided per type by the codec the
// server installs (SetInlineCodec): types without one (streams, modules)
// and keyspaces used without codecs keep every collection in the objects
// slice.

// InlineCodec converts the values of one collection type between the
// objects command handlers use and the packed bytes kept in records (in a
// form of the codec's choosing: the type packages drop what the record
// already knows, such as a listpack's total length).
// Implementations must be safe for concurrent use (one codec serves every
// shard).
type InlineCodec interface {
	// Decode returns an object holding packed bytes b of encoding enc, as
	// AppendPacked produced them. b aliases the record: the object must
	// copy what it keeps. reuse is nil or an object of this codec's that
	// nothing uses any more (one whose command is over): Decode may
	// recycle it and its buffer, so a command costs no allocation.
	Decode(enc uint8, b []byte, reuse any) any
	// AppendPacked appends o's packed bytes to dst and returns them with
	// o's encoding; ok is false, and nothing appended, when o cannot be
	// stored inline: it is not in a packed encoding, its elements carry
	// TTLs, or its packed form is longer than max bytes.
	AppendPacked(dst []byte, o any, max int) (b []byte, enc uint8, ok bool)
}

// numTypes bounds the type codes a record can carry (kvtable.Meta.Type).
const numTypes = 8

// inlineMaxBytes is the largest packed form kept inline. Beyond it the
// copies made on every access (decode, write-back) would cost more than
// the object's overhead saves: the saving per key is a constant ~100
// bytes, the copies grow with the value.
const inlineMaxBytes = 4 << 10

// SetInlineCodec installs the codec of collection type typ, so that its
// small values are stored inline. Call it while setting the keyspace up,
// before it is used (the codecs are read without locks).
func (ks *Keyspace) SetInlineCodec(typ uint8, c InlineCodec) {
	if int(typ) >= numTypes || typ == TypeString {
		panic("keyspace: no inline codec for this type")
	}
	ks.codecs[typ] = c
}

// matEntry is a record whose collection a lock holder has as an object.
// obj is the decoded object of an inline record, nil for an object-slot
// record (whose object is found through its index).
type matEntry struct {
	t   *kvtable.Table
	ref kvtable.Ref
	obj any
}

type matKey struct {
	t   *kvtable.Table
	ref kvtable.Ref
}

// matIndexFrom is the list length from which shard.matIdx indexes
// shard.mat (EXEC and scripts may touch many keys under one lock).
const matIndexFrom = 16

// matFind returns the position of record r of t in sh.mat, or -1.
func (sh *shard) matFind(t *kvtable.Table, r kvtable.Ref) int {
	if sh.matIdx != nil {
		if i, ok := sh.matIdx[matKey{t, r}]; ok {
			return i
		}
		return -1
	}
	for i := range sh.mat {
		if sh.mat[i].ref == r && sh.mat[i].t == t {
			return i
		}
	}
	return -1
}

func (sh *shard) matAdd(t *kvtable.Table, r kvtable.Ref, o any) {
	sh.mat = append(sh.mat, matEntry{t: t, ref: r, obj: o})
	switch {
	case sh.matIdx != nil:
		sh.matIdx[matKey{t, r}] = len(sh.mat) - 1
	case len(sh.mat) > matIndexFrom:
		sh.matIdx = make(map[matKey]int, 2*len(sh.mat))
		for i, me := range sh.mat {
			sh.matIdx[matKey{me.t, me.ref}] = i
		}
	}
}

// matDrop removes entry i (the last one takes its place).
func (sh *shard) matDrop(i int) {
	last := len(sh.mat) - 1
	if sh.matIdx != nil {
		delete(sh.matIdx, matKey{sh.mat[i].t, sh.mat[i].ref})
	}
	sh.mat[i] = sh.mat[last]
	sh.mat[last] = matEntry{}
	sh.mat = sh.mat[:last]
	if sh.matIdx != nil && i != last {
		sh.matIdx[matKey{sh.mat[i].t, sh.mat[i].ref}] = i
	}
}

// matForget drops the entry of record r of t, if listed: the record is
// about to be freed. Its object is not recycled: it may live on under
// another key (RENAME hands it over before deleting its source).
func (sh *shard) matForget(t *kvtable.Table, r kvtable.Ref) {
	if len(sh.mat) == 0 {
		return
	}
	if i := sh.matFind(t, r); i >= 0 {
		sh.matDrop(i)
	}
}

// matMoved follows a listed record that moved from old to nr.
func (sh *shard) matMoved(t *kvtable.Table, old, nr kvtable.Ref) {
	if len(sh.mat) == 0 || old == nr {
		return
	}
	if i := sh.matFind(t, old); i >= 0 {
		sh.mat[i].ref = nr
		if sh.matIdx != nil {
			delete(sh.matIdx, matKey{t, old})
			sh.matIdx[matKey{t, nr}] = i
		}
	}
}

// matForgetTable drops every entry of table t (it is being cleared).
func (sh *shard) matForgetTable(t *kvtable.Table) {
	for i := len(sh.mat) - 1; i >= 0; i-- {
		if sh.mat[i].t == t {
			sh.matDrop(i)
		}
	}
}

// matReset empties the list without writing anything back (the records
// are gone: FLUSHALL, Close).
func (sh *shard) matReset() {
	clear(sh.mat)
	sh.mat = sh.mat[:0]
	sh.matIdx = nil
}

// objectLocked returns the collection of record r of t (nil for a
// string): the object of its slot, or the object decoded from its inline
// bytes. Either is listed for the write-back when its type has a codec.
func (sh *shard) objectLocked(t *kvtable.Table, r kvtable.Ref) any {
	m, val := t.MetaValue(r)
	if m.Type == TypeString {
		return nil
	}
	c := sh.codecs[m.Type]
	if !m.Inline {
		o := sh.objects[objIndex(val)]
		if c != nil && sh.matFind(t, r) < 0 {
			sh.matAdd(t, r, nil)
		}
		return o
	}
	if i := sh.matFind(t, r); i >= 0 {
		return sh.mat[i].obj
	}
	o := c.Decode(m.Enc, val, sh.spare[m.Type])
	sh.spare[m.Type] = nil
	sh.matAdd(t, r, o)
	return o
}

// packLocked returns o's packed form (in sh.scratch, valid until the next
// call) if o may be stored inline.
func (sh *shard) packLocked(typ uint8, o any) ([]byte, uint8, bool) {
	c := sh.codecs[typ]
	if c == nil {
		return nil, 0, false
	}
	b, enc, ok := c.AppendPacked(sh.scratch[:0], o, inlineMaxBytes)
	sh.scratch = b[:0]
	if !ok {
		return nil, 0, false
	}
	return b, enc, true
}

// storeLocked stores a new value o of type typ under key (absent, or just
// released): as inline bytes when it is packed and small, else in an
// object slot. Either way it is listed for the write-back when its type
// has a codec, because its handler may still change it.
func (sh *shard) storeLocked(t *kvtable.Table, key []byte, typ, enc uint8, o any, clock uint32, expire int64) {
	if b, penc, ok := sh.packLocked(typ, o); ok {
		r := t.Set(key, b, kvtable.Meta{Type: typ, Enc: penc, LRU: clock, Inline: true}, expire)
		sh.matAdd(t, r, o)
		return
	}
	var idx [4]byte
	i := sh.putObject(o)
	binary.LittleEndian.PutUint32(idx[:], i)
	r := t.Set(key, idx[:], kvtable.Meta{Type: typ, Enc: enc, LRU: clock}, expire)
	sh.trackLocked(i, t, key, o)
	if sh.codecs[typ] != nil {
		sh.matAdd(t, r, nil)
	}
}

// writeBackLocked stores every listed object back into its record and
// empties the list. The shard is locked; it is about to be unlocked.
func (sh *shard) writeBackLocked() {
	for i := range sh.mat {
		sh.writeBack(&sh.mat[i])
	}
	sh.matReset()
	if cap(sh.scratch) > inlineMaxBytes {
		sh.scratch = nil // keep at most one small buffer per shard
	}
	if cap(sh.mat) > 4*matIndexFrom {
		sh.mat = nil
	}
}

func (sh *shard) writeBack(me *matEntry) {
	t, r := me.t, me.ref
	m, val := t.MetaValue(r)
	if !m.Inline {
		// An object-slot collection: back inline if it is packed again.
		idx := objIndex(val)
		b, enc, ok := sh.packLocked(m.Type, sh.objects[idx])
		if !ok {
			return
		}
		sh.freeObject(idx)
		m.Inline, m.Enc = true, enc
		t.SetValueMeta(r, b, m)
		return
	}
	if b, enc, ok := sh.packLocked(m.Type, me.obj); ok {
		switch {
		case enc != m.Enc:
			m.Enc = enc
			t.SetValueMeta(r, b, m)
		case len(b) != len(val):
			t.ResizeValue(r, b)
		case !bytes.Equal(val, b):
			copy(val, b) // same size: in place
		}
		// The object is done with: the next decode of its type recycles it
		// (its buffer is at most about twice inlineMaxBytes).
		sh.spare[m.Type] = me.obj
		return
	}
	// Converted (or grown past inlineMaxBytes): the object gets a slot.
	idx := sh.putObject(me.obj)
	var ib [4]byte
	binary.LittleEndian.PutUint32(ib[:], idx)
	m.Inline = false
	r = t.SetValueMeta(r, ib[:], m)
	sh.trackLocked(idx, t, t.Key(r), me.obj)
}

// unlock unlocks the shard after writing back what its holder decoded.
func (sh *shard) unlock() {
	if len(sh.mat) > 0 {
		sh.writeBackLocked()
	}
	sh.mu.Unlock()
}

// replaceInlineLocked makes o the object of the inline record r of t
// (Entry.ReplaceObject): it is what the write-back stores.
func (sh *shard) replaceInlineLocked(t *kvtable.Table, r kvtable.Ref, o any) {
	if i := sh.matFind(t, r); i >= 0 {
		sh.mat[i].obj = o
		return
	}
	sh.matAdd(t, r, o)
}

// Inline reports whether the entry is a collection stored as packed bytes
// in its record (for DEBUG and tests; handlers have no use for it).
func (e Entry) Inline() bool { return e.t.Meta(e.ref).Inline }
