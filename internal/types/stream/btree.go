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

type btreeItem[K, V any] struct {
	k K
	v V
}

type btreeNode[K, V any] struct {
	items    []btreeItem[K, V]
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

// find is the index of the first item >= k in n, and whether it equals k.
func (t *btree[K, V]) find(n *btreeNode[K, V], k K) (int, bool) {
	lo, hi := 0, len(n.items)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if t.cmp(n.items[m].k, k) < 0 {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo, lo < len(n.items) && t.cmp(n.items[lo].k, k) == 0
}

// ptr returns a pointer to the value of k, or nil.
func (t *btree[K, V]) ptr(k K) *V {
	for n := t.root; n != nil; {
		i, ok := t.find(n, k)
		if ok {
			return &n.items[i].v
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
	if t.root == nil {
		t.root = &btreeNode[K, V]{items: []btreeItem[K, V]{{k: k}}}
		t.n = 1
		return &t.root.items[0].v, true
	}
	if len(t.root.items) == btreeMaxItems {
		old := t.root
		t.root = &btreeNode[K, V]{children: []*btreeNode[K, V]{old}}
		t.split(t.root, 0)
	}
	n := t.root
	for {
		i, found := t.find(n, k)
		if found {
			return &n.items[i].v, false
		}
		if n.children == nil {
			n.items = append(n.items, btreeItem[K, V]{})
			copy(n.items[i+1:], n.items[i:])
			n.items[i] = btreeItem[K, V]{k: k}
			t.n++
			return &n.items[i].v, true
		}
		if len(n.children[i].items) == btreeMaxItems {
			t.split(n, i)
			switch c := t.cmp(k, n.items[i].k); {
			case c == 0:
				return &n.items[i].v, false
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
	right := &btreeNode[K, V]{items: append([]btreeItem[K, V](nil), c.items[mid+1:]...)}
	if c.children != nil {
		right.children = append([]*btreeNode[K, V](nil), c.children[mid+1:]...)
		clear(c.children[mid+1:])
		c.children = c.children[:mid+1]
	}
	median := c.items[mid]
	clear(c.items[mid:])
	c.items = c.items[:mid]
	n.items = append(n.items, btreeItem[K, V]{})
	copy(n.items[i+1:], n.items[i:])
	n.items[i] = median
	n.children = append(n.children, nil)
	copy(n.children[i+2:], n.children[i+1:])
	n.children[i+1] = right
}

// delete removes k and returns its value.
func (t *btree[K, V]) delete(k K) (V, bool) {
	var zero V
	if t.root == nil {
		return zero, false
	}
	v, ok := t.remove(t.root, k)
	if len(t.root.items) == 0 {
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
		v := n.items[i].v
		copy(n.items[i:], n.items[i+1:])
		n.items[len(n.items)-1] = btreeItem[K, V]{}
		n.items = n.items[:len(n.items)-1]
		return v, true
	}
	if found {
		v := n.items[i].v
		switch {
		case len(n.children[i].items) >= btreeDegree:
			// Replace with the predecessor, removed from the left child.
			pred := t.maxItem(n.children[i])
			n.items[i] = pred
			t.remove(n.children[i], pred.k)
		case len(n.children[i+1].items) >= btreeDegree:
			succ := t.minItem(n.children[i+1])
			n.items[i] = succ
			t.remove(n.children[i+1], succ.k)
		default:
			t.merge(n, i)
			t.remove(n.children[i], k)
		}
		return v, true
	}
	if len(n.children[i].items) < btreeDegree {
		i = t.fill(n, i)
	}
	return t.remove(n.children[i], k)
}

func (t *btree[K, V]) maxItem(n *btreeNode[K, V]) btreeItem[K, V] {
	for n.children != nil {
		n = n.children[len(n.children)-1]
	}
	return n.items[len(n.items)-1]
}

func (t *btree[K, V]) minItem(n *btreeNode[K, V]) btreeItem[K, V] {
	for n.children != nil {
		n = n.children[0]
	}
	return n.items[0]
}

// fill gives child i of n at least btreeDegree items, borrowing from a
// sibling or merging with one; it returns the index of the child that now
// covers the keys child i covered.
func (t *btree[K, V]) fill(n *btreeNode[K, V], i int) int {
	c := n.children[i]
	switch {
	case i > 0 && len(n.children[i-1].items) >= btreeDegree:
		l := n.children[i-1]
		c.items = append(c.items, btreeItem[K, V]{})
		copy(c.items[1:], c.items)
		c.items[0] = n.items[i-1]
		n.items[i-1] = l.items[len(l.items)-1]
		l.items[len(l.items)-1] = btreeItem[K, V]{}
		l.items = l.items[:len(l.items)-1]
		if l.children != nil {
			c.children = append(c.children, nil)
			copy(c.children[1:], c.children)
			c.children[0] = l.children[len(l.children)-1]
			l.children[len(l.children)-1] = nil
			l.children = l.children[:len(l.children)-1]
		}
		return i
	case i < len(n.children)-1 && len(n.children[i+1].items) >= btreeDegree:
		r := n.children[i+1]
		c.items = append(c.items, n.items[i])
		n.items[i] = r.items[0]
		copy(r.items, r.items[1:])
		r.items[len(r.items)-1] = btreeItem[K, V]{}
		r.items = r.items[:len(r.items)-1]
		if r.children != nil {
			c.children = append(c.children, r.children[0])
			copy(r.children, r.children[1:])
			r.children[len(r.children)-1] = nil
			r.children = r.children[:len(r.children)-1]
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
	l.items = append(l.items, n.items[i])
	l.items = append(l.items, r.items...)
	if l.children != nil {
		l.children = append(l.children, r.children...)
	}
	copy(n.items[i:], n.items[i+1:])
	n.items[len(n.items)-1] = btreeItem[K, V]{}
	n.items = n.items[:len(n.items)-1]
	copy(n.children[i+1:], n.children[i+2:])
	n.children[len(n.children)-1] = nil
	n.children = n.children[:len(n.children)-1]
}

// seek returns the first key >= k and a pointer to its value.
func (t *btree[K, V]) seek(k K) (K, *V, bool) {
	var best *btreeItem[K, V]
	for n := t.root; n != nil; {
		i, ok := t.find(n, k)
		if ok {
			return n.items[i].k, &n.items[i].v, true
		}
		if i < len(n.items) {
			best = &n.items[i]
		}
		if n.children == nil {
			break
		}
		n = n.children[i]
	}
	if best == nil {
		var zero K
		return zero, nil, false
	}
	return best.k, &best.v, true
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
	return n.items[0].k, &n.items[0].v, true
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
	it := &n.items[len(n.items)-1]
	return it.k, &it.v, true
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
	for ; i < len(n.items); i++ {
		if n.children != nil && !t.ascendNode(n.children[i], from, fn) {
			return false
		}
		from = nil // everything after the first descent is >= from
		if !fn(n.items[i].k, &n.items[i].v) {
			return false
		}
	}
	if n.children != nil {
		return t.ascendNode(n.children[len(n.items)], from, fn)
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
	c := &btreeNode[K, V]{items: make([]btreeItem[K, V], len(n.items), cap(n.items))}
	for i, it := range n.items {
		c.items[i] = btreeItem[K, V]{it.k, f(it.v)}
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
		slots += cap(n.items)
		for _, c := range n.children {
			walk(c)
		}
	}
	if t.root != nil {
		walk(t.root)
	}
	return nodes, slots
}
