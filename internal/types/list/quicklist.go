package list

import (
	"bytes"
	"math"
	"runtime"
	"unsafe"

	"petrel/internal/kvtable"
)

// The large form (OBJECT ENCODING "quicklist"): a sequence of nodes, each
// a listpack of several elements ("packed") or one large element on its own
// ("plain"), as Valkey's quicklist.
//
//	quicklist
//	 ├─ nodes[lo:]   node 0 ─ node 1 ─ ... ─ node n-1     (head ... tail)
//	 │                 │
//	 │                 └─ b: dense listpack | plain element, count
//	 ├─ count        elements in all nodes
//	 └─ fill         list-max-listpack-size when the quicklist was made
//
// Valkey links nodes in a doubly linked list; here they sit in one slice
// with free room kept at both ends (a deque), so a push that opens a new
// node at either end is amortised O(1), and the garbage collector sees one
// pointer per node (its listpack) and none per element.
//
// The node layout follows Valkey's rules exactly (when a push fills a node
// and opens another, when LINSERT/LSET split a node and merge neighbours,
// when a large element gets a plain node), because which nodes exist
// decides when a shrinking list turns back into a single listpack, which
// clients observe through OBJECT ENCODING.
//
// Invariants: no node is empty; count is the sum of the nodes' counts; a
// plain node holds exactly one element.
//
// list-compress-depth is recorded (DEBUG OBJECT's ql_compressed) but nodes
// are never LZF-compressed.
//
// Packed nodes are listpacks without backlens (densenode.go). They live in
// a NodeMem when the quicklist has one (nodemem.go): every change to a
// node's bytes goes through keep, which moves bytes a listpack operation
// reallocated on the Go heap into the NodeMem, and a node leaving the
// quicklist frees its block (removeNode).
type quicklist struct {
	*nodeStore
	count    int
	fill     int
	compress int
	pending  int // bytes a multi-element push has still to add (List.Push)
	oc       offsetsCache
}

// offsetsCache holds the entry offsets of one packed node, known by the
// address of its bytes: what walking a dense node backwards needs. Pushes
// to and pops from the end of the cached node keep it up to date, so RPOP
// is O(1) however the head changes meanwhile (LPUSH producers, RPOP
// consumers); any other change to that node, or its block going back,
// forgets it (keep, removeNode, merge).
type offsetsCache struct {
	node uintptr // address of the cached node's bytes; 0: none
	offs []int32
}

// nodeStore is the quicklist's nodes, in an object of their own so that
// the cleanup that frees them when the quicklist is unreachable can hold
// them without holding the quicklist.
type nodeStore struct {
	nodes []node // live nodes are nodes[lo:]
	lo    int
	mem   *NodeMem // where packed nodes with a ref live; nil: Go heap only
}

type node struct {
	b     []byte      // packed: a dense listpack; plain: the element
	ref   kvtable.Ref // b's block in the quicklist's NodeMem; 0: Go heap
	count int32
	back  int32 // packed: the bytes b's backlens would take in a listpack
	plain bool
}

// release frees the nodes still held when their quicklist is gone.
func (s *nodeStore) release() { s.mem.freeAll(s.nodes) }

// Valkey's quicklist limits.
const (
	sizeSafetyLimit      = 8192 // bytes of a node when the limit is a count
	sizeEstimateOverhead = 8    // an entry's overhead, estimated high
	noLimit              = math.MaxInt
)

// optimizationLevel are the node byte limits of fill -1 .. -5.
var optimizationLevel = [...]int{4096, 8192, 16384, 32768, 65536}

func negFillLimit(fill int) int {
	off := -fill - 1
	if off >= len(optimizationLevel) {
		off = len(optimizationLevel) - 1
	}
	return optimizationLevel[off]
}

// nodeLimit is the byte and element limit of a node (or of a listpack
// encoded list) under fill; noLimit where fill does not limit.
func nodeLimit(fill int) (size, count int) {
	switch {
	case fill > 0:
		return noLimit, fill
	case fill == 0:
		return noLimit, 1
	}
	return negFillLimit(fill), noLimit
}

// exceedsLimit reports whether a node of sz bytes and count elements is
// over the limits of fill.
func exceedsLimit(fill, sz, count int) bool {
	size, cnt := nodeLimit(fill)
	if size != noLimit {
		return sz > size
	}
	if sz > sizeSafetyLimit {
		return true
	}
	return count > cnt
}

// isLarge reports whether an element of sz bytes gets a plain node.
func isLarge(sz, fill, packedThreshold int) bool {
	if packedThreshold != 0 {
		return sz >= packedThreshold
	}
	if fill >= 0 {
		return sz > sizeSafetyLimit
	}
	return sz > negFillLimit(fill)
}

func newQuicklist(fill, compress int, mem *NodeMem) *quicklist {
	q := &quicklist{nodeStore: &nodeStore{mem: mem}, fill: fill, compress: compress}
	if mem != nil {
		runtime.AddCleanup(q, (*nodeStore).release, q.nodeStore)
	}
	return q
}

// packedNode makes a node holding v, with room for capacity bytes: in the
// NodeMem when there is one.
func (q *quicklist) packedNode(capacity int, v []byte) node {
	var nd node
	if q.mem == nil {
		nd.b = lpNew(capacity)
	} else {
		e := encodeElement(v)
		r, b := q.mem.alloc(max(capacity, lpEmptySize+e.size))
		nd.b, nd.ref = lpInit(b), r
	}
	q.nodeInsert(&nd, lpHdrSize, v)
	nd.count = 1
	return nd
}

// newBlock returns n bytes for a packed node: in the NodeMem when there is
// one and n fits its slots (then ref != 0), else on the Go heap.
func (q *quicklist) newBlock(n int) (kvtable.Ref, []byte) {
	if q.mem == nil {
		return 0, make([]byte, n)
	}
	return q.mem.alloc(n)
}

// cloneNode makes a copy of packed node nd.
func (q *quicklist) cloneNode(nd *node) node {
	r, b := q.newBlock(len(nd.b))
	copy(b, nd.b)
	return node{b: b, ref: r, count: nd.count, back: nd.back}
}

// nodeFromListpack makes a packed node of the elements of listpack lp.
func (q *quicklist) nodeFromListpack(lp []byte) node {
	r, b := q.newBlock(len(lp))
	b, back := dnFromListpack(b, lp)
	return node{b: b, ref: r, count: int32(lpLength(lp)), back: int32(back)}
}

// Changes to a packed node's elements. The callers keep count.

func (q *quicklist) nodeInsert(nd *node, p int, v []byte) {
	b, d := dnInsertAt(nd.b, p, v)
	q.keep(nd, b)
	nd.back += int32(d)
}

func (q *quicklist) nodeDelete(nd *node, p int) {
	b, d := dnDelete(nd.b, p)
	q.keep(nd, b)
	nd.back -= int32(d)
}

func (q *quicklist) nodeDeleteRange(nd *node, index, num int) {
	b, d := dnDeleteRange(nd.b, index, num)
	q.keep(nd, b)
	nd.back -= int32(d)
}

func (q *quicklist) nodeReplace(nd *node, p int, v []byte) {
	b, d := dnReplace(nd.b, p, v)
	q.keep(nd, b)
	nd.back += int32(d)
}

// offsets returns the entry offsets of packed node i, from the cache or
// from one forward pass. They stay valid until the quicklist changes.
func (q *quicklist) offsets(i int) []int32 {
	if nd := q.at(i); !q.isCached(nd) {
		q.oc = offsetsCache{node: bytesAddr(nd.b), offs: dnOffsets(nd.b, q.oc.offs[:0])}
	}
	return q.oc.offs
}

func bytesAddr(b []byte) uintptr { return uintptr(unsafe.Pointer(unsafe.SliceData(b))) }

// isCached reports whether the offsets cache holds node nd.
func (q *quicklist) isCached(nd *node) bool { return q.oc.node != 0 && q.oc.node == bytesAddr(nd.b) }

// forget drops the offsets cache if it holds nd, about to change or go.
func (q *quicklist) forget(nd *node) {
	if q.isCached(nd) {
		q.oc.node = 0
	}
}

// lastOffset is the offset of the last element of packed node i.
func (q *quicklist) lastOffset(i int) int {
	offs := q.offsets(i)
	return int(offs[len(offs)-1])
}

// keep makes b, the result of a listpack operation on nd.b, the node's
// bytes. An operation that needed another size returns a new array on the
// Go heap: in a quicklist with a NodeMem its bytes move there (at the
// capacity the operation chose) and the node's old block is freed.
func (q *quicklist) keep(nd *node, b []byte) {
	q.forget(nd)
	if q.mem == nil || nd.plain || unsafe.SliceData(b) == unsafe.SliceData(nd.b) {
		nd.b = b
		return
	}
	r, nb := q.mem.alloc(cap(b))
	nb = nb[:len(b)]
	copy(nb, b)
	q.freeNode(nd)
	nd.b, nd.ref = nb, r
}

// freeNode gives nd's block back to the NodeMem; nd.b is invalid after.
func (q *quicklist) freeNode(nd *node) {
	if nd.ref != 0 {
		q.mem.free(nd.ref)
		nd.ref = 0
	}
}

func (q *quicklist) n() int                { return len(q.nodes) - q.lo }
func (q *quicklist) at(i int) *node        { return &q.nodes[q.lo+i] }
func (q *quicklist) live() []node          { return q.nodes[q.lo:] }
func plainNode(v []byte) node              { return node{b: bytes.Clone(v), count: 1, plain: true} }
func (nd *node) sz() int                   { return len(nd.b) + int(nd.back) }
func (nd *node) value(p int) Value         { return entryValue(nd.b, p) }
func (q *quicklist) head() *node           { return q.at(0) }
func (q *quicklist) tail() *node           { return q.at(q.n() - 1) }
func (q *quicklist) large(sz, pt int) bool { return isLarge(sz, q.fill, pt) }

// insertNode puts nd at position i (0 = new head, n() = new tail). Room is
// taken from the free slots before the head or after the tail, whichever
// side moves fewer nodes; when there is none the slice is rebuilt with
// free room at both ends (amortised O(1) at the ends).
func (q *quicklist) insertNode(i int, nd node) {
	n := q.n()
	roomAfter := len(q.nodes) < cap(q.nodes)
	switch {
	case i == 0 && q.lo > 0:
		q.lo--
		q.nodes[q.lo] = nd
		return
	case i == n && roomAfter:
		q.nodes = append(q.nodes, nd)
		return
	case i < n/2 && q.lo > 0:
		q.lo--
		copy(q.nodes[q.lo:], q.nodes[q.lo+1:q.lo+1+i])
		q.nodes[q.lo+i] = nd
		return
	case i >= n/2 && roomAfter:
		q.nodes = q.nodes[:len(q.nodes)+1]
		j := q.lo + i
		copy(q.nodes[j+1:], q.nodes[j:])
		q.nodes[j] = nd
		return
	}
	front, back := q.growGaps(i, n)
	nn := make([]node, front+n+1, front+n+1+back)
	copy(nn[front:], q.nodes[q.lo:q.lo+i])
	nn[front+i] = nd
	copy(nn[front+i+1:], q.nodes[q.lo+i:])
	q.nodes, q.lo = nn, front
}

// growGaps is the free room a rebuilt nodes slice keeps before the head
// and after the tail. A list that grows at one end (RPUSH or LPUSH in a
// loop) gets as many free slots as it has nodes at that end and an eighth
// at the other: doubling leaves behind about the final slice's size in
// old copies, where growing by a quarter at both ends left five times it
// (and kept a quarter unused at the end that does not grow). Elsewhere
// (LINSERT, a split) a quarter at both ends.
func (q *quicklist) growGaps(i, n int) (front, back int) {
	other := max(2, n/8)
	switch {
	case i == n:
		return other, max(2, n)
	case i == 0:
		return max(2, n), other
	}
	return max(2, n/4), max(2, n/4)
}

// removeNode deletes the node at position i (its elements are gone: the
// caller fixes count), moving the shorter side.
func (q *quicklist) removeNode(i int) {
	q.forget(q.at(i))
	q.freeNode(q.at(i))
	n := q.n()
	if n == 1 {
		q.nodes[q.lo] = node{}
		q.nodes, q.lo = q.nodes[:0], 0
		return
	}
	if i < n/2 {
		copy(q.nodes[q.lo+1:], q.nodes[q.lo:q.lo+i])
		q.nodes[q.lo] = node{}
		q.lo++
		return
	}
	j := q.lo + i
	copy(q.nodes[j:], q.nodes[j+1:])
	q.nodes[len(q.nodes)-1] = node{}
	q.nodes = q.nodes[:len(q.nodes)-1]
}

// allowInsert reports whether an element of sz bytes may join node nd.
func (q *quicklist) allowInsert(nd *node, sz, pt int) bool {
	if nd.plain || q.large(sz, pt) {
		return false
	}
	return !exceedsLimit(q.fill, nd.sz()+sz+sizeEstimateOverhead, int(nd.count)+1)
}

// allowMerge reports whether nodes a and b may become one.
func (q *quicklist) allowMerge(a, b *node) bool {
	if a.plain || b.plain {
		return false
	}
	return !exceedsLimit(q.fill, a.sz()+b.sz()-lpEmptySize, int(a.count)+int(b.count))
}

func (q *quicklist) pushHead(v []byte, pt int) {
	q.count++
	if q.large(len(v), pt) {
		q.insertNode(0, plainNode(v))
		return
	}
	if q.n() > 0 && q.allowInsert(q.head(), len(v), pt) {
		h := q.head()
		q.nodeInsert(h, lpHdrSize, v)
		h.count++
		return
	}
	q.insertNode(0, q.edgeNode(v, 0))
}

func (q *quicklist) pushTail(v []byte, pt int) {
	q.count++
	if q.large(len(v), pt) {
		q.insertNode(q.n(), plainNode(v))
		return
	}
	if q.n() > 0 && q.allowInsert(q.tail(), len(v), pt) {
		t := q.tail()
		cached, p := q.isCached(t), len(t.b)-1
		q.nodeInsert(t, p, v)
		t.count++
		if cached {
			q.oc.offs, q.oc.node = append(q.oc.offs, int32(p)), bytesAddr(t.b)
		}
		return
	}
	q.insertNode(q.n(), q.edgeNode(v, q.n()-1))
}

// edgeNode makes the node a push opens next to node i, the full end of
// the list (i is -1 in an empty quicklist). In a long list (four nodes or
// more) the new node will most likely fill up as its neighbour did, so it
// gets the neighbour's size at once: growing it step by step would
// allocate (and leave behind) about as much again as the list holds. The
// same when the rest of the current push is enough to fill half of it (an
// RPUSH of 1000 elements, the first nodes of a list): then it gets the
// dense size of a full node of elements like v.
func (q *quicklist) edgeNode(v []byte, i int) node {
	capacity := 0
	if q.n() > 0 {
		if nb := q.at(i); !nb.plain && (q.n() >= 4 || q.pending >= nb.sz()/2) {
			capacity = len(nb.b)
		}
	} else if size, _ := nodeLimit(q.fill); size != noLimit && q.pending >= size/2 {
		e := encodeElement(v)
		capacity = size * e.size / (e.size + backlenSize(e.size))
	}
	return q.packedNode(capacity, v)
}

// deleteAt removes the element at byte offset p of node i. It returns
// whether the node went away (it was emptied), and otherwise the offset
// of the element that followed (-1 if none).
func (q *quicklist) deleteAt(i, p int) (gone bool, next int) {
	q.count--
	nd := q.at(i)
	if nd.plain || nd.count == 1 {
		q.removeNode(i)
		return true, -1
	}
	last := q.isCached(nd) && int(q.oc.offs[len(q.oc.offs)-1]) == p
	q.nodeDelete(nd, p)
	nd.count--
	if last { // the node's last element (RPOP): the cache stays right
		q.oc.offs, q.oc.node = q.oc.offs[:len(q.oc.offs)-1], bytesAddr(nd.b)
	}
	if nd.b[p] == lpEOF {
		return false, -1
	}
	return false, p
}

// locate finds element idx (0 <= idx < count): its node and offset in it,
// walking from the nearer end.
func (q *quicklist) locate(idx int) (ni, off int) {
	if idx <= (q.count-1)/2 {
		for ni = 0; ; ni++ {
			c := int(q.at(ni).count)
			if idx < c {
				return ni, idx
			}
			idx -= c
		}
	}
	r := q.count - 1 - idx
	for ni = q.n() - 1; ; ni-- {
		c := int(q.at(ni).count)
		if r < c {
			return ni, c - 1 - r
		}
		r -= c
	}
}

// entryOffset is the byte offset of element off of node i (0 for plain):
// a forward walk in the first half, the offsets cache in the second.
func (q *quicklist) entryOffset(i, off int) int {
	nd := q.at(i)
	switch {
	case nd.plain:
		return 0
	case off <= int(nd.count)/2:
		return dnSeek(nd.b, off)
	}
	return int(q.offsets(i)[off])
}

// split cuts node i at element off. With after, node i keeps [0, off]
// and the returned node holds the rest; otherwise node i keeps
// [off, end] and the returned node holds [0, off).
func (q *quicklist) split(i, off int, after bool) node {
	nd := q.at(i)
	other := q.cloneNode(nd)
	cnt := int(nd.count)
	if after {
		q.nodeDeleteRange(nd, off+1, cnt)
		q.nodeDeleteRange(&other, 0, off+1)
	} else {
		q.nodeDeleteRange(nd, 0, off)
		q.nodeDeleteRange(&other, off, cnt)
	}
	nd.count = int32(dnLength(nd.b))
	other.count = int32(dnLength(other.b))
	return other
}

// merge joins nodes i and i+1 into node i.
func (q *quicklist) merge(i int) {
	a, b := q.at(i), q.at(i+1)
	q.oc.node = 0 // a may take b's block, a's may be freed
	ab := lpConcat(a.b, b.b)
	if unsafe.SliceData(ab) == unsafe.SliceData(b.b) {
		// b's block holds both now: it becomes a's, and removing b frees
		// a's old block.
		a.b, a.ref, b.ref = ab, b.ref, a.ref
	} else {
		q.keep(a, ab)
	}
	a.count += b.count
	a.back += b.back
	q.removeNode(i + 1)
}

// mergeAround tries to merge the neighbours of node c, then c with its
// neighbours, as _quicklistMergeNodes; it returns c's new position.
func (q *quicklist) mergeAround(c int) int {
	if c >= 2 && q.allowMerge(q.at(c-1), q.at(c-2)) {
		q.merge(c - 2)
		c--
	}
	if c+2 < q.n() && q.allowMerge(q.at(c+1), q.at(c+2)) {
		q.merge(c + 1)
	}
	if c >= 1 && q.allowMerge(q.at(c), q.at(c-1)) {
		q.merge(c - 1)
		c--
	}
	if c+1 < q.n() && q.allowMerge(q.at(c), q.at(c+1)) {
		q.merge(c)
	}
	return c
}

// insert puts v before (or after) element off, at byte offset p, of node
// i, as _quicklistInsert.
func (q *quicklist) insert(i, off, p int, v []byte, after bool, pt int) {
	nd := q.at(i)
	sz := len(v)
	full := !q.allowInsert(nd, sz, pt)
	atTail, atHead, availNext, availPrev := false, false, false, false
	if after && off == int(nd.count)-1 {
		atTail = true
		availNext = i+1 < q.n() && q.allowInsert(q.at(i+1), sz, pt)
	}
	if !after && off == 0 {
		atHead = true
		availPrev = i > 0 && q.allowInsert(q.at(i-1), sz, pt)
	}
	q.count++
	if q.large(sz, pt) {
		if nd.plain || atTail || atHead {
			q.insertNode(i+b2i(after), plainNode(v))
			return
		}
		rest := q.split(i, off, after)
		if after {
			q.insertNode(i+1, plainNode(v))
			q.insertNode(i+2, rest)
		} else {
			q.insertNode(i, plainNode(v))
			q.insertNode(i, rest)
		}
		return
	}
	switch {
	case !full && after:
		q.nodeInsert(nd, p+encodedSize(nd.b, p), v)
		nd.count++
	case !full:
		q.nodeInsert(nd, p, v)
		nd.count++
	case atTail && availNext:
		nx := q.at(i + 1)
		q.nodeInsert(nx, lpHdrSize, v)
		nx.count++
	case atHead && availPrev:
		pv := q.at(i - 1)
		q.nodeInsert(pv, len(pv.b)-1, v)
		pv.count++
	case atTail || atHead:
		q.insertNode(i+b2i(after), q.packedNode(0, v))
	default:
		rest := q.split(i, off, after)
		if after {
			q.nodeInsert(&rest, lpHdrSize, v)
		} else {
			q.nodeInsert(&rest, len(rest.b)-1, v)
		}
		rest.count++
		if after {
			q.insertNode(i+1, rest)
		} else {
			q.insertNode(i, rest)
			i++
		}
		q.mergeAround(i)
	}
}

// replace sets element off (byte offset p) of node i to v, as
// quicklistReplaceEntry.
func (q *quicklist) replace(i, off, p int, v []byte, pt int) {
	nd := q.at(i)
	large := q.large(len(v), pt)
	switch {
	case !nd.plain && !large:
		q.nodeReplace(nd, p, v)
	case nd.plain && large:
		nd.b = bytes.Clone(v)
	case nd.plain:
		q.insert(i, 0, 0, v, true, pt)
		q.count--
		q.removeNode(i)
	default: // a large element replaces one of a packed node
		if off != int(nd.count)-1 {
			q.insertNode(i+1, q.split(i, off, true))
		}
		q.insertNode(i+1, plainNode(v))
		nd = q.at(i)
		if nd.count == 1 {
			q.removeNode(i)
			return
		}
		q.nodeDelete(nd, q.lastOffset(i))
		nd.count--
		q.mergeAround(i + 1)
	}
}

// delRange removes up to n elements from start (negative: from the
// tail), as quicklistDelRange: nodes emptied go away, no merging.
func (q *quicklist) delRange(start, n int) {
	if n <= 0 {
		return
	}
	if start < 0 {
		start += q.count
	}
	if start < 0 || start >= q.count {
		return
	}
	n = min(n, q.count-start)
	i, off := q.locate(start)
	for n > 0 {
		nd := q.at(i)
		del := min(n, int(nd.count)-off)
		q.count -= del
		n -= del
		if nd.plain || (off == 0 && del == int(nd.count)) {
			q.removeNode(i)
		} else {
			q.nodeDeleteRange(nd, off, del)
			nd.count -= int32(del)
			i++
		}
		off = 0
	}
}

func (q *quicklist) clone() *quicklist {
	c := newQuicklist(q.fill, q.compress, q.mem)
	c.count = q.count
	c.nodes = make([]node, q.n())
	for i, nd := range q.live() {
		if nd.plain {
			c.nodes[i] = node{b: bytes.Clone(nd.b), count: 1, plain: true}
			continue
		}
		c.nodes[i] = c.cloneNode(&nd)
	}
	return c
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
