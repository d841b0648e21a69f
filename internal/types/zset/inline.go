package zset

// Inline storage. The keyspace keeps a small sorted set's listpack in its
// key's record rather than as a ZSet on the heap, and makes a ZSet of it
// while a command uses it (keyspace/inline.go).

// FromListpack returns a listpack-encoded sorted set whose listpack is b,
// as Listpack returned it. The set owns b from now on (it changes it in
// place): pass a copy of bytes that live elsewhere.
func FromListpack(b []byte) *ZSet { return &ZSet{lp: b} }

// Listpack returns the listpack, aliasing the set (valid until it
// changes), and true when the set has the listpack encoding.
func (z *ZSet) Listpack() ([]byte, bool) {
	if z.big != nil {
		return nil, false
	}
	return z.lp, true
}
