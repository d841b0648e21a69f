package hash

// Inline storage. The keyspace keeps a small hash's packed form in its
// key's record rather than as a Hash on the heap, and makes a Hash of it
// while a command uses it (keyspace/inline.go). Only the packed encoding
// is stored so: it never carries field TTLs (a hash converts to the table
// form before its first field TTL).

// FromPacked returns a packed hash whose packed form is b, as PackedForm
// returned it. The hash owns b from now on (it changes it in place): pass
// a copy of bytes that live elsewhere. b is trusted; DecodePacked checks
// bytes from outside.
func FromPacked(b []byte) *Hash { return &Hash{lp: b} }

// PackedForm returns the packed form, aliasing the hash (valid until it
// changes), and true when the hash has the packed encoding.
func (h *Hash) PackedForm() ([]byte, bool) {
	if h.t != nil {
		return nil, false
	}
	return h.lp, true
}
