package hash

import "encoding/binary"

// Inline storage. The keyspace keeps a small hash inside its key's record
// rather than as a Hash on the heap, and makes a Hash of it while a command
// uses it (keyspace/inline.go). The inline form is the packed form
// (packed.go) without its pair count, which the record's value length
// makes recomputable: the length-prefixed fields and values alone. Only
// the packed encoding is stored so, and it never carries field TTLs (a
// hash converts to the table form before its first field TTL).

// AppendInline appends the inline form of a packed hash of at most max
// bytes to dst; ok is false (dst unchanged) otherwise.
func (h *Hash) AppendInline(dst []byte, max int) (b []byte, ok bool) {
	if h.t != nil {
		return dst, false
	}
	_, start := pkHeader(h.lp)
	if len(h.lp)-start > max {
		return dst, false
	}
	return append(dst, h.lp[start:]...), true
}

// LoadInline makes h the packed hash whose inline form is b, reusing h's
// buffer when it is large enough (h may be a zero Hash, or a hash nobody
// uses any more). b is trusted; DecodePacked checks bytes from outside.
func (h *Hash) LoadInline(b []byte) {
	strs := 0
	for off := 0; off < len(b); strs++ {
		n, w := binary.Uvarint(b[off:])
		off += w + int(n)
	}
	count := strs / 2
	need := uvarintLen(count) + len(b)
	buf := h.lp
	if h.t != nil || cap(buf) < need {
		buf = make([]byte, 0, allocSize(max(64, need+need/2)))
	}
	buf = binary.AppendUvarint(buf[:0], uint64(count))
	*h = Hash{lp: append(buf, b...)}
}

// PackedForm returns the packed form, aliasing the hash (valid until it
// changes), and true when the hash has the packed encoding.
func (h *Hash) PackedForm() ([]byte, bool) {
	if h.t != nil {
		return nil, false
	}
	return h.lp, true
}
