// Package set is the set value type with Valkey's three encodings, chosen
// and converted by Valkey's rules (t_set.c):
//
//   - intset: members that are all canonical 64-bit integers, at most
//     set-max-intset-entries of them: a sorted packed array (intset.go).
//   - listpack: up to set-max-listpack-entries members of at most
//     set-max-listpack-value bytes, in insertion order (package listpack).
//   - hashtable: anything larger (package strtab: a pointer-free hash table
//     over an arena of member records).
//
// A set only grows into a larger encoding (intset -> listpack -> hashtable,
// or straight to hashtable); SINTERSTORE and SPOP build new sets that may
// start small again, exactly where Valkey's do.
//
// The package is pure: no locks, no I/O, no knowledge of RESP. Randomness
// comes from the caller's *rand.Rand.
//
// Usage:
//
//	lim := set.Limits{IntsetEntries: 512, ListpackEntries: 128, ListpackValue: 64}
//	s := set.New([]byte("a"), 1, lim)
//	s.Add([]byte("a"), lim)
//	s.Each(func(m []byte) bool { fmt.Printf("%s\n", m); return true })
//
// Caller's duties:
//  1. Pass the current Limits to every call that may add members.
//  2. Treat member slices passed to callbacks or returned as valid only
//     until the set next changes (they alias its storage or a scratch
//     buffer).
//  3. Delete the key holding a set once Len is 0.
package set
