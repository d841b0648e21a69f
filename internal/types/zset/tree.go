package zset

// The ordered index of a large sorted set: a B+tree with subtree counts
// (an order-statistic tree), in place of Valkey's skiplist.
//
//	inner (height h >= 1)                    leaf (height 0)
//	+------+-------------------------------+  +---------------------------+
//	| n    | per child: count (subtree     |  | n, prev, next             |
//	|      | size), min key (score, ref),  |  | score[83] float64         |
//	|      | child pointer                 |  | ref[83]   uint32 (member) |
//	+------+-------------------------------+  +---------------------------+
//
// Entries are ordered by (score, member bytes); members live in the set's
// strtab arena and are named here by their 32-bit ref, so a leaf holds no
// Go pointer besides its two sibling links, and a leaf of 83 entries is one
// 1024-byte allocation (12 bytes per entry when full, ~17 at the ~69% fill
// of random inserts; ascending or descending inserts fill leaves up).
//
// Invariants:
//   - every leaf is at the same depth; leaves are linked in key order;
//   - an inner node's count[i] is the number of entries below child i and
//     minS/minR[i] is child i's smallest key;
//   - except for the root, leaves hold >= leafMin entries and inner nodes
//     >= innerMin children (deletes merge or redistribute siblings).
//
// Costs: insert, delete, rank, select and seek are O(log n): a few levels
// of at most 64-way search plus a count sum (binary searches for inserts
// and seeks, in-order scans for entries that exist, see childFind);
// iteration is O(1) per entry along the leaf chain.
//
// Alternatives rejected: a skiplist (Valkey's: ~1.33 pointers+spans per
// member plus a per-node allocation, pointer-chasing at every level); a
// pointer-free node arena (slices of nodes indexed by int32: growth by
// doubling wastes up to half the node memory, and a fixed block size wastes
// a block per small set).

import "petrel/internal/types/set/strtab"

const (
	leafCap  = 83
	leafMin  = leafCap / 4
	innerCap = 64
	innerMin = innerCap / 4
)

type leaf struct {
	n          int32
	prev, next *leaf
	score      [leafCap]float64
	ref        [leafCap]uint32
}

type inner struct {
	n     int
	total int
	count [innerCap + 1]int
	minS  [innerCap + 1]float64
	minR  [innerCap + 1]uint32
	leafs [innerCap + 1]*leaf  // children at height 1
	kids  [innerCap + 1]*inner // children at height > 1
}

type tree struct {
	tab        *strtab.Table
	root       *inner // height >= 1
	rootLeaf   *leaf  // height == 0
	height     int
	n          int
	head, tail *leaf
}

// cmp compares the key (s, m) with the entry (es, er).
func (t *tree) cmp(s float64, m []byte, es float64, er uint32) int {
	if s < es {
		return -1
	}
	if s > es {
		return 1
	}
	return compare(m, t.tab.Key(er))
}

func (nd *inner) setLeaf(i int, lf *leaf) {
	nd.leafs[i] = lf
	nd.count[i] = int(lf.n)
	if lf.n > 0 {
		nd.minS[i], nd.minR[i] = lf.score[0], lf.ref[0]
	}
}

func (nd *inner) setInner(i int, c *inner) {
	nd.kids[i] = c
	nd.count[i] = c.total
	nd.minS[i], nd.minR[i] = c.minS[0], c.minR[0]
}

// childSearch is the child of nd whose range holds (s, m): the last one
// whose minimum is <= the key (the first when the key is below all).
func (t *tree) childSearch(nd *inner, s float64, m []byte) int {
	lo, hi := 0, nd.n
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if t.cmp(s, m, nd.minS[mid], nd.minR[mid]) >= 0 {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return max(lo-1, 0)
}

// leafSearch is the first index of lf whose entry is >= (s, m) (gt false)
// or > (s, m) (gt true).
func (t *tree) leafSearch(lf *leaf, s float64, m []byte, gt bool) int {
	lo, hi := 0, int(lf.n)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		c := t.cmp(s, m, lf.score[mid], lf.ref[mid])
		if c > 0 || (gt && c == 0) {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo
}

// Lookups of an entry that exists (rank, delete, score update) know its
// member's ref, so they need no member bytes except to order ties, and
// they scan node arrays in order instead of binary searching them: the
// loads of a scan are independent, so the cache misses of a cold node
// overlap, where each probe of a binary search waits for the one before
// (a 1M-member set's leaves are far bigger than the caches).

// childFind is childSearch for the existing entry (s, ref) whose member is
// m; it also returns the number of entries in the children before it.
func (t *tree) childFind(nd *inner, s float64, m []byte, ref uint32) (int, int) {
	i, below := 0, 0
	for i+1 < nd.n {
		ms := nd.minS[i+1]
		if ms > s || ms == s && nd.minR[i+1] != ref && compare(m, t.tab.Key(nd.minR[i+1])) < 0 {
			break
		}
		below += nd.count[i]
		i++
	}
	return i, below
}

// leafFind is the index of the entry (s, ref) in lf, or -1.
func leafFind(lf *leaf, s float64, ref uint32) int {
	n := int(lf.n)
	i := 0
	for i < n && lf.score[i] < s {
		i++
	}
	for ; i < n && lf.score[i] == s; i++ {
		if lf.ref[i] == ref {
			return i
		}
	}
	return -1
}

// findLeaf is the leaf holding the existing entry (s, ref), whose member
// is m, and the number of entries in the leaves before it.
func (t *tree) findLeaf(s float64, m []byte, ref uint32) (*leaf, int) {
	if t.height == 0 {
		return t.rootLeaf, 0
	}
	below := 0
	nd := t.root
	for h := t.height; ; h-- {
		i, b := t.childFind(nd, s, m, ref)
		below += b
		if h == 1 {
			return nd.leafs[i], below
		}
		nd = nd.kids[i]
	}
}

// ---- insert ----

// insert adds the entry (s, ref) whose member is m (not present yet).
func (t *tree) insert(s float64, m []byte, ref uint32) {
	t.n++
	if t.height == 0 {
		if t.rootLeaf == nil {
			lf := &leaf{}
			t.rootLeaf, t.head, t.tail = lf, lf, lf
		}
		if r := t.leafInsert(t.rootLeaf, s, m, ref); r != nil {
			nd := &inner{n: 2, total: t.n}
			nd.setLeaf(0, t.rootLeaf)
			nd.setLeaf(1, r)
			t.root, t.rootLeaf, t.height = nd, nil, 1
		}
		return
	}
	if r := t.innerInsert(t.root, t.height, s, m, ref); r != nil {
		nd := &inner{n: 2, total: t.n}
		nd.setInner(0, t.root)
		nd.setInner(1, r)
		t.root = nd
		t.height++
	}
}

func leafInsertAt(lf *leaf, pos int, s float64, ref uint32) {
	n := int(lf.n)
	copy(lf.score[pos+1:n+1], lf.score[pos:n])
	copy(lf.ref[pos+1:n+1], lf.ref[pos:n])
	lf.score[pos], lf.ref[pos] = s, ref
	lf.n++
}

// leafInsert inserts into lf, splitting it when full; it returns the new
// right sibling of a split (already linked), or nil.
func (t *tree) leafInsert(lf *leaf, s float64, m []byte, ref uint32) *leaf {
	pos := t.leafSearch(lf, s, m, true)
	if lf.n < leafCap {
		leafInsertAt(lf, pos, s, ref)
		return nil
	}
	n := int(lf.n)
	sp := n / 2
	switch {
	case lf.next == nil && pos == n: // appending: keep lf full
		sp = n
	case lf.prev == nil && pos == 0: // prepending: lf keeps only the new one
		sp = 0
	}
	r := &leaf{n: int32(n - sp)}
	copy(r.score[:], lf.score[sp:n])
	copy(r.ref[:], lf.ref[sp:n])
	lf.n = int32(sp)
	r.prev, r.next = lf, lf.next
	if lf.next != nil {
		lf.next.prev = r
	} else {
		t.tail = r
	}
	lf.next = r
	if pos <= sp && int(lf.n) < leafCap {
		leafInsertAt(lf, pos, s, ref)
	} else {
		leafInsertAt(r, pos-sp, s, ref)
	}
	return r
}

func (nd *inner) insertChild(i int) {
	copy(nd.count[i+1:nd.n+1], nd.count[i:nd.n])
	copy(nd.minS[i+1:nd.n+1], nd.minS[i:nd.n])
	copy(nd.minR[i+1:nd.n+1], nd.minR[i:nd.n])
	copy(nd.leafs[i+1:nd.n+1], nd.leafs[i:nd.n])
	copy(nd.kids[i+1:nd.n+1], nd.kids[i:nd.n])
	nd.n++
}

func (nd *inner) removeChild(i int) {
	copy(nd.count[i:], nd.count[i+1:nd.n])
	copy(nd.minS[i:], nd.minS[i+1:nd.n])
	copy(nd.minR[i:], nd.minR[i+1:nd.n])
	copy(nd.leafs[i:], nd.leafs[i+1:nd.n])
	copy(nd.kids[i:], nd.kids[i+1:nd.n])
	nd.n--
	nd.leafs[nd.n], nd.kids[nd.n] = nil, nil
}

func (t *tree) innerInsert(nd *inner, h int, s float64, m []byte, ref uint32) *inner {
	i := t.childSearch(nd, s, m)
	if h == 1 {
		r := t.leafInsert(nd.leafs[i], s, m, ref)
		nd.setLeaf(i, nd.leafs[i])
		if r != nil {
			nd.insertChild(i + 1)
			nd.setLeaf(i+1, r)
		}
	} else {
		r := t.innerInsert(nd.kids[i], h-1, s, m, ref)
		nd.setInner(i, nd.kids[i])
		if r != nil {
			nd.insertChild(i + 1)
			nd.setInner(i+1, r)
		}
	}
	nd.total++
	if nd.n <= innerCap {
		return nil
	}
	// Split: the right half moves to a new node.
	sp := nd.n / 2
	r := &inner{}
	for j := sp; j < nd.n; j++ {
		k := j - sp
		r.count[k], r.minS[k], r.minR[k] = nd.count[j], nd.minS[j], nd.minR[j]
		r.leafs[k], r.kids[k] = nd.leafs[j], nd.kids[j]
		r.total += nd.count[j]
		nd.leafs[j], nd.kids[j] = nil, nil
	}
	r.n = nd.n - sp
	nd.n = sp
	nd.total -= r.total
	return r
}

// ---- delete ----

// delete removes the entry (s, ref) whose member is m; false if absent.
func (t *tree) delete(s float64, m []byte, ref uint32) bool {
	if t.n == 0 {
		return false
	}
	var ok bool
	if t.height == 0 {
		ok = leafDelete(t.rootLeaf, s, ref)
	} else {
		ok = t.innerDelete(t.root, t.height, s, m, ref)
	}
	if !ok {
		return false
	}
	t.n--
	if t.n == 0 {
		*t = tree{tab: t.tab}
		return true
	}
	for t.height > 0 && t.root.n == 1 {
		if t.height == 1 {
			t.rootLeaf = t.root.leafs[0]
			t.root = nil
		} else {
			t.root = t.root.kids[0]
		}
		t.height--
	}
	return true
}

func leafDelete(lf *leaf, s float64, ref uint32) bool {
	pos := leafFind(lf, s, ref)
	if pos < 0 {
		return false
	}
	n := int(lf.n)
	copy(lf.score[pos:], lf.score[pos+1:n])
	copy(lf.ref[pos:], lf.ref[pos+1:n])
	lf.n--
	return true
}

func (t *tree) innerDelete(nd *inner, h int, s float64, m []byte, ref uint32) bool {
	i, _ := t.childFind(nd, s, m, ref)
	if h == 1 {
		lf := nd.leafs[i]
		if !leafDelete(lf, s, ref) {
			return false
		}
		nd.total--
		nd.setLeaf(i, lf)
		if lf.n < leafMin {
			t.rebalanceLeaves(nd, i)
		}
		return true
	}
	c := nd.kids[i]
	if !t.innerDelete(c, h-1, s, m, ref) {
		return false
	}
	nd.total--
	nd.setInner(i, c)
	if c.n < innerMin {
		t.rebalanceInners(nd, i)
	}
	return true
}

// siblings picks the pair (a, a+1) of children to rebalance around i.
func siblings(nd *inner, i int) (int, bool) {
	if nd.n < 2 {
		return 0, false
	}
	if i+1 < nd.n {
		return i, true
	}
	return i - 1, true
}

func (t *tree) rebalanceLeaves(nd *inner, i int) {
	a, ok := siblings(nd, i)
	if !ok {
		return
	}
	l, r := nd.leafs[a], nd.leafs[a+1]
	ln, rn := int(l.n), int(r.n)
	if ln+rn <= leafCap {
		// Merge r into l.
		copy(l.score[ln:], r.score[:rn])
		copy(l.ref[ln:], r.ref[:rn])
		l.n += r.n
		l.next = r.next
		if r.next != nil {
			r.next.prev = l
		} else {
			t.tail = l
		}
		nd.removeChild(a + 1)
		nd.setLeaf(a, l)
		return
	}
	// Redistribute evenly.
	want := (ln + rn) / 2
	if ln < want { // move from the front of r to the back of l
		k := want - ln
		copy(l.score[ln:], r.score[:k])
		copy(l.ref[ln:], r.ref[:k])
		copy(r.score[:], r.score[k:rn])
		copy(r.ref[:], r.ref[k:rn])
		l.n, r.n = int32(ln+k), int32(rn-k)
	} else { // move from the back of l to the front of r
		k := ln - want
		copy(r.score[k:], r.score[:rn])
		copy(r.ref[k:], r.ref[:rn])
		copy(r.score[:k], l.score[ln-k:ln])
		copy(r.ref[:k], l.ref[ln-k:ln])
		l.n, r.n = int32(ln-k), int32(rn+k)
	}
	nd.setLeaf(a, l)
	nd.setLeaf(a+1, r)
}

func (t *tree) rebalanceInners(nd *inner, i int) {
	a, ok := siblings(nd, i)
	if !ok {
		return
	}
	l, r := nd.kids[a], nd.kids[a+1]
	if l.n+r.n <= innerCap {
		for j := 0; j < r.n; j++ {
			k := l.n + j
			l.count[k], l.minS[k], l.minR[k] = r.count[j], r.minS[j], r.minR[j]
			l.leafs[k], l.kids[k] = r.leafs[j], r.kids[j]
		}
		l.n += r.n
		l.total += r.total
		nd.removeChild(a + 1)
		nd.setInner(a, l)
		return
	}
	want := (l.n + r.n) / 2
	for l.n < want { // move r's first child to l's end
		k := l.n
		l.count[k], l.minS[k], l.minR[k] = r.count[0], r.minS[0], r.minR[0]
		l.leafs[k], l.kids[k] = r.leafs[0], r.kids[0]
		l.n++
		l.total += r.count[0]
		r.total -= r.count[0]
		r.removeChild(0)
	}
	for l.n > want { // move l's last child to r's front
		k := l.n - 1
		r.insertChild(0)
		r.count[0], r.minS[0], r.minR[0] = l.count[k], l.minS[k], l.minR[k]
		r.leafs[0], r.kids[0] = l.leafs[k], l.kids[k]
		r.total += l.count[k]
		l.total -= l.count[k]
		l.leafs[k], l.kids[k] = nil, nil
		l.n--
	}
	nd.setInner(a, l)
	nd.setInner(a+1, r)
}

// ---- positions ----

// pos is an entry position: a leaf and an index in it (lf nil: none).
type pos struct {
	lf *leaf
	i  int
}

func (p pos) valid() bool           { return p.lf != nil }
func (p pos) score() float64        { return p.lf.score[p.i] }
func (p pos) ref() uint32           { return p.lf.ref[p.i] }
func (t *tree) member(p pos) []byte { return t.tab.Key(p.lf.ref[p.i]) }

func (p pos) next() pos {
	p.i++
	if p.i >= int(p.lf.n) {
		p.lf, p.i = p.lf.next, 0
	}
	return p
}

func (p pos) prev() pos {
	p.i--
	if p.i < 0 {
		p.lf = p.lf.prev
		if p.lf != nil {
			p.i = int(p.lf.n) - 1
		}
	}
	return p
}

func (t *tree) first() pos {
	if t.n == 0 {
		return pos{}
	}
	return pos{t.head, 0}
}

func (t *tree) last() pos {
	if t.n == 0 {
		return pos{}
	}
	return pos{t.tail, int(t.tail.n) - 1}
}

// rank is the 0-based rank of the entry (s, ref) whose member is m, or -1
// if absent.
func (t *tree) rank(s float64, m []byte, ref uint32) int {
	if t.n == 0 {
		return -1
	}
	lf, below := t.findLeaf(s, m, ref)
	p := leafFind(lf, s, ref)
	if p < 0 {
		return -1
	}
	return below + p
}

// at is the position of the entry of 0-based rank r (0 <= r < n).
func (t *tree) at(r int) pos {
	if r < 0 || r >= t.n {
		return pos{}
	}
	if t.height == 0 {
		return pos{t.rootLeaf, r}
	}
	// Near the ends the leaf chain is quicker than a descent.
	if r < int(t.head.n) {
		return pos{t.head, r}
	}
	if k := t.n - 1 - r; k < int(t.tail.n) {
		return pos{t.tail, int(t.tail.n) - 1 - k}
	}
	nd := t.root
	for h := t.height; ; h-- {
		i := 0
		for r >= nd.count[i] {
			r -= nd.count[i]
			i++
		}
		if h == 1 {
			return pos{nd.leafs[i], r}
		}
		nd = nd.kids[i]
	}
}

// seek returns the first entry for which pred holds (pred must be false
// then true along the order), and its rank; an invalid position and n
// when there is none.
func (t *tree) seek(pred func(s float64, ref uint32) bool) (pos, int) {
	if t.n == 0 {
		return pos{}, 0
	}
	r := 0
	lf := t.rootLeaf
	if t.height > 0 {
		nd := t.root
		for h := t.height; ; h-- {
			lo, hi := 0, nd.n
			for lo < hi {
				mid := int(uint(lo+hi) >> 1)
				if pred(nd.minS[mid], nd.minR[mid]) {
					hi = mid
				} else {
					lo = mid + 1
				}
			}
			i := max(lo-1, 0)
			for k := 0; k < i; k++ {
				r += nd.count[k]
			}
			if h == 1 {
				lf = nd.leafs[i]
				break
			}
			nd = nd.kids[i]
		}
	}
	lo, hi := 0, int(lf.n)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if pred(lf.score[mid], lf.ref[mid]) {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	r += lo
	if lo == int(lf.n) {
		if lf.next == nil {
			return pos{}, t.n
		}
		return pos{lf.next, 0}, r
	}
	return pos{lf, lo}, r
}

// updateInPlace changes the score of the entry (s, ref), whose member is
// m, to ns when the entry keeps its place among its leaf neighbours; false
// means the caller must delete and reinsert.
func (t *tree) updateInPlace(s float64, m []byte, ref uint32, ns float64) bool {
	if t.n == 0 {
		return false
	}
	lf, _ := t.findLeaf(s, m, ref)
	p := leafFind(lf, s, ref)
	if p <= 0 || p >= int(lf.n)-1 {
		return false
	}
	if t.cmp(ns, m, lf.score[p-1], lf.ref[p-1]) <= 0 || t.cmp(ns, m, lf.score[p+1], lf.ref[p+1]) >= 0 {
		return false
	}
	lf.score[p] = ns
	return true
}

// remap rewrites every ref through fn (after the arena was compacted).
func (t *tree) remap(fn func(uint32) uint32) {
	for lf := t.head; lf != nil; lf = lf.next {
		for i := 0; i < int(lf.n); i++ {
			lf.ref[i] = fn(lf.ref[i])
		}
	}
	var walk func(nd *inner, h int)
	walk = func(nd *inner, h int) {
		for i := 0; i < nd.n; i++ {
			nd.minR[i] = fn(nd.minR[i])
			if h > 1 {
				walk(nd.kids[i], h-1)
			}
		}
	}
	if t.height > 0 {
		walk(t.root, t.height)
	}
}

// nodeBytes is the memory held by the tree's nodes.
func (t *tree) nodeBytes() int {
	const leafBytes, innerBytes = 1024, 2400
	leaves := 0
	for lf := t.head; lf != nil; lf = lf.next {
		leaves++
	}
	inners := 0
	var walk func(nd *inner, h int)
	walk = func(nd *inner, h int) {
		inners++
		if h > 1 {
			for i := 0; i < nd.n; i++ {
				walk(nd.kids[i], h-1)
			}
		}
	}
	if t.height > 0 {
		walk(t.root, t.height)
	}
	return leaves*leafBytes + inners*innerBytes
}
