package listpack

import "encoding/binary"

// Inline form. The keyspace keeps small sets and sorted sets inside their
// keys' records (keyspace/inline.go), where the value's length is already
// stored: there a listpack drops its 4-byte total and its end marker,
//
//	| count u16 LE | entries... |
//
// 5 bytes less per key. AppendInline and FromInline convert.

// InlineLen is the length of lp's inline form.
func InlineLen(lp []byte) int { return len(lp) - 5 }

// AppendInline appends the inline form of lp to dst.
func AppendInline(dst, lp []byte) []byte { return append(dst, lp[4:len(lp)-1]...) }

// FromInline rebuilds the listpack whose inline form is b, in buf's storage
// when it is large enough (else in a new slice with room to grow).
func FromInline(b, buf []byte) []byte {
	n := len(b) + 5
	if cap(buf) < n {
		buf = make([]byte, 0, max(64, n+n/2))
	}
	lp := buf[:n]
	binary.LittleEndian.PutUint32(lp, uint32(n))
	copy(lp[4:], b)
	lp[n-1] = eof
	return lp
}
