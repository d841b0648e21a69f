package strtab

import (
	"encoding/binary"
	"hash/maphash"
	"math/bits"
	"math/rand/v2"
)

const (
	groupSize = 8
	ctrlEmpty = 0x80
	ctrlDead  = 0xFE

	chunkBits  = 16
	chunkSize  = 1 << chunkBits
	maxChunks  = 1 << (32 - chunkBits)
	firstChunk = 256

	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

// Table is a set of byte strings with a fixed-size payload each.
type Table struct {
	seed    maphash.Seed
	payload int
	groups  []group
	mask    uint64 // groups - 1
	count   int
	dead    int // deleted control bytes
	arena   Arena
}

// Arena holds the records of a table.
type Arena struct {
	chunks  [][]byte
	used    int // bytes of records allocated (live and freed)
	garbage int // bytes of freed records
}

// New returns a table for members with payload bytes each, sized for about
// hint members.
func New(payload, hint int) *Table {
	t := &Table{seed: maphash.MakeSeed(), payload: payload}
	t.init(groupsFor(hint))
	return t
}

// groupsFor is the power-of-two group count holding n members at <= 7/8.
func groupsFor(n int) int {
	slots := (n*8 + 6) / 7
	g := (slots + groupSize - 1) / groupSize
	if g < 1 {
		g = 1
	}
	return 1 << bits.Len(uint(g-1))
}

// group is 8 slots: control bytes, then refs.
type group struct {
	ctrl [groupSize]uint8
	refs [groupSize]uint32
}

func (t *Table) init(groups int) {
	t.groups = make([]group, groups)
	for i := range t.groups {
		for j := range t.groups[i].ctrl {
			t.groups[i].ctrl[j] = ctrlEmpty
		}
	}
	t.mask = uint64(groups - 1)
	t.dead = 0
}

func (t *Table) slots() int { return len(t.groups) * groupSize }

// ctrlAt and refAt address slot s (group s/8, index s%8).
func (t *Table) ctrlAt(s int) *uint8 { return &t.groups[s/groupSize].ctrl[s%groupSize] }
func (t *Table) refAt(s int) *uint32 { return &t.groups[s/groupSize].refs[s%groupSize] }

// Len is the number of members.
func (t *Table) Len() int { return t.count }

func (t *Table) hash(key []byte) uint64 { return maphash.Bytes(t.seed, key) }

// ---- arena ----

// alloc returns room for a record of n bytes and its ref. Records never
// straddle chunks: a chunk grows by doubling up to chunkSize, then a new
// one starts; a record over half a chunk gets a chunk of its own.
func (a *Arena) alloc(n int) (uint32, []byte) {
	a.used += n
	if n > chunkSize/2 {
		if len(a.chunks) >= maxChunks {
			panic("strtab: collection exceeds 4 GiB of member data")
		}
		c := make([]byte, n)
		a.chunks = append(a.chunks, c)
		return uint32(len(a.chunks)-1) << chunkBits, c
	}
	k := len(a.chunks) - 1
	if k < 0 || len(a.chunks[k])+n > chunkSize {
		if len(a.chunks) >= maxChunks {
			panic("strtab: collection exceeds 4 GiB of member data")
		}
		c := firstChunk
		if k >= 0 {
			c = chunkSize
		}
		a.chunks = append(a.chunks, make([]byte, 0, max(c, n)))
		k++
	}
	c := a.chunks[k]
	off := len(c)
	if off+n > cap(c) {
		// Grow the last chunk by doubling, up to chunkSize.
		nc := make([]byte, off, min(max(2*cap(c), off+n), chunkSize))
		copy(nc, c)
		c = nc
	}
	c = c[:off+n]
	a.chunks[k] = c
	return uint32(k)<<chunkBits | uint32(off), c[off : off+n]
}

// record returns the bytes from ref to the end of its chunk.
func (a *Arena) record(ref uint32) []byte {
	return a.chunks[ref>>chunkBits][ref&(chunkSize-1):]
}

// Bytes is the arena's allocated size (capacity of its chunks).
func (a *Arena) Bytes() int {
	n := 0
	for _, c := range a.chunks {
		n += cap(c)
	}
	return n + 24*len(a.chunks)
}

func (t *Table) recordSize(key []byte) int {
	return t.payload + uvarintLen(len(key)) + len(key)
}

func uvarintLen(n int) int {
	l := 1
	for n >= 0x80 {
		n >>= 7
		l++
	}
	return l
}

// Key returns the member stored at ref (aliasing the arena).
func (t *Table) Key(ref uint32) []byte {
	r := t.arena.record(ref)[t.payload:]
	if n := int(r[0]); n < 0x80 {
		return r[1 : 1+n : 1+n]
	}
	n, k := binary.Uvarint(r)
	return r[k : k+int(n) : k+int(n)]
}

// Payload returns the payload bytes of ref (writable, aliasing the arena).
func (t *Table) Payload(ref uint32) []byte {
	return t.arena.record(ref)[:t.payload:t.payload]
}

// ---- SWAR group matching ----

func (t *Table) group(g uint64) uint64 {
	return binary.LittleEndian.Uint64(t.groups[g].ctrl[:])
}

func matchTag(w uint64, tag uint8) uint64 {
	x := w ^ (lsb * uint64(tag))
	return (x - lsb) &^ x & msb
}

func matchEmpty(w uint64) uint64 { return (w &^ (w << 6)) & msb }

func matchEmptyOrDead(w uint64) uint64 { return w & msb }

func firstBit(m uint64) int { return bits.TrailingZeros64(m) >> 3 }

func split(h uint64) (home uint64, tag uint8) { return h >> 7, uint8(h & 0x7F) }

// ---- operations ----

// Find returns the ref of key.
func (t *Table) Find(key []byte) (uint32, bool) {
	_, ref, ok := t.find(key, t.hash(key))
	return ref, ok
}

// find returns the slot and ref of key.
func (t *Table) find(key []byte, h uint64) (int, uint32, bool) {
	home, tag := split(h)
	g := home & t.mask
	for i := uint64(1); ; i++ {
		w := t.group(g)
		for m := matchTag(w, tag); m != 0; m &= m - 1 {
			i := firstBit(m)
			if ref := t.groups[g].refs[i]; string(t.Key(ref)) == string(key) {
				return int(g)*groupSize + i, ref, true
			}
		}
		if matchEmpty(w) != 0 {
			return -1, 0, false
		}
		g = (g + i) & t.mask
	}
}

// Insert adds key if absent. It returns the member's ref and whether it
// was added; a new member's payload is zeroed.
func (t *Table) Insert(key []byte) (uint32, bool) {
	h := t.hash(key)
	if _, ref, ok := t.find(key, h); ok {
		return ref, false
	}
	if (t.count+t.dead+1)*8 > t.slots()*7 {
		t.resize()
	}
	size := t.recordSize(key)
	ref, rec := t.arena.alloc(size)
	clear(rec[:t.payload])
	k := binary.PutUvarint(rec[t.payload:], uint64(len(key)))
	copy(rec[t.payload+k:], key)
	t.place(h, ref)
	t.count++
	return ref, true
}

// place puts ref in the first free slot of h's probe sequence.
func (t *Table) place(h uint64, ref uint32) {
	home, tag := split(h)
	g := home & t.mask
	for i := uint64(1); ; i++ {
		if m := matchEmptyOrDead(t.group(g)); m != 0 {
			gr := &t.groups[g]
			i := firstBit(m)
			if gr.ctrl[i] == ctrlDead {
				t.dead--
			}
			gr.ctrl[i] = tag
			gr.refs[i] = ref
			return
		}
		g = (g + i) & t.mask
	}
}

// Delete removes key and returns its former ref, whose record stays
// readable until the next Insert or Compact.
func (t *Table) Delete(key []byte) (uint32, bool) {
	s, ref, ok := t.find(key, t.hash(key))
	if !ok {
		return 0, false
	}
	t.deleteSlot(s)
	return ref, true
}

func (t *Table) deleteSlot(s int) {
	ref := *t.refAt(s)
	g := uint64(s / groupSize)
	if matchEmpty(t.group(g)) != 0 {
		*t.ctrlAt(s) = ctrlEmpty
	} else {
		*t.ctrlAt(s) = ctrlDead
		t.dead++
	}
	t.count--
	t.arena.garbage += t.recordSize(t.Key(ref))
}

// resize rehashes into a table sized for the live members (growing when
// it is full of them, staying when deleted slots take the room).
func (t *Table) resize() {
	t.rehash(groupsFor(max(t.count+1, t.count*2)))
}

func (t *Table) rehash(groups int) {
	old := t.groups
	t.init(groups)
	for g := range old {
		for i, c := range old[g].ctrl {
			if c < ctrlEmpty {
				ref := old[g].refs[i]
				t.place(t.hash(t.Key(ref)), ref)
			}
		}
	}
}

// MaybeShrink shrinks the slots when under 1/8 of them are in use, and
// reports whether the records should be compacted (Compact): over half of
// the arena is garbage.
func (t *Table) MaybeShrink() (compact bool) {
	if len(t.groups) > 1 && t.count*8 < t.slots() {
		t.rehash(groupsFor(t.count))
	}
	live := t.arena.used - t.arena.garbage
	return t.arena.garbage > 4096 && t.arena.garbage > live
}

// Compact rewrites the arena with only live records. When the payload is
// at least 4 bytes, each old record's first 4 payload bytes are overwritten
// with the record's new ref, and the old arena is returned so that the
// caller can translate refs it keeps elsewhere with Forward.
func (t *Table) Compact() Arena {
	old := t.arena
	t.arena = Arena{}
	for s := 0; s < t.slots(); s++ {
		if *t.ctrlAt(s) >= ctrlEmpty {
			continue
		}
		oldRef := *t.refAt(s)
		rec := old.record(oldRef)
		n, k := binary.Uvarint(rec[t.payload:])
		size := t.payload + k + int(n)
		ref, dst := t.arena.alloc(size)
		copy(dst, rec[:size])
		*t.refAt(s) = ref
		if t.payload >= 4 {
			binary.LittleEndian.PutUint32(rec, ref)
		}
	}
	return old
}

// Forward reads the new ref Compact left in an old record.
func (a *Arena) Forward(ref uint32) uint32 {
	return binary.LittleEndian.Uint32(a.record(ref))
}

// Each calls fn with every member's ref until fn returns false.
func (t *Table) Each(fn func(ref uint32) bool) {
	for g := range t.groups {
		for i, c := range t.groups[g].ctrl {
			if c < ctrlEmpty && !fn(t.groups[g].refs[i]) {
				return
			}
		}
	}
}

// Random returns a random member's ref; the table must not be empty.
func (t *Table) Random(r *rand.Rand) uint32 {
	n := uint64(t.slots())
	for {
		s := int(r.Uint64N(n))
		if *t.ctrlAt(s) < ctrlEmpty {
			return *t.refAt(s)
		}
	}
}

// DeleteRef removes the member at ref (found by Random or Each).
func (t *Table) DeleteRef(ref uint32) {
	s, _, ok := t.find(t.Key(ref), t.hash(t.Key(ref)))
	if ok {
		t.deleteSlot(s)
	}
}

// Scan visits the members whose home group is the cursor's, and the
// following home groups in reverse-binary order (as Valkey's hashtable
// scan), until it has emitted at least count members or visited count*10
// groups. It returns the next cursor, 0 when the scan is complete. A member
// present for the whole scan is emitted at least once, even if the table
// is resized between calls.
func (t *Table) Scan(cursor uint64, count int, fn func(ref uint32)) uint64 {
	emitted := 0
	for iter := 0; ; iter++ {
		home := cursor & t.mask
		g := home
		for i := uint64(1); ; i++ {
			w := t.group(g)
			for m := ^w & msb; m != 0; m &= m - 1 { // full slots
				ref := t.groups[g].refs[firstBit(m)]
				if h, _ := split(t.hash(t.Key(ref))); h&t.mask == home {
					fn(ref)
					emitted++
				}
			}
			if matchEmpty(w) != 0 || i > t.mask {
				break
			}
			g = (g + i) & t.mask
		}
		cursor |= ^t.mask
		cursor = bits.Reverse64(cursor)
		cursor++
		cursor = bits.Reverse64(cursor)
		if cursor == 0 || emitted >= count || iter >= count*10 {
			return cursor
		}
	}
}

// Clone returns an independent copy (same seed, compacted records).
func (t *Table) Clone() *Table {
	c := &Table{seed: t.seed, payload: t.payload, mask: t.mask, count: t.count, dead: t.dead}
	c.groups = append([]group(nil), t.groups...)
	c.arena.chunks = make([][]byte, len(t.arena.chunks))
	for i, ch := range t.arena.chunks {
		c.arena.chunks[i] = append(make([]byte, 0, cap(ch)), ch...)
	}
	c.arena.used, c.arena.garbage = t.arena.used, t.arena.garbage
	return c
}

// MemoryUsage is the bytes the table holds: slots and arena.
func (t *Table) MemoryUsage() int {
	return 64 + 40*len(t.groups) + t.arena.Bytes()
}
