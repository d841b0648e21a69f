package zset

import "petrel/internal/types/set/listpack"

// Inline storage. The keyspace keeps a small sorted set inside its key's
// record rather than as a ZSet on the heap, and makes a ZSet of it while a
// command uses it (keyspace/inline.go). The inline form is the listpack's
// (set/listpack/inline.go: no total length, no end marker).

// AppendInline appends the inline form of a listpack-encoded sorted set of
// at most max inline bytes to dst; ok is false (dst unchanged) otherwise.
func (z *ZSet) AppendInline(dst []byte, max int) (b []byte, ok bool) {
	if z.big != nil || listpack.InlineLen(z.lp) > max {
		return dst, false
	}
	return listpack.AppendInline(dst, z.lp), true
}

// LoadInline makes z the listpack-encoded sorted set whose inline form is
// b, reusing z's listpack buffer when it is large enough (z may be a zero
// ZSet, or a set nobody uses any more).
func (z *ZSet) LoadInline(b []byte) { *z = ZSet{lp: listpack.FromInline(b, z.lp)} }

// Listpack returns the listpack, aliasing the set (valid until it
// changes), and true when the set has the listpack encoding.
func (z *ZSet) Listpack() ([]byte, bool) {
	if z.big != nil {
		return nil, false
	}
	return z.lp, true
}
