package list

import "encoding/binary"

// Inline storage. The keyspace keeps a small list inside its key's record
// rather than as a List on the heap, and makes a List of it while a command
// uses it (keyspace/inline.go). The inline form is the listpack without
// what the record already knows, its 4-byte total length and its end
// marker:
//
//	| count u16 LE | entries... |
//
// so a 3-element list of short strings takes 17 bytes rather than 22.

// AppendInline appends the inline form of a listpack-encoded list of at
// most max inline bytes to dst; ok is false (dst unchanged) otherwise.
func (l *List) AppendInline(dst []byte, max int) (b []byte, ok bool) {
	if l.q != nil || len(l.lp)-5 > max {
		return dst, false
	}
	return append(dst, l.lp[4:len(l.lp)-1]...), true
}

// LoadInline makes l the listpack-encoded list whose inline form is b,
// reusing l's listpack buffer when it is large enough (l may be a zero
// List, or a list nobody uses any more).
func (l *List) LoadInline(b []byte) {
	n := len(b) + 5
	buf := l.lp
	if cap(buf) < n {
		buf = make([]byte, 0, max(64, n+n/2)) // room for a few pushes
	}
	lp := buf[:n]
	binary.LittleEndian.PutUint32(lp, uint32(n))
	copy(lp[4:], b)
	lp[n-1] = lpEOF
	*l = List{lp: lp}
}

// Listpack returns the list's listpack, aliasing the list (valid until it
// changes), and true when the list has the listpack encoding.
func (l *List) Listpack() ([]byte, bool) {
	if l.q != nil {
		return nil, false
	}
	return l.lp, true
}
