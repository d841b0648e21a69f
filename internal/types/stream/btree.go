package stream

// btree is an ordered map: the pending entries lists (by ID), the
// consumers of a group and the groups of a stream (by name, in byte order,
// as Valkey's radix trees keep them). Values live inside the tree's nodes,
// so a PEL entry costs no allocation of its own.
//
// A classic B-tree of minimum degree btreeDegree: every node but the root
// holds between btreeDegree-1 and 2*btreeDegree-1 items; inner nodes have
// one more child than items. Insertion splits full nodes on the way down
// and deletion tops up thin ones on the way down, so both are one pass.
//
// Pointers returned by ptr stay valid only until the next insert or delete.

const btreeDegree = 16

const btreeMaxItems = 2*btreeDegree - 1

// A node keeps its keys and its values in separate arrays: a search reads
// only keys (an ID is 16 bytes, a PEL item 40), so it touches fewer cache
// lines in trees too big for the cache, where lookups (XACK, XCLAIM of
// random IDs) spend their time waiting for memory.
type btreeNode[K, V any] struct {
	keys     []K
	vals     []V
	children []*btreeNode[K, V] // nil for a leaf
}

type btree[K, V any] struct {
	root *btreeNode[K, V]
	n    int
	cmp  func(a, b K) int
}

func newBtree[K, V any](cmp func(a, b K) int) *btree[K, V] {
	return &btree[K, V]{cmp: cmp}
}

// Len is the number of items.
func (t *btree[K, V]) Len() int { return t.n }

// insertAt inserts x at s[i].
func insertAt[T any](s []T, i int, x T) []T {
	var zero T
	s = append(s, zero)
	copy(s[i+1:], s[i:])
	s[i] = x
	return s
}

// removeAt removes s[i], clearing the slot it frees (no stale pointers).
func removeAt[T any](s []T, i int) []T {
	copy(s[i:], s[i+1:])
	var zero T
	s[len(s)-1] = zero
	return s[:len(s)-1]
}

// find is the index of the first key >= k in n, and whether it equals k.
func (t *btree[K, V]) find(n *btreeNode[K, V], k K) (int, bool) {
	keys := n.keys
	lo, hi := 0, len(keys)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if t.cmp(keys[m], k) < 0 {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo, lo < len(keys) && t.cmp(keys[lo], k) == 0
}

// ptr returns a pointer to the value of k, or nil.
func (t *btree[K, V]) ptr(k K) *V {
	for n := t.root; n != nil; {
		i, ok := t.find(n, k)
		if ok {
			return &n.vals[i]
		}
		if n.children == nil {
			return nil
		}
		n = n.children[i]
	}
	return nil
}

// get returns the value of k.
func (t *btree[K, V]) get(k K) (V, bool) {
	if p := t.ptr(k); p != nil {
		return *p, true
	}
	var zero V
	return zero, false
}

// insert adds k with v if k is absent and reports whether it did.
func (t *btree[K, V]) insert(k K, v V) bool {
	p, added := t.upsert(k)
	if added {
		*p = v
	}
	return added
}

// upsert returns a pointer to the value of k, adding k with a zero value
// if it is absent (added reports that), in one pass down the tree: full
// nodes are split on the way whether or not k turns out to be there,
// which leaves a valid tree either way.
func (t *btree[K, V]) upsert(k K) (p *V, added bool) {
	var zero V
	if t.root == nil {
		t.root = &btreeNode[K, V]{keys: []K{k}, vals: []V{zero}}
		t.n = 1
		return &t.root.vals[0], true
	}
	if len(t.root.keys) == btreeMaxItems {
		old := t.root
		t.root = &btreeNode[K, V]{children: []*btreeNode[K, V]{old}}
		t.split(t.root, 0)
	}
	n := t.root
	for {
		i, found := t.find(n, k)
		if found {
			return &n.vals[i], false
		}
		if n.children == nil {
			n.keys = insertAt(n.keys, i, k)
			n.vals = insertAt(n.vals, i, zero)
			t.n++
			return &n.vals[i], true
		}
		if len(n.children[i].keys) == btreeMaxItems {
			t.split(n, i)
			switch c := t.cmp(k, n.keys[i]); {
			case c == 0:
				return &n.vals[i], false
			case c > 0:
				i++
			}
		}
		n = n.children[i]
	}
}

// split splits the full child i of n around its median item.
func (t *btree[K, V]) split(n *btreeNode[K, V], i int) {
	c := n.children[i]
	mid := btreeDegree - 1
	right := &btreeNode[K, V]{
		keys: append([]K(nil), c.keys[mid+1:]...),
		vals: append([]V(nil), c.vals[mid+1:]...),
	}
	if c.children != nil {
		right.children = append([]*btreeNode[K, V](nil), c.children[mid+1:]...)
		clear(c.children[mid+1:])
		c.children = c.children[:mid+1]
	}
	mk, mv := c.keys[mid], c.vals[mid]
	clear(c.keys[mid:])
	clear(c.vals[mid:])
	c.keys, c.vals = c.keys[:mid], c.vals[:mid]
	n.keys = insertAt(n.keys, i, mk)
	n.vals = insertAt(n.vals, i, mv)
	n.children = insertAt(n.children, i+1, right)
}

// delete removes k and returns its value.
func (t *btree[K, V]) delete(k K) (V, bool) {
	var zero V
	if t.root == nil {
		return zero, false
	}
	v, ok := t.remove(t.root, k)
	if len(t.root.keys) == 0 {
		if t.root.children != nil {
			t.root = t.root.children[0]
		} else {
			t.root = nil
		}
	}
	if ok {
		t.n--
	}
	return v, ok
}

// remove deletes k from the subtree at n, which has at least btreeDegree
// items unless it is the root.
func (t *btree[K, V]) remove(n *btreeNode[K, V], k K) (V, bool) {
	i, found := t.find(n, k)
	if n.children == nil {
		if !found {
			var zero V
			return zero, false
		}
		v := n.vals[i]
		n.keys = removeAt(n.keys, i)
		n.vals = removeAt(n.vals, i)
		return v, true
	}
	if found {
		v := n.vals[i]
		switch {
		case len(n.children[i].keys) >= btreeDegree:
			// Replace with the predecessor, removed from the left child.
			pk, pv := t.maxItem(n.children[i])
			n.keys[i], n.vals[i] = pk, pv
			t.remove(n.children[i], pk)
		case len(n.children[i+1].keys) >= btreeDegree:
			sk, sv := t.minItem(n.children[i+1])
			n.keys[i], n.vals[i] = sk, sv
			t.remove(n.children[i+1], sk)
		default:
			t.merge(n, i)
			t.remove(n.children[i], k)
		}
		return v, true
	}
	if len(n.children[i].keys) < btreeDegree {
		i = t.fill(n, i)
	}
	return t.remove(n.children[i], k)
}

func (t *btree[K, V]) maxItem(n *btreeNode[K, V]) (K, V) {
	for n.children != nil {
		n = n.children[len(n.children)-1]
	}
	last := len(n.keys) - 1
	return n.keys[last], n.vals[last]
}

func (t *btree[K, V]) minItem(n *btreeNode[K, V]) (K, V) {
	for n.children != nil {
		n = n.children[0]
	}
	return n.keys[0], n.vals[0]
}

// fill gives child i of n at least btreeDegree items, borrowing from a
// sibling or merging with one; it returns the index of the child that now
// covers the keys child i covered.
func (t *btree[K, V]) fill(n *btreeNode[K, V], i int) int {
	c := n.children[i]
	switch {
	case i > 0 && len(n.children[i-1].keys) >= btreeDegree:
		// Rotate right: the separator comes down to c's front, l's last
		// item goes up.
		l := n.children[i-1]
		last := len(l.keys) - 1
		c.keys = insertAt(c.keys, 0, n.keys[i-1])
		c.vals = insertAt(c.vals, 0, n.vals[i-1])
		n.keys[i-1], n.vals[i-1] = l.keys[last], l.vals[last]
		l.keys = removeAt(l.keys, last)
		l.vals = removeAt(l.vals, last)
		if l.children != nil {
			c.children = insertAt(c.children, 0, l.children[len(l.children)-1])
			l.children = removeAt(l.children, len(l.children)-1)
		}
		return i
	case i < len(n.children)-1 && len(n.children[i+1].keys) >= btreeDegree:
		// Rotate left.
		r := n.children[i+1]
		c.keys = append(c.keys, n.keys[i])
		c.vals = append(c.vals, n.vals[i])
		n.keys[i], n.vals[i] = r.keys[0], r.vals[0]
		r.keys = removeAt(r.keys, 0)
		r.vals = removeAt(r.vals, 0)
		if r.children != nil {
			c.children = append(c.children, r.children[0])
			r.children = removeAt(r.children, 0)
		}
		return i
	case i < len(n.children)-1:
		t.merge(n, i)
		return i
	default:
		t.merge(n, i-1)
		return i - 1
	}
}

// merge joins child i+1 and the item between them into child i.
func (t *btree[K, V]) merge(n *btreeNode[K, V], i int) {
	l, r := n.children[i], n.children[i+1]
	l.keys = append(append(l.keys, n.keys[i]), r.keys...)
	l.vals = append(append(l.vals, n.vals[i]), r.vals...)
	if l.children != nil {
		l.children = append(l.children, r.children...)
	}
	n.keys = removeAt(n.keys, i)
	n.vals = removeAt(n.vals, i)
	n.children = removeAt(n.children, i+1)
}

// seek returns the first key >= k and a pointer to its value.
func (t *btree[K, V]) seek(k K) (K, *V, bool) {
	var bestN *btreeNode[K, V]
	best := 0
	for n := t.root; n != nil; {
		i, ok := t.find(n, k)
		if ok {
			return n.keys[i], &n.vals[i], true
		}
		if i < len(n.keys) {
			bestN, best = n, i
		}
		if n.children == nil {
			break
		}
		n = n.children[i]
	}
	if bestN == nil {
		var zero K
		return zero, nil, false
	}
	return bestN.keys[best], &bestN.vals[best], true
}

// min and max return the smallest and largest keys.
func (t *btree[K, V]) min() (K, *V, bool) {
	if t.root == nil {
		var zero K
		return zero, nil, false
	}
	n := t.root
	for n.children != nil {
		n = n.children[0]
	}
	return n.keys[0], &n.vals[0], true
}

func (t *btree[K, V]) max() (K, *V, bool) {
	if t.root == nil {
		var zero K
		return zero, nil, false
	}
	n := t.root
	for n.children != nil {
		n = n.children[len(n.children)-1]
	}
	last := len(n.keys) - 1
	return n.keys[last], &n.vals[last], true
}

// ascend calls fn for every item with key >= from, in order, until fn
// returns false. fn must not change the tree.
func (t *btree[K, V]) ascend(from K, fn func(k K, v *V) bool) {
	if t.root != nil {
		t.ascendNode(t.root, &from, fn)
	}
}

// ascendAll calls fn for every item in order until fn returns false.
func (t *btree[K, V]) ascendAll(fn func(k K, v *V) bool) {
	if t.root != nil {
		t.ascendNode(t.root, nil, fn)
	}
}

func (t *btree[K, V]) ascendNode(n *btreeNode[K, V], from *K, fn func(k K, v *V) bool) bool {
	i := 0
	if from != nil {
		i, _ = t.find(n, *from)
	}
	for ; i < len(n.keys); i++ {
		if n.children != nil && !t.ascendNode(n.children[i], from, fn) {
			return false
		}
		from = nil // everything after the first descent is >= from
		if !fn(n.keys[i], &n.vals[i]) {
			return false
		}
	}
	if n.children != nil {
		return t.ascendNode(n.children[len(n.keys)], from, fn)
	}
	return true
}

// clone copies the tree, mapping values with f.
func (t *btree[K, V]) clone(f func(V) V) *btree[K, V] {
	c := &btree[K, V]{n: t.n, cmp: t.cmp}
	if t.root != nil {
		c.root = cloneNode(t.root, f)
	}
	return c
}

func cloneNode[K, V any](n *btreeNode[K, V], f func(V) V) *btreeNode[K, V] {
	c := &btreeNode[K, V]{
		keys: append(make([]K, 0, cap(n.keys)), n.keys...),
		vals: make([]V, len(n.vals), cap(n.vals)),
	}
	for i, v := range n.vals {
		c.vals[i] = f(v)
	}
	if n.children != nil {
		c.children = make([]*btreeNode[K, V], len(n.children), cap(n.children))
		for i, ch := range n.children {
			c.children[i] = cloneNode(ch, f)
		}
	}
	return c
}

// nodes counts the tree's nodes and item slots (MEMORY USAGE).
func (t *btree[K, V]) nodes() (nodes, slots int) {
	var walk func(n *btreeNode[K, V])
	walk = func(n *btreeNode[K, V]) {
		nodes++
		slots += cap(n.keys)
		for _, c := range n.children {
			walk(c)
		}
	}
	if t.root != nil {
		walk(t.root)
	}
	return nodes, slots
}
