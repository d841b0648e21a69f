package list

import (
	"bytes"
	"strconv"

	"petrel/internal/num"
)

// List is a list value in one of Valkey's two encodings:
//
//   - listpack: one listpack holding every element, while the list is
//     within list-max-listpack-size;
//   - quicklist: a chain of nodes, each a listpack or one large element.
//
// A list never converts on its own: the caller asks before growing it
// (Push, Insert and Set do, as Valkey's listTypeTryConversionAppend) and
// after shrinking it (Shrink, which Remove, Trim and Set call themselves;
// pops leave it to the caller, as Valkey calls it once per command), with
// the configuration in force (Config).
//
// The zero value is not usable; New returns an empty list. A list holds no
// lock: its owner serialises access (the keyspace shard lock).
type List struct {
	lp []byte     // listpack encoding (q == nil)
	q  *quicklist // quicklist encoding
}

// Config is the configuration list operations follow.
type Config struct {
	Fill            int      // list-max-listpack-size
	Compress        int      // list-compress-depth (recorded in new quicklists)
	PackedThreshold int      // DEBUG QUICKLIST-PACKED-THRESHOLD; 0: decided by Fill
	Mem             *NodeMem // where new quicklists keep their packed nodes; nil: Go heap
}

// DefaultConfig is Valkey's default configuration.
var DefaultConfig = Config{Fill: -2}

// Value is one element: a string aliasing the list (valid until the list
// changes) or an integer.
type Value struct {
	B   []byte
	N   int64
	Int bool
}

func entryValue(b []byte, p int) Value {
	s, n, isInt := lpGet(b, p)
	return Value{B: s, N: n, Int: isInt}
}

// Append appends the element's bytes (integers in decimal) to dst.
func (v Value) Append(dst []byte) []byte {
	if v.Int {
		return strconv.AppendInt(dst, v.N, 10)
	}
	return append(dst, v.B...)
}

// Equal reports whether the element is s, as Valkey compares list
// elements: integers against s read as a canonical integer.
func (v Value) Equal(s []byte) bool {
	if v.Int {
		n, ok := num.ParseInt(s)
		return ok && n == v.N
	}
	return string(v.B) == string(s)
}

// New returns an empty list in the listpack encoding.
func New() *List { return &List{lp: lpNew(0)} }

// Len is the number of elements.
func (l *List) Len() int {
	if l.q != nil {
		return l.q.count
	}
	return lpLength(l.lp)
}

// IsQuicklist reports whether the list has the quicklist encoding.
func (l *List) IsQuicklist() bool { return l.q != nil }

// Grow converts a listpack list to a quicklist if adding count elements
// of addBytes bytes in all would take it past the limits of cfg.Fill
// (Valkey's listTypeTryConversionAppend).
func (l *List) Grow(cfg *Config, addBytes, count int) {
	if l.q != nil {
		return
	}
	n := lpLength(l.lp)
	if !exceedsLimit(cfg.Fill, len(l.lp)+addBytes, n+count) {
		return
	}
	q := newQuicklist(cfg.Fill, cfg.Compress, cfg.Mem)
	if n > 0 {
		q.insertNode(0, q.nodeFromListpack(l.lp))
		q.count = n
	}
	l.q, l.lp = q, nil
}

// Shrink converts a quicklist back to a listpack when it is a single
// packed node within half the limits of cfg.Fill (half, so that a list
// near the limit does not convert back and forth).
func (l *List) Shrink(cfg *Config) { l.toListpack(cfg, 2) }

// toListpack converts a single packed node within 1/div of the limits.
func (l *List) toListpack(cfg *Config, div int) {
	q := l.q
	if q == nil || q.n() != 1 || q.head().plain {
		return
	}
	size, count := nodeLimit(cfg.Fill)
	if q.head().sz() > size/div || q.count > count/div {
		return
	}
	hd := q.head()
	l.lp = dnToListpack(make([]byte, 0, hd.sz()), hd.b, int(hd.back))
	q.freeNode(hd)
	l.q = nil
}

// Push adds vals one by one at the head (each becoming the new first
// element, so they end up reversed) or at the tail, converting the list
// first if they would not fit its encoding.
func (l *List) Push(cfg *Config, head bool, vals ...[]byte) {
	add := 0
	for _, v := range vals {
		add += len(v)
	}
	l.Grow(cfg, add, len(vals))
	if l.q == nil {
		l.reserve(vals)
	}
	for _, v := range vals {
		if l.q != nil {
			add -= len(v)
			l.q.pending = add
		}
		l.push(cfg, head, v)
	}
	if l.q != nil {
		l.q.pending = 0
	}
}

// reserve makes room in a listpack list for vals at once: one allocation
// of the exact size for a new list (the common LPUSH/RPUSH of a few
// elements), the usual growth steps for a longer one.
func (l *List) reserve(vals [][]byte) {
	need := 0
	for _, v := range vals {
		e := encodeElement(v)
		need += e.size + backlenSize(e.size)
	}
	if len(l.lp)+need > cap(l.lp) {
		l.lp = growBytes(l.lp, need)[:len(l.lp)]
	}
}

func (l *List) push(cfg *Config, head bool, v []byte) {
	switch {
	case l.q != nil && head:
		l.q.pushHead(v, cfg.PackedThreshold)
	case l.q != nil:
		l.q.pushTail(v, cfg.PackedThreshold)
	case head:
		l.lp = lpPrepend(l.lp, v)
	default:
		l.lp = lpAppend(l.lp, v)
	}
}

// Pop removes the first (head) or last element and appends it to dst;
// false if the list is empty. The caller then calls Shrink.
func (l *List) Pop(head bool, dst []byte) ([]byte, bool) {
	if l.q == nil {
		p := lpLast(l.lp)
		if head {
			p = lpFirst(l.lp)
		}
		if p < 0 {
			return dst, false
		}
		dst = entryValue(l.lp, p).Append(dst)
		l.lp = lpDelete(l.lp, p)
		return dst, true
	}
	q := l.q
	if q.count == 0 {
		return dst, false
	}
	i := q.n() - 1
	if head {
		i = 0
	}
	nd := q.at(i)
	p := 0
	switch {
	case nd.plain:
		dst = append(dst, nd.b...)
	default:
		p = lpHdrSize
		if !head {
			p = q.lastOffset(i)
		}
		dst = nd.value(p).Append(dst)
	}
	q.deleteAt(i, p)
	return dst, true
}

// Index returns element i (negative: from the tail).
func (l *List) Index(i int) (Value, bool) {
	n := l.Len()
	if i < 0 {
		i += n
	}
	if i < 0 || i >= n {
		return Value{}, false
	}
	it := l.IterFrom(i, false)
	return it.Next()
}

// Set replaces element i (negative: from the tail) with v; false if there
// is no such element. As Valkey's LSET, the list may convert to a
// quicklist even then; after a replacement it may convert back.
func (l *List) Set(cfg *Config, i int, v []byte) bool {
	l.Grow(cfg, len(v), 1)
	n := l.Len()
	if i < 0 {
		i += n
	}
	if i < 0 || i >= n {
		return false
	}
	if l.q == nil {
		l.lp = lpReplace(l.lp, lpSeek(l.lp, i), v)
	} else {
		ni, off := l.q.locate(i)
		l.q.replace(ni, off, l.q.entryOffset(ni, off), v, cfg.PackedThreshold)
	}
	l.Shrink(cfg)
	return true
}

// Insert puts v before (or after) the first element equal to pivot,
// reporting whether pivot was found. As Valkey's LINSERT, the list may
// convert to a quicklist even when it is not.
func (l *List) Insert(cfg *Config, pivot, v []byte, after bool) bool {
	l.Grow(cfg, len(v), 1)
	if l.q == nil {
		for p := lpFirst(l.lp); p >= 0; p = lpNext(l.lp, p) {
			if lpEqual(l.lp, p, pivot) {
				if after {
					p += entryLen(l.lp, p)
				}
				l.lp = lpInsertAt(l.lp, p, v)
				return true
			}
		}
		return false
	}
	q := l.q
	for i := 0; i < q.n(); i++ {
		nd := q.at(i)
		if nd.plain {
			if bytes.Equal(nd.b, pivot) {
				q.insert(i, 0, 0, v, after, cfg.PackedThreshold)
				return true
			}
			continue
		}
		off := 0
		for p := lpFirst(nd.b); p >= 0; p = dnNext(nd.b, p) {
			if lpEqual(nd.b, p, pivot) {
				q.insert(i, off, p, v, after, cfg.PackedThreshold)
				return true
			}
			off++
		}
	}
	return false
}

// Remove deletes elements equal to v: the first count from the head
// (count > 0), the last -count from the tail (count < 0), or all (0). It
// returns how many went and converts the list back if it shrank enough.
func (l *List) Remove(cfg *Config, count int, v []byte) int {
	limit, fromTail := count, false
	if count < 0 {
		limit, fromTail = -count, true
	}
	var removed int
	if l.q == nil {
		removed = l.removeListpack(limit, fromTail, v)
	} else {
		removed = l.removeQuicklist(limit, fromTail, v)
	}
	if removed > 0 && l.Len() > 0 {
		l.Shrink(cfg)
	}
	return removed
}

func (l *List) removeListpack(limit int, fromTail bool, v []byte) int {
	removed := 0
	if !fromTail {
		for p := lpFirst(l.lp); p >= 0; {
			if !lpEqual(l.lp, p, v) {
				p = lpNext(l.lp, p)
				continue
			}
			l.lp = lpDelete(l.lp, p)
			if removed++; removed == limit {
				break
			}
			if l.lp[p] == lpEOF {
				break
			}
		}
		return removed
	}
	for p := lpLast(l.lp); p >= 0; {
		prev := lpPrev(l.lp, p)
		if lpEqual(l.lp, p, v) {
			l.lp = lpDelete(l.lp, p)
			if removed++; removed == limit {
				break
			}
		}
		p = prev
	}
	return removed
}

func (l *List) removeQuicklist(limit int, fromTail bool, v []byte) int {
	q := l.q
	removed := 0
	done := func() bool { return limit != 0 && removed == limit }
	if !fromTail {
		for i := 0; i < q.n() && !done(); {
			nd := q.at(i)
			if nd.plain {
				if bytes.Equal(nd.b, v) {
					q.deleteAt(i, 0)
					removed++
					continue
				}
				i++
				continue
			}
			gone := false
			for p := lpFirst(nd.b); p >= 0 && !done(); {
				if !lpEqual(nd.b, p, v) {
					p = dnNext(nd.b, p)
					continue
				}
				removed++
				if gone, p = q.deleteAt(i, p); gone {
					break
				}
			}
			if !gone {
				i++
			}
		}
		return removed
	}
	var offs []int32
	for i := q.n() - 1; i >= 0 && !done(); i-- {
		nd := q.at(i)
		if nd.plain {
			if bytes.Equal(nd.b, v) {
				q.deleteAt(i, 0)
				removed++
			}
			continue
		}
		// Deleting an element moves only those after it: the offsets of
		// the ones before, still to visit, hold.
		offs = append(offs[:0], q.offsets(i)...)
		for k := len(offs) - 1; k >= 0 && !done(); k-- {
			if p := int(offs[k]); lpEqual(nd.b, p, v) {
				removed++
				if gone, _ := q.deleteAt(i, p); gone {
					break
				}
			}
		}
	}
	return removed
}

// Trim keeps only the elements from start to stop (inclusive, negative
// from the tail), as LTRIM, and returns how many it removed. An empty
// range empties the list.
func (l *List) Trim(cfg *Config, start, stop int) int {
	n := l.Len()
	if start < 0 {
		start += n
	}
	if stop < 0 {
		stop += n
	}
	start = max(start, 0)
	var ltrim, rtrim int
	if start > stop || start >= n {
		ltrim, rtrim = n, 0
	} else {
		stop = min(stop, n-1)
		ltrim, rtrim = start, n-stop-1
	}
	l.DeleteRange(0, ltrim)
	l.DeleteRange(-rtrim, rtrim)
	if l.Len() > 0 {
		l.Shrink(cfg)
	}
	return ltrim + rtrim
}

// DeleteRange removes up to n elements from start (negative: from the
// tail). The caller then calls Shrink.
func (l *List) DeleteRange(start, n int) {
	if l.q != nil {
		l.q.delRange(start, n)
		return
	}
	l.lp = lpDeleteRange(l.lp, start, n)
}

// Pos finds elements equal to v, as LPOS: scanning from the head, or from
// the tail when rank < 0, skipping the first |rank|-1 matches, returning
// at most count indexes (0: all) and looking at no more than maxlen
// elements (0: all). Indexes count from the head and are appended to dst.
func (l *List) Pos(v []byte, rank, count, maxlen int, dst []int) []int {
	n := l.Len()
	if n == 0 {
		return dst
	}
	rev := rank < 0
	start := 0
	if rev {
		rank, start = -rank, n-1
	}
	it := l.IterFrom(start, rev)
	matches := 0
	for index := 0; maxlen == 0 || index < maxlen; index++ {
		e, ok := it.Next()
		if !ok {
			break
		}
		if !e.Equal(v) {
			continue
		}
		if matches++; matches < rank {
			continue
		}
		if rev {
			dst = append(dst, n-index-1)
		} else {
			dst = append(dst, index)
		}
		if count != 0 && matches-rank+1 >= count {
			break
		}
	}
	return dst
}

// Clone returns a deep copy in the same encoding.
func (l *List) Clone() *List {
	if l.q != nil {
		return &List{q: l.q.clone()}
	}
	return &List{lp: bytes.Clone(l.lp)}
}

// Iter walks a list from a position towards the tail or the head. It is
// a small value: keep it on the stack. The list must not change while it
// is in use.
type Iter struct {
	b     []byte     // current listpack (dense in a quicklist), or plain element
	p     int        // offset of the next entry in b; -1 when b is done
	plain bool       // b is a plain node's element
	q     *quicklist // nil for a listpack list
	ni    int        // node index in q
	rev   bool
	offs  []int32 // reverse in a dense node: its entry offsets,
	k     int     // and the index of the next entry
}

// IterFrom returns an iterator starting at element idx (0 <= idx < Len),
// going to the tail, or to the head when reverse.
func (l *List) IterFrom(idx int, reverse bool) Iter {
	if l.q == nil {
		return Iter{b: l.lp, p: lpSeek(l.lp, idx), rev: reverse}
	}
	ni, off := l.q.locate(idx)
	nd := l.q.at(ni)
	it := Iter{b: nd.b, plain: nd.plain, q: l.q, ni: ni, rev: reverse}
	if reverse && !nd.plain {
		it.offs = append(it.offs, l.q.offsets(ni)...)
		it.k, it.p = off, int(it.offs[off])
		return it
	}
	it.p = l.q.entryOffset(ni, off)
	return it
}

// Next returns the next element; false at the end.
func (it *Iter) Next() (Value, bool) {
	for it.p < 0 {
		if it.q == nil {
			return Value{}, false
		}
		if it.rev {
			it.ni--
		} else {
			it.ni++
		}
		if it.ni < 0 || it.ni >= it.q.n() {
			it.q = nil
			return Value{}, false
		}
		nd := it.q.at(it.ni)
		it.b, it.plain = nd.b, nd.plain
		switch {
		case nd.plain:
			it.p = 0
		case it.rev:
			it.offs = append(it.offs[:0], it.q.offsets(it.ni)...)
			it.k = len(it.offs) - 1
			it.p = int(it.offs[it.k])
		default:
			it.p = lpFirst(nd.b)
		}
	}
	if it.plain {
		it.p = -1
		return Value{B: it.b}, true
	}
	var s []byte
	var n int64
	var isInt bool
	var size int
	if c := it.b[it.p]; c&0xC0 == 0x80 { // a short string, the common case
		size = 1 + int(c&0x3F)
		s = it.b[it.p+1 : it.p+size]
	} else {
		s, n, isInt, size = lpDecode(it.b, it.p)
	}
	switch {
	case it.rev && it.q == nil:
		it.p = lpPrev(it.b, it.p)
	case it.rev:
		if it.k--; it.k >= 0 {
			it.p = int(it.offs[it.k])
		} else {
			it.p = -1
		}
	default:
		next := it.p + size
		if it.q == nil {
			next += backlenSize(size)
		}
		if it.b[next] != lpEOF {
			it.p = next
		} else {
			it.p = -1
		}
	}
	return Value{B: s, N: n, Int: isInt}, true
}
