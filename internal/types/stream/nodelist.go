package stream

// nodeList holds a stream's nodes in order, in chunks of at most
// nodeChunk nodes:
//
//	chunks[0]         chunks[1] ... chunks[k-1]   chunks[k]
//	[live tail of a   [nodeChunk nodes, full]     [partly used,
//	 trimmed chunk]                                 cap nodeChunk]
//
// Every chunk but the first and the last is full. The first chunk is
// resliced as nodes are trimmed off the head (so trimming is O(1)) and
// dropped when it empties; only the last chunk has free room. While the
// stream has a single chunk it grows by doubling, up to nodeChunk, so a
// small stream holds a small array.
//
// Rejected: one slice grown by append (what this replaced). Past a few
// hundred nodes each growth copies the whole index and leaves the old
// array as garbage, and the new array has up to twice the room needed:
// at 1M small entries (10,000 nodes) that was 0.4 B/entry of slack and
// as much again of garbage. Here a growth allocates one chunk and copies
// nothing, and the room unused is less than one chunk.
type nodeList struct {
	chunks [][]node
	n      int
}

// nodeChunk is the nodes per chunk: 256 nodes of 40 bytes, an exact Go
// size class (10 KiB).
const nodeChunk = 256

// Len is the number of nodes.
func (l *nodeList) Len() int { return l.n }

// at returns node i (0 <= i < Len()).
func (l *nodeList) at(i int) *node {
	first := l.chunks[0]
	if i < len(first) {
		return &first[i]
	}
	i -= len(first)
	return &l.chunks[1+i/nodeChunk][i%nodeChunk]
}

// last returns the last node, nil when there is none.
func (l *nodeList) last() *node {
	if l.n == 0 {
		return nil
	}
	c := l.chunks[len(l.chunks)-1]
	return &c[len(c)-1]
}

// push appends nd.
func (l *nodeList) push(nd node) {
	k := len(l.chunks) - 1
	switch {
	case k < 0:
		l.chunks = append(l.chunks, make([]node, 0, 4))
		k = 0
	case len(l.chunks[k]) < cap(l.chunks[k]):
	case k == 0 && len(l.chunks[0]) < nodeChunk:
		// The only chunk is full: double it (compacting a trimmed head).
		c := make([]node, len(l.chunks[0]), min(nodeChunk, max(4, 2*len(l.chunks[0]))))
		copy(c, l.chunks[0])
		l.chunks[0] = c
	default:
		l.chunks = append(l.chunks, make([]node, 0, nodeChunk))
		k++
	}
	l.chunks[k] = append(l.chunks[k], nd)
	l.n++
}

// popFront drops the first node.
func (l *nodeList) popFront() {
	first := l.chunks[0]
	first[0] = node{}
	l.chunks[0] = first[1:]
	l.n--
	if len(l.chunks[0]) == 0 && len(l.chunks) > 1 {
		l.chunks[0] = nil
		l.chunks = l.chunks[1:]
	}
}

// remove drops node i, moving the nodes after it down by one.
func (l *nodeList) remove(i int) {
	if i == 0 {
		l.popFront()
		return
	}
	// Find i's chunk, then shift each chunk from there, carrying the
	// first node of the next chunk into the freed last slot.
	k := 0
	for i >= len(l.chunks[k]) {
		i -= len(l.chunks[k])
		k++
	}
	for ; k < len(l.chunks); k++ {
		c := l.chunks[k]
		copy(c[i:], c[i+1:])
		if k+1 < len(l.chunks) {
			c[len(c)-1] = l.chunks[k+1][0]
		}
		i = 0
	}
	k = len(l.chunks) - 1
	c := l.chunks[k]
	c[len(c)-1] = node{}
	l.chunks[k] = c[:len(c)-1]
	l.n--
	if len(l.chunks[k]) == 0 && k > 0 {
		l.chunks[k] = nil
		l.chunks = l.chunks[:k]
	}
}

// search is the index of the last node whose master is <= id, or -1.
func (l *nodeList) search(id ID) int {
	if l.n == 0 {
		return -1
	}
	// The chunk: the last whose first master is <= id.
	lo, hi := 0, len(l.chunks)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if id.Less(l.chunks[m][0].master) {
			hi = m
		} else {
			lo = m + 1
		}
	}
	if lo == 0 {
		return -1
	}
	k := lo - 1
	c := l.chunks[k]
	lo, hi = 0, len(c)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if id.Less(c[m].master) {
			hi = m
		} else {
			lo = m + 1
		}
	}
	base := 0
	if k > 0 {
		base = len(l.chunks[0]) + (k-1)*nodeChunk
	}
	return base + lo - 1
}

// slots is the room the chunks hold, in nodes (MEMORY USAGE).
func (l *nodeList) slots() int {
	n := 0
	for _, c := range l.chunks {
		n += cap(c)
	}
	return n
}

// each calls fn with every node in order until fn returns false.
func (l *nodeList) each(fn func(n *node) bool) {
	for _, c := range l.chunks {
		for i := range c {
			if !fn(&c[i]) {
				return
			}
		}
	}
}
