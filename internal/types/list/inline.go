package list

// Inline storage. The keyspace keeps a small list's listpack in its key's
// record rather than as a List on the heap, and makes a List of it while a
// command uses it (keyspace/inline.go). These two functions are the whole
// interface: the listpack is the list.

// FromListpack returns a listpack-encoded list whose listpack is b, as
// Listpack returned it. The list owns b from now on (it grows and shrinks
// it in place): pass a copy of bytes that live elsewhere.
func FromListpack(b []byte) *List { return &List{lp: b} }

// Listpack returns the list's listpack, aliasing the list (valid until it
// changes), and true when the list has the listpack encoding.
func (l *List) Listpack() ([]byte, bool) {
	if l.q != nil {
		return nil, false
	}
	return l.lp, true
}
