package hash

// Inline storage. The keyspace keeps a small hash inside its key's record
// rather than as a Hash on the heap, and makes a Hash of it while a command
// uses it (keyspace/inline.go). The inline form is the packed form as it
// is (packed.go): it has no header to spare. Only the packed encoding is
// stored so, and it never carries field TTLs (a hash converts to the table
// form before its first field TTL).

// AppendInline appends the packed form of a packed hash of at most max
// bytes to dst; ok is false (dst unchanged) otherwise.
func (h *Hash) AppendInline(dst []byte, max int) (b []byte, ok bool) {
	if h.t != nil || len(h.lp) > max {
		return dst, false
	}
	return append(dst, h.lp...), true
}

// LoadInline makes h the packed hash whose packed form is b, reusing h's
// buffer when it is large enough (h may be a zero Hash, or a hash nobody
// uses any more). b is trusted; DecodePacked checks bytes from outside.
func (h *Hash) LoadInline(b []byte) {
	buf := h.lp
	if h.t != nil || cap(buf) < len(b) {
		buf = make([]byte, 0, allocSize(max(64, len(b)+len(b)/2)))
	}
	*h = Hash{lp: append(buf[:0], b...)}
}

// PackedForm returns the packed form, aliasing the hash (valid until it
// changes), and true when the hash has the packed encoding.
func (h *Hash) PackedForm() ([]byte, bool) {
	if h.t != nil {
		return nil, false
	}
	return h.lp, true
}
