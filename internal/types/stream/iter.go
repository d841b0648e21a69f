package stream

import "petrel/internal/types/set/listpack"

// Iterator walks the live entries with IDs in [start, end], forwards or
// backwards:
//
//	it := s.Range(start, end, false)
//	for it.Next() {
//		id, n := it.ID(), it.NumFields()
//		for i := 0; i < n; i++ {
//			field, value := it.Field()
//		}
//	}
//
// The stream must not change while an iterator is in use. Field's slices
// are valid until the next call.
type Iterator struct {
	s          *Stream
	start, end ID
	rev        bool
	tombstones bool // also yield deleted entries

	ni      int   // current node
	node    *node // node ni, while loaded
	h       nodeHeader
	p       int // flags of the next candidate entry in node ni, -1: none
	loaded  bool
	done    bool
	cur     entry
	fp, vp  int // next field / value position
	fbuf    [20]byte
	vbuf    [20]byte
	started bool
}

// Range returns an iterator over the live entries from start to end
// (inclusive), from the end backwards when rev.
func (s *Stream) Range(start, end ID, rev bool) *Iterator {
	it := &Iterator{}
	it.Reset(s, start, end, rev)
	return it
}

// Reset points an iterator (which may live on the caller's stack) at a
// new range.
func (it *Iterator) Reset(s *Stream, start, end ID, rev bool) {
	*it = Iterator{s: s, start: start, end: end, rev: rev}
}

// Next advances to the next entry in range; false when there is none.
func (it *Iterator) Next() bool {
	if it.done {
		return false
	}
	s := it.s
	if !it.started {
		it.started = true
		if it.end.Less(it.start) || s.nodes.Len() == 0 {
			it.done = true
			return false
		}
		if it.rev {
			it.ni = s.nodeFor(it.end)
			if it.ni < 0 {
				it.done = true
				return false
			}
		} else {
			it.ni = max(s.nodeFor(it.start), 0)
		}
	}
	for {
		if !it.loaded {
			if it.ni < 0 || it.ni >= s.nodes.Len() {
				it.done = true
				return false
			}
			it.node = s.nodes.at(it.ni)
			n := it.node
			it.h = readHeader(n.lp)
			if it.rev {
				it.p = lastEntry(n.lp)
			} else {
				it.p = it.h.first
				// Resume where the last forward iteration left this node
				// when that was not past the start (Stream.seek).
				if h := &s.seek; h.ok && h.master == n.master && h.first == it.h.first &&
					h.p < len(n.lp) && !it.start.Less(h.id) {
					it.p = h.p
				}
			}
			it.loaded = true
		}
		n := it.node
		for it.p >= 0 {
			e := readEntry(n.lp, n.master, &it.h, it.p)
			if it.rev {
				it.p = prevEntry(n.lp, it.p)
				if it.end.Less(e.id) || (e.flags&flagDeleted != 0 && !it.tombstones) {
					continue
				}
				if e.id.Less(it.start) {
					it.done = true
					return false
				}
			} else {
				at := it.p
				it.p = e.next
				if e.id.Less(it.start) || (e.flags&flagDeleted != 0 && !it.tombstones) {
					continue
				}
				if it.end.Less(e.id) {
					it.done = true
					return false
				}
				s.seek = seekHint{master: n.master, first: it.h.first, p: at, id: e.id, ok: true}
			}
			it.cur = e
			if e.same {
				it.fp, it.vp = it.h.fields, e.data
			} else {
				it.fp = e.data
			}
			return true
		}
		it.loaded = false
		if it.rev {
			it.ni--
		} else {
			it.ni++
		}
	}
}

// ID is the current entry's ID.
func (it *Iterator) ID() ID { return it.cur.id }

// NumFields is the current entry's number of field-value pairs.
func (it *Iterator) NumFields() int { return it.cur.nfields }

// Deleted reports whether the current entry is a tombstone (only seen
// by iterators that yield them).
func (it *Iterator) Deleted() bool { return it.cur.flags&flagDeleted != 0 }

// Field returns the current entry's next field and value.
func (it *Iterator) Field() (field, value []byte) {
	lp := it.node.lp
	field = getBytes(lp, it.fp, &it.fbuf)
	it.fp = listpack.Next(lp, it.fp)
	if it.cur.same {
		value = getBytes(lp, it.vp, &it.vbuf)
		it.vp = listpack.Next(lp, it.vp)
	} else {
		value = getBytes(lp, it.fp, &it.vbuf)
		it.fp = listpack.Next(lp, it.fp)
	}
	return field, value
}
