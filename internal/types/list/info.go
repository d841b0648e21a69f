package list

import "unsafe"

// Introspection: the figures MEMORY USAGE, DEBUG OBJECT and RDB need.

const (
	sizeofList      = int(unsafe.Sizeof(List{}))
	sizeofQuicklist = int(unsafe.Sizeof(quicklist{}))
	sizeofNode      = int(unsafe.Sizeof(node{}))
)

// MemoryUsage is the bytes the list holds: its own structures and the
// capacity of its listpacks. A quicklist's nodes are sampled (samples <= 0:
// all of them) and the average extrapolated, as Valkey's MEMORY USAGE.
func (l *List) MemoryUsage(samples int) int {
	if l.q == nil {
		return sizeofList + cap(l.lp)
	}
	q := l.q
	n := q.n()
	size := sizeofList + sizeofQuicklist + (cap(q.nodes)-n)*sizeofNode
	if n == 0 {
		return size
	}
	if samples <= 0 || samples > n {
		samples = n
	}
	sum := 0
	for i := 0; i < samples; i++ {
		sum += sizeofNode + cap(q.at(i).b)
	}
	return size + int(float64(sum)/float64(samples)*float64(n))
}

// QuicklistInfo describes a quicklist for DEBUG OBJECT: its node count, the
// fill and compress depth it was made with, and the bytes of its nodes.
// ok is false for a listpack list.
func (l *List) QuicklistInfo() (nodes, fill, compress, bytes int, ok bool) {
	if l.q == nil {
		return 0, 0, 0, 0, false
	}
	for _, nd := range l.q.live() {
		bytes += nd.sz()
	}
	return l.q.n(), l.q.fill, l.q.compress, bytes, true
}

// ForEachNode calls fn with each node's bytes, head to tail: a listpack,
// or (plain) one element. A listpack list is one packed node. This is the
// shape Valkey's RDB stores (RDB_TYPE_LIST_QUICKLIST_2). A listpack list's
// bytes and plain elements alias the list; a quicklist's packed nodes are
// made into listpacks for the call, in memory of their own.
func (l *List) ForEachNode(fn func(b []byte, plain bool)) {
	if l.q == nil {
		fn(l.lp, false)
		return
	}
	for i := range l.q.live() {
		nd := l.q.at(i)
		if nd.plain {
			fn(nd.b, true)
			continue
		}
		fn(dnToListpack(make([]byte, 0, nd.sz()), nd.b, int(nd.back)), false)
	}
}

// SerializedLength is the size of the list in an RDB file as Valkey writes
// it (RDB_TYPE_LIST_QUICKLIST_2: the node count, then each node's container
// type and bytes as a length-prefixed string), without LZF compression.
func (l *List) SerializedLength() int {
	if l.q == nil {
		return rdbLenLen(1) + 1 + rdbLenLen(len(l.lp)) + len(l.lp)
	}
	n := 0
	for _, nd := range l.q.live() {
		n += 1 + rdbLenLen(nd.sz()) + nd.sz()
	}
	return rdbLenLen(l.q.n()) + n
}

// rdbLenLen is the bytes of an RDB length prefix.
func rdbLenLen(n int) int {
	switch {
	case n < 1<<6:
		return 1
	case n < 1<<14:
		return 2
	case n <= 1<<32-1:
		return 5
	}
	return 9
}
