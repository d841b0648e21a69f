package kvtable

import (
	"bytes"
	"hash/maphash"
	"time"
	"unsafe"
)

const (
	minBuckets = 4 // smallest non-empty bucket array, as Valkey's dict
	// Shrink when fewer than 1/shrinkFill of the buckets would be used.
	shrinkFill = 8
	// Each mutating call moves this many non-empty buckets of an ongoing
	// resize, visiting at most emptyVisits empty buckets per bucket moved.
	stepBuckets = 2
	emptyVisits = 10
)

// bucketArray is one power-of-two array of chain heads, itself allocated
// from the Arena (ref) and viewed as []uint32 (b).
type bucketArray struct {
	b   []uint32
	ref Ref
}

func (ba *bucketArray) mask() uint32 { return uint32(len(ba.b) - 1) }

// Table is a chained hash table of records stored in an Arena. See the
// package documentation for the layout and the rules.
type Table struct {
	a *Arena
	// ht[0] is the main bucket array. While resizing, ht[1] is the new one
	// and buckets [0, rehashIdx) of ht[0] have been moved to it (they are
	// empty). A record whose hash selects a bucket below rehashIdx in ht[0]
	// lives in ht[1]; every other record lives in ht[0]. So a key is always
	// in exactly one chain, determined by its hash.
	ht        [2]bucketArray
	rehashIdx int // -1 when not resizing
	n         int // records
	nexp      int // records with an expire field
}

// NewTable returns an empty table whose records live in a. An empty table
// holds no memory.
func NewTable(a *Arena) *Table { return &Table{a: a, rehashIdx: -1} }

// Len returns the number of records.
func (t *Table) Len() int { return t.n }

// ExpiresLen returns the number of records carrying an expire.
func (t *Table) ExpiresLen() int { return t.nexp }

// Buckets returns the number of buckets in both arrays.
func (t *Table) Buckets() int { return len(t.ht[0].b) + len(t.ht[1].b) }

// Rehashing reports whether a resize is in progress.
func (t *Table) Rehashing() bool { return t.rehashIdx >= 0 }

func (t *Table) hash(key []byte) uint32 { return uint32(maphash.Bytes(t.a.seed, key)) }

// head returns the chain head cell for hash h. The table must have buckets.
func (t *Table) head(h uint32) *uint32 {
	b := t.ht[0].b
	i := h & uint32(len(b)-1)
	if int(i) < t.rehashIdx {
		b = t.ht[1].b
		i = h & uint32(len(b)-1)
	}
	return &b[i]
}

// nextCell returns the record's next field as a link cell.
func nextCell(rec []byte) *uint32 { return (*uint32)(unsafe.Pointer(unsafe.SliceData(rec))) }

// find returns the record for key and the cell linking to it, or 0, nil.
func (t *Table) find(key []byte, h uint32) (Ref, *uint32) {
	if t.n == 0 {
		return 0, nil
	}
	cell := t.head(h)
	for r := Ref(*cell); r != 0; r = Ref(*cell) {
		rec := t.a.Slice(r)
		if recHash(rec) == h && keyEqual(rec, key) {
			return r, cell
		}
		cell = nextCell(rec)
	}
	return 0, nil
}

func keyEqual(rec, key []byte) bool {
	l := parse(rec)
	return l.klen == len(key) && bytes.Equal(rec[l.keyOff:l.keyOff+l.klen], key)
}

// cellOf returns the cell linking to record r, which must be in the table.
func (t *Table) cellOf(r Ref) *uint32 {
	cell := t.head(recHash(t.a.Slice(r)))
	for x := Ref(*cell); x != r; x = Ref(*cell) {
		if x == 0 {
			panic("kvtable: Ref is not in the table")
		}
		cell = nextCell(t.a.Slice(x))
	}
	return cell
}

// Find returns the record holding key. It never changes the table, so it is
// safe where only reads are allowed (a Scan callback, a read-locked path).
func (t *Table) Find(key []byte) (Ref, bool) {
	r, _ := t.find(key, t.hash(key))
	return r, r != 0
}

// Key returns the key of r. It aliases the Arena: do not write to it, and do
// not use it after r is deleted or relocated.
func (t *Table) Key(r Ref) []byte {
	rec := t.a.Slice(r)
	l := parse(rec)
	return rec[l.keyOff:l.valOff():l.valOff()]
}

// Value returns the value (payload) of r. It aliases the Arena and may be
// written in place; it is valid until r is deleted or relocated.
func (t *Table) Value(r Ref) []byte {
	rec := t.a.Slice(r)
	l := parse(rec)
	return rec[l.valOff():l.end():l.end()]
}

// MetaValue returns the metadata and the value of r (as Meta and Value,
// reading the record once).
func (t *Table) MetaValue(r Ref) (Meta, []byte) {
	rec := t.a.Slice(r)
	l := parse(rec)
	return unpackMeta(ne.Uint32(rec[offMeta:])), rec[l.valOff():l.end():l.end()]
}

// Meta returns the metadata of r.
func (t *Table) Meta(r Ref) Meta { return unpackMeta(ne.Uint32(t.a.Slice(r)[offMeta:])) }

// SetMeta replaces the metadata of r in place; r never moves.
func (t *Table) SetMeta(r Ref, m Meta) { ne.PutUint32(t.a.Slice(r)[offMeta:], packMeta(m)) }

// Expire returns the absolute expire time of r in unix milliseconds, or 0.
func (t *Table) Expire(r Ref) int64 {
	rec := t.a.Slice(r)
	return recExpire(rec, parse(rec))
}

// MemoryUsage returns the bytes r takes: its allocation plus a bucket's
// 4 bytes (about one bucket per record). A fixed share, not the table's
// buckets over its records: a key's figure must not change with how many
// other keys share its table (Valkey's does not either).
func (t *Table) MemoryUsage(r Ref) int {
	return t.a.Cap(r) + 4
}

// Set inserts key or overwrites its record, giving it value, m and expire
// (0 = no expire). It returns the record's Ref. key and value may alias any
// record of the Arena, including the one being overwritten.
func (t *Table) Set(key, value []byte, m Meta, expire int64) Ref {
	t.step()
	h := t.hash(key)
	if r, cell := t.find(key, h); r != 0 {
		return t.rewrite(r, cell, value, len(value), packMeta(m), true, expire, sizeExact)
	}
	return t.insert(key, value, m, expire, h)
}

// Insert adds a record for key, which must not be in the table (the caller
// has just looked it up with Find): it saves the lookup Set does. Inserting
// a present key leaves two records for it, a bug the invariant checks catch.
func (t *Table) Insert(key, value []byte, m Meta, expire int64) Ref {
	t.step()
	return t.insert(key, value, m, expire, t.hash(key))
}

func (t *Table) insert(key, value []byte, m Meta, expire int64, h uint32) Ref {
	pm := packMeta(m) // panics on a bad Meta before anything changes
	t.growIfNeeded()
	exp := expire != 0
	r, rec := t.a.Alloc(recordSize(len(key), len(value), exp))
	// Write the record before linking it: key and value may alias bytes the
	// allocation did not touch, and must be read before anything moves.
	ne.PutUint32(rec[offHash:], h)
	ne.PutUint32(rec[offMeta:], pm)
	p := putLengths(rec, len(key), len(value), expire)
	p += copy(rec[p:], key)
	copy(rec[p:], value)
	cell := t.head(h)
	setRecNext(rec, Ref(*cell))
	*cell = uint32(r)
	t.n++
	if exp {
		t.nexp++
	}
	return r
}

// SetValue replaces the value of r, keeping its key, meta and expire. It
// rewrites the record in place when the new size belongs to the same size
// class, and otherwise moves it; it returns the record's (possibly new) Ref.
// value may alias Value(r).
func (t *Table) SetValue(r Ref, value []byte) Ref {
	return t.rewrite(r, nil, value, len(value), 0, false, t.Expire(r), sizeExact)
}

// ResizeValue is SetValue for values that change size a few bytes at a
// time (the keyspace's inline collections): the record stays in place
// while the new value fits and fills at least half of it, and one that
// must move gets an eighth more room than it needs, so that a growing
// value moves every few changes rather than at every size class.
func (t *Table) ResizeValue(r Ref, value []byte) Ref {
	return t.rewrite(r, nil, value, len(value), 0, false, t.Expire(r), sizeResize)
}

// SetValueMeta is SetValue that also replaces the metadata, in the same
// rewrite.
func (t *Table) SetValueMeta(r Ref, value []byte, m Meta) Ref {
	return t.rewrite(r, nil, value, len(value), packMeta(m), true, t.Expire(r), sizeExact)
}

// GrowValue resizes the value of r to n bytes, keeping its first
// min(n, old length) bytes and zeroing the rest, and returns the record's
// (possibly new) Ref and its writable value. A record keeps its slack, so a
// growing APPEND or SETRANGE moves it only when it outgrows its capacity.
func (t *Table) GrowValue(r Ref, n int) (Ref, []byte) {
	if n < 0 {
		panic("kvtable: negative value length")
	}
	rec := t.a.Slice(r)
	l := parse(rec)
	old := rec[l.valOff() : l.valOff()+min(n, l.vlen)]
	r = t.rewrite(r, nil, old, n, 0, false, recExpire(rec, l), sizeGrow)
	return r, t.Value(r)
}

// SetExpire sets the absolute expire time of r (0 removes it) and returns
// the record's (possibly new) Ref: adding or removing the expire field
// changes the record's size.
func (t *Table) SetExpire(r Ref, expire int64) Ref {
	rec := t.a.Slice(r)
	l := parse(rec)
	if l.exp && expire != 0 {
		ne.PutUint64(rec[l.keyOff-8:], uint64(expire))
		return r
	}
	if !l.exp && expire == 0 {
		return r
	}
	return t.rewrite(r, nil, rec[l.valOff():l.end()], l.vlen, 0, false, expire, sizeExact)
}

// sizing is how rewrite sizes a record whose value changes length.
type sizing uint8

const (
	sizeExact  sizing = iota // the size class of the new size (SetValue, SetExpire)
	sizeGrow                 // GrowValue: keep slack; past 16 KiB, a quarter more
	sizeResize               // ResizeValue: keep slack; moving, an eighth more
)

// rewrite gives record r a value of vlen bytes starting with src (the rest
// zeroed), the expire time expire, and, if setMeta, the packed meta. cell is
// the link to r, or nil to look it up. policy chooses between staying in
// place and moving, and the size of a new record. It returns r or the Ref
// the record moved to.
func (t *Table) rewrite(r Ref, cell *uint32, src []byte, vlen int, meta uint32, setMeta bool, expire int64, policy sizing) Ref {
	rec := t.a.Slice(r)
	l := parse(rec)
	exp := expire != 0
	need := recordSize(l.klen, vlen, exp)
	if fitsInPlace(r, len(rec), need, policy != sizeExact) {
		keyOff := headerSize(l.klen, vlen, exp)
		// Move key and value to their new offsets in an order that never
		// overwrites bytes still to be read (src may alias the old value).
		if keyOff > l.keyOff {
			copy(rec[keyOff+l.klen:], src)
			copy(rec[keyOff:], rec[l.keyOff:l.valOff()])
		} else {
			copy(rec[keyOff:], rec[l.keyOff:l.valOff()])
			copy(rec[keyOff+l.klen:], src)
		}
		clear(rec[keyOff+l.klen+len(src) : keyOff+l.klen+vlen])
		putLengths(rec, l.klen, vlen, expire)
		if setMeta {
			ne.PutUint32(rec[offMeta:], meta)
		}
		t.nexp += b2i(exp) - b2i(l.exp)
		return r
	}
	size := need
	switch {
	case policy == sizeGrow && need > maxClassSize:
		size += need / 4 // geometric growth for big APPEND loops
	case policy == sizeResize:
		size += need / 8
	}
	nr, nrec := t.a.Alloc(size)
	copy(nrec[:fixedHeader], rec[:fixedHeader])
	if setMeta {
		ne.PutUint32(nrec[offMeta:], meta)
	}
	p := putLengths(nrec, l.klen, vlen, expire)
	p += copy(nrec[p:], rec[l.keyOff:l.valOff()])
	p += copy(nrec[p:], src)
	clear(nrec[p : p+vlen-len(src)])
	if cell == nil {
		cell = t.cellOf(r)
	}
	*cell = uint32(nr)
	t.a.Free(r)
	t.nexp += b2i(exp) - b2i(l.exp)
	return nr
}

// fitsInPlace decides whether a record of capacity cap can hold need bytes
// without moving. Normally only when need is in the record's own size class
// (so a shrinking value frees memory); for GrowValue whenever need fits and
// fills at least half the capacity.
func fitsInPlace(r Ref, cap, need int, grow bool) bool {
	switch {
	case need > cap:
		return false
	case grow || r.class() == largeClass:
		return 2*need >= cap || cap <= 2*minClassSize
	default:
		return classFor(need) == r.class()
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Delete removes key and reports whether it was present.
func (t *Table) Delete(key []byte) bool {
	t.step()
	r, cell := t.find(key, t.hash(key))
	if r == 0 {
		return false
	}
	t.unlink(r, cell)
	return true
}

// DeleteRef removes record r, found earlier. Refs of other records stay
// valid.
func (t *Table) DeleteRef(r Ref) {
	t.step()
	t.unlink(r, t.cellOf(r))
}

func (t *Table) unlink(r Ref, cell *uint32) {
	rec := t.a.Slice(r)
	*cell = uint32(recNext(rec))
	if parse(rec).exp {
		t.nexp--
	}
	t.a.Free(r)
	t.n--
	t.shrinkIfNeeded()
}

// Clear deletes every record and frees the bucket arrays. It takes time
// proportional to the table; the Table is empty and usable afterwards.
func (t *Table) Clear() {
	for i := range t.ht {
		for _, head := range t.ht[i].b {
			for r := Ref(head); r != 0; {
				next := recNext(t.a.Slice(r))
				t.a.Free(r)
				r = next
			}
		}
		t.freeBuckets(i)
	}
	t.rehashIdx, t.n, t.nexp = -1, 0, 0
}

// allocBuckets returns a zeroed bucket array of n (a power of two) heads.
func (t *Table) allocBuckets(n int) bucketArray {
	ref, b := t.a.Alloc(4 * n)
	if n*4 <= maxClassSize {
		clear(b[:4*n]) // reused slot; dedicated mappings are fresh zero pages
	}
	return bucketArray{b: unsafe.Slice((*uint32)(unsafe.Pointer(unsafe.SliceData(b))), n), ref: ref}
}

func (t *Table) freeBuckets(i int) {
	if t.ht[i].b != nil {
		t.a.Free(t.ht[i].ref)
	}
	t.ht[i] = bucketArray{}
}

func (t *Table) growIfNeeded() {
	switch {
	case t.rehashIdx >= 0:
	case len(t.ht[0].b) == 0:
		t.ht[0] = t.allocBuckets(minBuckets)
	case t.n >= len(t.ht[0].b):
		t.resize(2 * len(t.ht[0].b))
	}
}

func (t *Table) shrinkIfNeeded() {
	if t.rehashIdx < 0 && t.n == 0 && t.ht[0].b != nil {
		// An empty table holds no memory, as a new one (Valkey's
		// hashtable also shrinks to no buckets when emptied).
		t.freeBuckets(0)
		return
	}
	if t.rehashIdx < 0 && len(t.ht[0].b) > minBuckets && t.n*shrinkFill < len(t.ht[0].b) {
		size := minBuckets
		for size < t.n {
			size *= 2
		}
		t.resize(size)
	}
}

// resize starts moving to a bucket array of n heads.
func (t *Table) resize(n int) {
	t.ht[1] = t.allocBuckets(n)
	t.rehashIdx = 0
}

// step is the bounded rehash work done by every mutating call.
func (t *Table) step() {
	if t.rehashIdx >= 0 {
		t.RehashStep(stepBuckets)
	}
}

// RehashStep moves up to n non-empty buckets of an ongoing resize (visiting
// at most 10n empty ones) and reports whether the resize is still going on.
// With no resize going on it starts a shrink the table needs (as Valkey's
// cron does with tryResizeHashTables). Records never move in memory, so
// every Ref stays valid.
func (t *Table) RehashStep(n int) bool {
	if t.rehashIdx < 0 {
		t.shrinkIfNeeded()
		if t.rehashIdx < 0 {
			return false
		}
	}
	old, nw := t.ht[0].b, t.ht[1].b
	m1 := uint32(len(nw) - 1)
	empty := n * emptyVisits
	for n > 0 && t.rehashIdx < len(old) {
		r := Ref(old[t.rehashIdx])
		if r == 0 {
			t.rehashIdx++
			if empty--; empty == 0 {
				break
			}
			continue
		}
		for r != 0 {
			rec := t.a.Slice(r)
			next := recNext(rec)
			i := recHash(rec) & m1
			setRecNext(rec, Ref(nw[i]))
			nw[i] = uint32(r)
			r = next
		}
		old[t.rehashIdx] = 0
		t.rehashIdx++
		n--
	}
	if t.rehashIdx < len(old) {
		return true
	}
	t.freeBuckets(0)
	t.ht[0], t.ht[1] = t.ht[1], bucketArray{}
	t.rehashIdx = -1
	// Deletes during a shrink may have left the new array too sparse too.
	t.shrinkIfNeeded()
	return t.rehashIdx >= 0
}

// RehashFor moves buckets of an ongoing resize for about d (checking the
// clock every 100 buckets) and reports whether the resize is still going on.
// It is meant for the server's cron, like Valkey's dictRehashMicroseconds.
func (t *Table) RehashFor(d time.Duration) bool {
	start := time.Now()
	for t.RehashStep(100) {
		if time.Since(start) >= d {
			return true
		}
	}
	return false
}
