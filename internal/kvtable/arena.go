package kvtable

import (
	"encoding/binary"
	"hash/maphash"
	"math/bits"
)

// Ref is a compact handle to one allocation of an Arena: a record of a
// Table, a bucket array, or a block obtained with Alloc. It is an integer,
// never a pointer, so arrays of Refs are not scanned by the garbage
// collector.
//
//	 31        25 24                           0
//	+------------+------------------------------+
//	|  class id  |  slot number within class    |
//	+------------+------------------------------+
//
// Class ids 1..71 are the size classes, largeClass marks a dedicated
// mapping (the slot number then indexes the Arena's large table), and Ref 0
// is never a valid allocation: it means "none" (end of chain, empty bucket).
type Ref uint32

const (
	classShift = 25
	slotMask   = 1<<classShift - 1
	maxSlots   = 1 << classShift // per class and per Arena for large blocks
	largeClass = 127
)

func (r Ref) class() int          { return int(r >> classShift) }
func (r Ref) slot() uint32        { return uint32(r) & slotMask }
func makeRef(c int, s uint32) Ref { return Ref(uint32(c)<<classShift | s) }

// ne is the byte order of record headers and free-list links. Records live
// in memory only, so the machine's own order is the cheapest.
var ne = binary.NativeEndian

// A chunk is one region obtained from the OS (or, if mmap failed, from the
// Go heap).
type chunk struct {
	b    []byte
	heap bool // b came from make, not mmap: do not munmap
}

// sizeClass is the slab of one size. Slots are numbered 0, 1, 2, ... across
// the class's chunks. Chunk i < growChunks holds c0<<i slots (4 KiB, 8 KiB,
// ... up to 1 MiB), so an almost empty class costs one page; every later
// chunk is a 2 MiB region of fullSlots slots. Locating a slot takes shifts
// in the first chunks and one multiplication by a reciprocal in the others.
type sizeClass struct {
	size       uint32 // slot size in bytes
	c0Shift    uint8  // log2(slots in chunk 0)
	growChunks uint8  // chunks before the first full-size one
	geomSlots  uint32 // slots in the first growChunks chunks
	fullSlots  uint32 // slots in a full-size chunk
	fullRecip  uint64 // ceil(2^64 / fullSlots): m / fullSlots = hi(m * fullRecip)
	chunks     []chunk
	top        uint32 // slots [0, top) have been handed out at least once
	touched    uint32 // slots [0, touched) of the mapped chunks were ever written (Resident)
	cap        uint32 // slots in all chunks (capped at maxSlots)
	free       uint32 // free-list head: slot number + 1, 0 = empty
	live       uint32 // allocated slots
}

func (c *sizeClass) init(size uint32) {
	c.size = size
	c.c0Shift = uint8(max(bits.Len32(firstChunkBytes/size)-1, 0))
	for (uint32(1)<<(c.c0Shift+c.growChunks))*size <= maxGrowBytes {
		c.growChunks++
	}
	c.geomSlots = (1<<c.growChunks - 1) << c.c0Shift
	c.fullSlots = fullChunkBytes / size
	// ceil(2^64 / fullSlots) fits in 64 bits as fullSlots >= 128, and the
	// quotient is exact for every m < 2^25 because m times the rounding
	// error (below fullSlots) stays below 2^64.
	c.fullRecip = ^uint64(0)/uint64(c.fullSlots) + 1
}

// chunkSlots returns the number of slots of chunk i.
func (c *sizeClass) chunkSlots(i int) uint32 {
	if i < int(c.growChunks) {
		return 1 << (uint(c.c0Shift) + uint(i))
	}
	return c.fullSlots
}

// locate returns the chunk index and the slot index within it.
func (c *sizeClass) locate(n uint32) (int, uint32) {
	if n < c.geomSlots {
		i := bits.Len32(n>>c.c0Shift+1) - 1
		return i, n - (1<<i-1)<<c.c0Shift
	}
	m := uint64(n - c.geomSlots)
	q, _ := bits.Mul64(m, c.fullRecip)
	return int(c.growChunks) + int(q), uint32(m - q*uint64(c.fullSlots))
}

func (c *sizeClass) slotBytes(n uint32) []byte {
	i, off := c.locate(n)
	p := uint64(off) * uint64(c.size)
	return c.chunks[i].b[p : p+uint64(c.size) : p+uint64(c.size)]
}

// Arena is a slab allocator over memory the Go garbage collector does not
// scan. One shard owns one Arena; it is not safe for concurrent use.
type Arena struct {
	classes   [numClasses + 1]sizeClass
	large     []chunk  // dedicated mappings, indexed by slot; nil b = free
	largeFree []uint32 // free indexes of large
	seed      maphash.Seed
	reserved  int64 // bytes mapped (or made) for chunks and large blocks
	used      int64 // bytes in live allocations (slot or mapping size)
	noMmap    bool  // tests: always use the Go heap
	noHuge    bool  // map every chunk with small pages (NoHugePages)
}

// NewArena returns an empty Arena. It reserves no memory until the first
// allocation.
func NewArena() *Arena {
	a := &Arena{seed: maphash.MakeSeed()}
	for id := 1; id <= numClasses; id++ {
		a.classes[id].init(classSizes[id])
	}
	return a
}

// NoHugePages makes the Arena map its chunks with small pages from now
// on. An Arena of few large blocks walked in order (list nodes) gains
// nothing from huge pages but pays for a 2 MiB page's untouched part.
func (a *Arena) NoHugePages() { a.noHuge = true }

// Bytes reports the bytes currently reserved from the OS: every chunk and
// every large mapping, rounded to pages, including the bucket arrays of the
// Tables built on this Arena. This is what the shard adds to used_memory.
func (a *Arena) Bytes() int64 { return a.reserved }

// Resident reports the bytes of the Arena's mappings that hold memory:
// the pages its allocations have used. A class's chunks are handed out
// from the start, so a chunk's tail that no allocation reached yet is
// mapped but costs nothing until then; a full-size chunk, backed by a
// huge page, counts whole once used. Bytes() - Resident() is that unused
// tail.
func (a *Arena) Resident() int64 {
	var n int64
	for id := 1; id <= numClasses; id++ {
		c := &a.classes[id]
		left := c.touched
		for i, ch := range c.chunks {
			if left == 0 {
				break
			}
			slots := c.chunkSlots(i)
			if left >= slots || (i >= int(c.growChunks) && !a.noHuge) {
				n += int64(len(ch.b))
			} else {
				n += int64(roundPage(int(left) * int(c.size)))
			}
			left -= min(left, slots)
		}
	}
	for _, ch := range a.large {
		n += int64(len(ch.b))
	}
	return n
}

// Used reports the bytes held by live allocations (records and bucket
// arrays), each counted at its slot size. Bytes() - Used() is the Arena's
// fragmentation and free space.
func (a *Arena) Used() int64 { return a.used }

// Release returns all memory to the OS. Every Ref and every slice obtained
// from the Arena, and every Table built on it, is invalid afterwards. The
// Arena itself is empty and may be used again.
func (a *Arena) Release() {
	for id := 1; id <= numClasses; id++ {
		c := &a.classes[id]
		for _, ch := range c.chunks {
			a.unmap(ch)
		}
		c.chunks, c.top, c.cap, c.free, c.live, c.touched = nil, 0, 0, 0, 0, 0
	}
	for _, ch := range a.large {
		if ch.b != nil {
			a.unmap(ch)
		}
	}
	a.large, a.largeFree = nil, nil
	a.reserved, a.used = 0, 0
}

// Trim gives back to the OS the first chunk that an emptied size class
// keeps (Free keeps it so that a key set and deleted in a loop does not map
// and unmap every time). A table growing through bucket arrays of 16 B,
// 32 B, ... 8 KiB leaves one such chunk in every class it passed through,
// tens of KiB per Arena: the keyspace's cron calls Trim so that they do
// not stay. It reports the bytes released.
func (a *Arena) Trim() int64 {
	var n int64
	for id := 1; id <= numClasses; id++ {
		c := &a.classes[id]
		if c.live != 0 || len(c.chunks) == 0 {
			continue
		}
		for _, ch := range c.chunks {
			n += int64(len(ch.b))
			a.unmap(ch)
		}
		c.chunks, c.top, c.cap, c.free, c.touched = nil, 0, 0, 0, 0
	}
	return n
}

// Alloc returns a block of at least n bytes and its Ref. The block's
// contents are unspecified (a reused slot keeps old bytes). Its capacity
// (len of Slice) is the size of its class, or n rounded up to whole pages
// for blocks larger than the largest class.
func (a *Arena) Alloc(n int) (Ref, []byte) {
	if n < 0 {
		panic("kvtable: negative allocation size")
	}
	if id := classFor(n); id != 0 {
		for ; id <= numClasses; id++ {
			if r, b, ok := a.allocSlot(id); ok {
				return r, b
			}
			// Slot numbers of this class are exhausted: spill into the
			// next class rather than fail.
		}
	}
	return a.allocLarge(n)
}

func (a *Arena) allocSlot(id int) (Ref, []byte, bool) {
	c := &a.classes[id]
	var n uint32
	switch {
	case c.free != 0:
		n = c.free - 1
		b := c.slotBytes(n)
		c.free = ne.Uint32(b)
		c.live++
		a.used += int64(c.size)
		return makeRef(id, n), b, true
	case c.top < c.cap:
	case c.cap >= maxSlots:
		return 0, nil, false
	default:
		slots := c.chunkSlots(len(c.chunks))
		c.chunks = append(c.chunks, a.mapMem(int(slots)*int(c.size)))
		c.cap = min(c.cap+slots, maxSlots)
	}
	n = c.top
	c.top++
	c.touched = max(c.touched, c.top)
	c.live++
	a.used += int64(c.size)
	return makeRef(id, n), c.slotBytes(n), true
}

func (a *Arena) allocLarge(n int) (Ref, []byte) {
	ch := a.mapMem(n)
	var i uint32
	if k := len(a.largeFree); k > 0 {
		i = a.largeFree[k-1]
		a.largeFree = a.largeFree[:k-1]
		a.large[i] = ch
	} else {
		if len(a.large) >= maxSlots {
			panic("kvtable: too many large allocations")
		}
		i = uint32(len(a.large))
		a.large = append(a.large, ch)
	}
	a.used += int64(len(ch.b))
	return makeRef(largeClass, i), ch.b
}

// Free returns the block r to the Arena. r and every slice of it become
// invalid.
func (a *Arena) Free(r Ref) {
	id, n := r.class(), r.slot()
	if id == largeClass {
		ch := a.large[n]
		a.used -= int64(len(ch.b))
		a.unmap(ch)
		a.large[n] = chunk{}
		a.largeFree = append(a.largeFree, n)
		return
	}
	c := &a.classes[id]
	a.used -= int64(c.size)
	c.live--
	if c.live == 0 {
		// The class is empty: forget its free list, restart at slot 0 and
		// give every chunk but the first back to the OS. Keeping chunk 0
		// means a key set and deleted in a loop does not mmap every time.
		for _, ch := range c.chunks[1:] {
			a.unmap(ch)
		}
		clear(c.chunks[1:])
		c.chunks = c.chunks[:1]
		c.top, c.free = 0, 0
		c.touched = min(c.touched, c.chunkSlots(0)) // chunk 0 stays resident
		c.cap = c.chunkSlots(0)
		return
	}
	ne.PutUint32(c.slotBytes(n), c.free)
	c.free = n + 1
}

// Slice returns the whole block r, len and cap equal to its capacity.
func (a *Arena) Slice(r Ref) []byte {
	if r.class() == largeClass {
		return a.large[r.slot()].b
	}
	return a.classes[r.class()].slotBytes(r.slot())
}

// Cap returns the capacity of block r in bytes.
func (a *Arena) Cap(r Ref) int {
	if r.class() == largeClass {
		return len(a.large[r.slot()].b)
	}
	return int(classSizes[r.class()])
}

// mapMem obtains n bytes (rounded up to pages) of zeroed memory, from an
// anonymous private mapping when possible and from the Go heap otherwise.
func (a *Arena) mapMem(n int) chunk {
	n = roundPage(max(n, 1))
	var ch chunk
	if !a.noMmap {
		if b, err := mmap(n, !a.noHuge); err == nil {
			ch = chunk{b: b}
		}
	}
	if ch.b == nil {
		ch = chunk{b: make([]byte, n), heap: true}
	}
	a.reserved += int64(n)
	return ch
}

func (a *Arena) unmap(ch chunk) {
	a.reserved -= int64(len(ch.b))
	if !ch.heap {
		if err := munmap(ch.b); err != nil {
			panic("kvtable: munmap: " + err.Error())
		}
	}
}
