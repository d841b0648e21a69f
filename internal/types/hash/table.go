package hash

import (
	"encoding/binary"
	"hash/maphash"
	"math/bits"
)

// The table form (OBJECT ENCODING "hashtable"): a chained hash table whose
// records live back to back in one byte slice, addressed by offsets, so a
// hash of a million fields is three slices for the garbage collector, not
// a million pointers.
//
//	buckets []uint32   bucket i -> offset+1 of its first record (0: empty)
//	data    []byte     records, appended; unlinked ones are garbage
//
//	record at offset o:
//	+--------+----------------------+- - - - - - - - - - - -+-------+------+-------+
//	| next   | uvarint flen<<1|ttl  | expiry i64 | heap u32 | field | vlen | value |
//	| u32    |                      |  (only when ttl bit)   |       | uvar |       |
//	+--------+----------------------+- - - - - - - - - - - -+-------+------+-------+
//
// next is the offset+1 of the next record in the bucket's chain. A field
// without a TTL costs its strings, two or more length bytes and four bytes
// of link, plus its share of the bucket array (4 to 8 bytes at the load
// factors kept here). Only fields with a TTL carry the 12 extra bytes: the
// absolute expiry in unix ms and the record's position in the expiry heap.
//
// Updates rewrite a value of the same length in place; otherwise the record
// is re-appended and the old one becomes garbage. Garbage is compacted away
// once it outweighs the live records. The bucket array doubles when the
// table holds more records than buckets and halves below an eighth, all at
// once (hashes are rarely large enough for that to be a pause worth the
// incremental machinery of the keyspace's tables).
//
// Field TTLs: a min-heap ordered by expiry (vol, nil while no field has a
// TTL) lets the active expiry cycle find expired fields in O(log n) each.
// An expired field stays in the table until reclaimed (by the cycle or by a
// write that overwrites it) but no lookup, iteration or scan returns it,
// and it still counts in the table's length, exactly as Valkey 9 behaves.
//
// Alternatives rejected: a Go map[string]string costs two string headers
// and two heap objects per field and gives the GC two pointers per field
// to scan; open addressing over offsets cannot keep SCAN's guarantee (every
// field present for the whole scan is returned) across resizes without
// Valkey's bucket chaining, which the chains here provide.

// recHeader is the size of a record's link.
const recHeader = 4

// ttlMeta is the size of a record's TTL data (expiry and heap position).
const ttlMeta = 12

// maxTableBytes bounds a table's record data: offsets are 32 bits.
const maxTableBytes = 1<<32 - 2

var seed = maphash.MakeSeed()

func hashOf(b []byte) uint64 { return maphash.Bytes(seed, b) }

type table struct {
	buckets []uint32
	data    []byte
	count   int // records present, expired ones not yet reclaimed included
	garbage int // bytes of unlinked records in data
	// maxChain bounds the length of every bucket chain (exact after a
	// resize, an upper bound after removals); randomRecord needs it to
	// pick records uniformly.
	maxChain int
	vol      *volHeap
}

// volHeap is the expiry heap: parallel slices, entry i is the record at
// offset off[i] expiring at when[i].
type volHeap struct {
	when []int64
	off  []uint32
}

// rec is a parsed record.
type rec struct {
	off        int
	ttl        bool
	fieldStart int
	fieldEnd   int
	valStart   int // first byte of the value (after its length)
	end        int
}

func (t *table) parse(off int) rec {
	r := rec{off: off}
	h, w := binary.Uvarint(t.data[off+recHeader:])
	p := off + recHeader + w
	r.ttl = h&1 != 0
	if r.ttl {
		p += ttlMeta
	}
	r.fieldStart = p
	r.fieldEnd = p + int(h>>1)
	vl, vw := binary.Uvarint(t.data[r.fieldEnd:])
	r.valStart = r.fieldEnd + vw
	r.end = r.valStart + int(vl)
	return r
}

func (t *table) field(r rec) []byte { return t.data[r.fieldStart:r.fieldEnd:r.fieldEnd] }
func (t *table) value(r rec) []byte { return t.data[r.valStart:r.end:r.end] }

func (t *table) next(off int) int { return int(binary.LittleEndian.Uint32(t.data[off:])) - 1 }

func (t *table) setNext(off, next int) {
	binary.LittleEndian.PutUint32(t.data[off:], uint32(next+1))
}

// expiry returns a record's expiry, 0 for none.
func (t *table) expiry(r rec) int64 {
	if !r.ttl {
		return 0
	}
	return int64(binary.LittleEndian.Uint64(t.data[r.fieldStart-ttlMeta:]))
}

func (t *table) heapPos(r rec) int {
	return int(binary.LittleEndian.Uint32(t.data[r.fieldStart-ttlMeta+8:]))
}

func (t *table) setHeapPos(off, i int) {
	r := t.parse(off)
	binary.LittleEndian.PutUint32(t.data[r.fieldStart-ttlMeta+8:], uint32(i))
}

func expired(exp, now int64) bool { return exp != 0 && now > exp }

func newTable(hint int) *table {
	n := 4
	for n < hint {
		n <<= 1
	}
	return &table{buckets: make([]uint32, n)}
}

func (t *table) bucketOf(h uint64) int { return int(h & uint64(len(t.buckets)-1)) }

// A link is where the reference to a record is kept: a bucket (encoded as
// -(bucket+1)) or the next field of the previous record in the chain.
type link int

func (t *table) setLink(l link, off int) {
	if l < 0 {
		t.buckets[-l-1] = uint32(off + 1)
	} else {
		t.setNext(int(l), off)
	}
}

// find returns the record of field and the link to it, whether or not its
// TTL has passed.
func (t *table) find(field []byte) (rec, link, bool) {
	b := t.bucketOf(hashOf(field))
	l := link(-b - 1)
	for off := int(t.buckets[b]) - 1; off >= 0; off = t.next(off) {
		r := t.parse(off)
		if r.fieldEnd-r.fieldStart == len(field) && string(t.data[r.fieldStart:r.fieldEnd]) == string(field) {
			return r, l, true
		}
		l = link(off)
	}
	return rec{}, 0, false
}

// lookup returns the record of a field whose TTL has not passed.
func (t *table) lookup(field []byte, now int64) (rec, link, bool) {
	r, l, ok := t.find(field)
	if ok && r.ttl && expired(t.expiry(r), now) {
		return rec{}, 0, false
	}
	return r, l, ok
}

func recordSize(flen, vlen int, ttl bool) int {
	n := recHeader + uvarintLen(flen<<1|1) + flen + uvarintLen(vlen) + vlen
	if ttl {
		n += ttlMeta
	}
	return n
}

// appendRecord writes a record at the end of data and returns its offset.
// field and value may alias data (a relocated record's own bytes).
func (t *table) appendRecord(next int, field, value []byte, exp int64, heapPos int) int {
	size := recordSize(len(field), len(value), exp != 0)
	off := len(t.data)
	if need := off + size; need > cap(t.data) {
		nd := make([]byte, off, need+need/8)
		copy(nd, t.data)
		// field and value may point into the old array: it stays valid.
		t.data = nd
	}
	d := binary.LittleEndian.AppendUint32(t.data, uint32(next+1))
	h := uint64(len(field)) << 1
	if exp != 0 {
		h |= 1
	}
	d = binary.AppendUvarint(d, h)
	if exp != 0 {
		d = binary.LittleEndian.AppendUint64(d, uint64(exp))
		d = binary.LittleEndian.AppendUint32(d, uint32(heapPos))
	}
	d = append(d, field...)
	d = binary.AppendUvarint(d, uint64(len(value)))
	d = append(d, value...)
	t.data = d
	return off
}

// insert adds a new field, known to be absent.
func (t *table) insert(field, value []byte, exp int64) {
	b := t.bucketOf(hashOf(field))
	off := t.appendRecord(int(t.buckets[b])-1, field, value, exp, 0)
	t.buckets[b] = uint32(off + 1)
	t.count++
	t.maxChain = max(t.maxChain, t.chainLen(b))
	if exp != 0 {
		t.volPush(exp, off)
	}
	if t.count > len(t.buckets) {
		t.resize(len(t.buckets) * 2)
	}
}

// update replaces the value and expiry of the record r reached through l.
func (t *table) update(r rec, l link, value []byte, exp int64) {
	if r.ttl == (exp != 0) && r.end-r.valStart == len(value) {
		copy(t.data[r.valStart:r.end], value)
		if r.ttl {
			old := t.expiry(r)
			binary.LittleEndian.PutUint64(t.data[r.fieldStart-ttlMeta:], uint64(exp))
			t.volFix(t.heapPos(r), old, exp)
		}
		return
	}
	pos := 0
	if r.ttl {
		pos = t.heapPos(r)
	}
	off := t.appendRecord(t.next(r.off), t.field(r), value, exp, pos)
	t.setLink(l, off)
	t.garbage += r.end - r.off
	switch {
	case r.ttl && exp != 0:
		t.vol.off[pos] = uint32(off)
		t.volFix(pos, t.vol.when[pos], exp)
	case r.ttl:
		t.volRemove(pos)
	case exp != 0:
		t.volPush(exp, off)
	}
	t.maybeCompact()
}

// remove unlinks the record r reached through l.
func (t *table) remove(r rec, l link) {
	t.setLink(l, t.next(r.off))
	if r.ttl {
		t.volRemove(t.heapPos(r))
	}
	t.count--
	t.garbage += r.end - r.off
	if t.count == 0 {
		t.data = t.data[:0]
		t.garbage = 0
	}
	if len(t.buckets) > 4 && t.count < len(t.buckets)/8 {
		t.resize(len(t.buckets) / 2)
	}
	t.maybeCompact()
}

// resize rebuilds the bucket array with n buckets (a power of two).
func (t *table) resize(n int) {
	n = max(n, 4)
	old := t.buckets
	t.buckets = make([]uint32, n)
	t.maxChain = 0
	for _, head := range old {
		for off := int(head) - 1; off >= 0; {
			next := t.next(off)
			r := t.parse(off)
			b := t.bucketOf(hashOf(t.field(r)))
			t.setNext(off, int(t.buckets[b])-1)
			t.buckets[b] = uint32(off + 1)
			off = next
		}
	}
	for b := range t.buckets {
		t.maxChain = max(t.maxChain, t.chainLen(b))
	}
}

// chainLen returns the number of records in bucket b's chain.
func (t *table) chainLen(b int) int {
	n := 0
	for off := int(t.buckets[b]) - 1; off >= 0; off = t.next(off) {
		n++
	}
	return n
}

// maybeCompact rewrites data without garbage once garbage is the larger
// part of it.
func (t *table) maybeCompact() {
	if t.garbage < 256 || t.garbage < len(t.data)/2 {
		return
	}
	t.compact()
}

func (t *table) compact() {
	live := len(t.data) - t.garbage
	nd := make([]byte, 0, live+live/8)
	for b, head := range t.buckets {
		prev := -1
		for off := int(head) - 1; off >= 0; off = t.next(off) {
			r := t.parse(off)
			noff := len(nd)
			nd = append(nd, t.data[off:r.end]...)
			if r.ttl {
				t.vol.off[t.heapPos(r)] = uint32(noff)
			}
			if prev < 0 {
				t.buckets[b] = uint32(noff + 1)
			} else {
				binary.LittleEndian.PutUint32(nd[prev:], uint32(noff+1))
			}
			prev = noff
		}
		if prev >= 0 {
			binary.LittleEndian.PutUint32(nd[prev:], 0)
		}
	}
	t.data = nd
	t.garbage = 0
}

// rangeLive calls fn for each record whose TTL has not passed, in bucket
// order, until fn returns false.
func (t *table) rangeLive(now int64, fn func(r rec) bool) {
	for _, head := range t.buckets {
		for off := int(head) - 1; off >= 0; off = t.next(off) {
			r := t.parse(off)
			if r.ttl && expired(t.expiry(r), now) {
				continue
			}
			if !fn(r) {
				return
			}
		}
	}
}

// scanBucket calls fn for the live records of bucket b.
func (t *table) scanBucket(b int, now int64, fn func(r rec)) {
	for off := int(t.buckets[b]) - 1; off >= 0; off = t.next(off) {
		r := t.parse(off)
		if r.ttl && expired(t.expiry(r), now) {
			continue
		}
		fn(r)
	}
}

// scan visits one bucket from cursor, Valkey's reverse-binary way, and
// returns the next cursor (0 when the table has been covered). A field
// present for the whole scan is visited at least once however the table
// resizes between calls.
func (t *table) scan(cursor uint64, now int64, fn func(r rec)) uint64 {
	mask := uint64(len(t.buckets) - 1)
	t.scanBucket(int(cursor&mask), now, fn)
	cursor |= ^mask
	cursor = bits.Reverse64(cursor)
	cursor++
	return bits.Reverse64(cursor)
}

// fairTries bounds randomRecord's rejection sampling; the expected number
// of tries is buckets*maxChain/count (at most 8*maxChain at the lowest load
// factor kept), so the fallback practically never runs.
const fairTries = 1000

// randomRecord returns a uniformly random record (expired ones included).
// The table must not be empty. Picking a random non-empty bucket and then a
// random record of its chain would favour records in short chains (a
// record alone in its bucket would come up twice as often as one sharing
// it), so this picks a bucket and a chain position below maxChain and
// retries when the bucket has no record at that position: every record is
// then equally likely, 1/(buckets*maxChain) per try.
func (t *table) randomRecord(rnd func() uint64) rec {
	mask := uint64(len(t.buckets) - 1)
	limit := uint64(max(t.maxChain, 1))
	for range fairTries {
		off := int(t.buckets[rnd()&mask]) - 1
		for k := rnd() % limit; off >= 0 && k > 0; k-- {
			off = t.next(off)
		}
		if off >= 0 {
			return t.parse(off)
		}
	}
	// Fallback (not uniform): the first record from a random bucket on.
	b := int(rnd() & mask)
	for t.buckets[b] == 0 {
		b = (b + 1) & int(mask)
	}
	return t.parse(int(t.buckets[b]) - 1)
}

// --- expiry heap ----------------------------------------------------------

func (t *table) volPush(when int64, off int) {
	if t.vol == nil {
		t.vol = &volHeap{}
	}
	v := t.vol
	v.when = append(v.when, when)
	v.off = append(v.off, uint32(off))
	i := len(v.when) - 1
	t.setHeapPos(off, i)
	t.volUp(i)
}

func (t *table) volSwap(i, j int) {
	v := t.vol
	v.when[i], v.when[j] = v.when[j], v.when[i]
	v.off[i], v.off[j] = v.off[j], v.off[i]
	t.setHeapPos(int(v.off[i]), i)
	t.setHeapPos(int(v.off[j]), j)
}

func (t *table) volUp(i int) {
	v := t.vol
	for i > 0 {
		p := (i - 1) / 2
		if v.when[p] <= v.when[i] {
			return
		}
		t.volSwap(i, p)
		i = p
	}
}

func (t *table) volDown(i int) {
	v := t.vol
	n := len(v.when)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		m := l
		if r := l + 1; r < n && v.when[r] < v.when[l] {
			m = r
		}
		if v.when[i] <= v.when[m] {
			return
		}
		t.volSwap(i, m)
		i = m
	}
}

// volFix records a new expiry for heap entry i (old was its previous one).
func (t *table) volFix(i int, old, when int64) {
	t.vol.when[i] = when
	if when < old {
		t.volUp(i)
	} else {
		t.volDown(i)
	}
}

func (t *table) volRemove(i int) {
	v := t.vol
	last := len(v.when) - 1
	if i != last {
		t.volSwap(i, last)
	}
	v.when = v.when[:last]
	v.off = v.off[:last]
	if last == 0 {
		t.vol = nil
		return
	}
	if i != last {
		t.volDown(i)
		t.volUp(i)
	}
}

func (t *table) volLen() int {
	if t.vol == nil {
		return 0
	}
	return len(t.vol.when)
}

// bytes is the memory the table holds.
// The lengths, not the capacities: capacities depend on how the table
// grew, and a copy or a restored table (same content, other history) must
// report what its source reports, as in Valkey.
func (t *table) bytes() int {
	n := 64 + len(t.data) - int(t.garbage) + 4*len(t.buckets) // garbage: dead entries a compaction drops
	if t.vol != nil {
		n += 48 + 8*len(t.vol.when) + 4*len(t.vol.off)
	}
	return n
}

// clone copies the table with the same capacities (garbage included, to be
// compacted by its own rule), so that a copy reports the same MEMORY USAGE
// as its source, as in Valkey.
func (t *table) clone() *table {
	c := &table{
		buckets:  append(make([]uint32, 0, cap(t.buckets)), t.buckets...),
		data:     append(make([]byte, 0, cap(t.data)), t.data...),
		count:    t.count,
		garbage:  t.garbage,
		maxChain: t.maxChain,
	}
	if t.vol != nil {
		c.vol = &volHeap{
			when: append(make([]int64, 0, cap(t.vol.when)), t.vol.when...),
			off:  append(make([]uint32, 0, cap(t.vol.off)), t.vol.off...),
		}
	}
	return c
}
