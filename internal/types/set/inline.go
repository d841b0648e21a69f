package set

// Inline storage. The keyspace keeps a small set's packed form in its
// key's record rather than as a Set on the heap, and makes a Set of it
// while a command uses it (keyspace/inline.go). The packed form is
//
//	intset:   | values, LE | width (1 byte: 2, 4 or 8; 0 when empty) |
//	listpack: the listpack
//
// so an intset costs one byte more than its values. The width goes last
// so that the values start the buffer, which FromPacked keeps.

// FromPacked returns a set of encoding enc (Intset or Listpack) from its
// packed form b, as AppendPacked wrote it. The set owns b from now on (it
// changes it in place): pass a copy of bytes that live elsewhere.
func FromPacked(enc Encoding, b []byte) *Set {
	if enc == Intset {
		if len(b) <= 1 {
			return &Set{enc: Intset, b: b[:0]}
		}
		return &Set{enc: Intset, width: b[len(b)-1], b: b[:len(b)-1]}
	}
	return &Set{enc: Listpack, b: b}
}

// AppendPacked appends the packed form of an intset or listpack set to dst
// and returns it with the encoding; ok is false (and dst unchanged) for a
// hashtable.
func (s *Set) AppendPacked(dst []byte) (b []byte, enc Encoding, ok bool) {
	switch s.enc {
	case Intset:
		dst = append(dst, s.b...)
		return append(dst, s.width), Intset, true
	case Listpack:
		return append(dst, s.b...), Listpack, true
	}
	return dst, s.enc, false
}

// PackedBuffer returns the buffer holding an intset's values or the
// listpack (nil for a hashtable), for a caller done with the set to reuse
// with FromPacked.
func (s *Set) PackedBuffer() []byte {
	if s.enc == Hashtable {
		return nil
	}
	return s.b
}
