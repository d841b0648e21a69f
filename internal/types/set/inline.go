package set

import "petrel/internal/types/set/listpack"

// Inline storage. The keyspace keeps a small set inside its key's record
// rather than as a Set on the heap, and makes a Set of it while a command
// uses it (keyspace/inline.go). The inline forms are
//
//	intset:   | values, LE | width (1 byte: 2, 4 or 8; 0 when empty) |
//	listpack: the listpack without total length and end marker
//	          (set/listpack/inline.go)
//
// An intset costs one byte more than its values (Valkey's header is 8).

// AppendInline appends the inline form of an intset or listpack set of at
// most max inline bytes to dst and returns it with the encoding; ok is
// false (dst unchanged) for a hashtable or a larger set.
func (s *Set) AppendInline(dst []byte, max int) (b []byte, enc Encoding, ok bool) {
	switch {
	case s.enc == Intset && len(s.b)+1 <= max:
		dst = append(dst, s.b...)
		return append(dst, s.width), Intset, true
	case s.enc == Listpack && listpack.InlineLen(s.b) <= max:
		return listpack.AppendInline(dst, s.b), Listpack, true
	}
	return dst, s.enc, false
}

// LoadInline makes s the set of encoding enc (Intset or Listpack) whose
// inline form is b, reusing s's buffer when it is large enough (s may be a
// zero Set, or a set nobody uses any more).
func (s *Set) LoadInline(enc Encoding, b []byte) {
	buf := s.b
	if s.enc == Hashtable {
		buf = nil
	}
	if enc == Listpack {
		*s = Set{enc: Listpack, b: listpack.FromInline(b, buf)}
		return
	}
	if len(b) <= 1 {
		*s = Set{enc: Intset, b: buf[:0]}
		return
	}
	n := len(b) - 1
	if cap(buf) < n {
		buf = make([]byte, 0, max(64, n+n/2))
	}
	*s = Set{enc: Intset, width: b[n], b: append(buf[:0], b[:n]...)}
}
