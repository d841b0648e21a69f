// Package zset is the sorted set value type with Valkey's two encodings,
// chosen and converted by Valkey's rules (t_zset.c):
//
//   - listpack: up to zset-max-listpack-entries members of at most
//     zset-max-listpack-value bytes, as (member, score) entry pairs sorted
//     by score then member, scores stored as integers when they are
//     integral (so -0 reads back as 0, as in Valkey) or as d2string text.
//   - skiplist (the name OBJECT ENCODING reports): a member dictionary
//     (strtab, the score as an 8-byte payload beside each member) plus an
//     order-statistic B+tree of (score, member ref) entries (tree.go) in
//     place of Valkey's skiplist, with the same O(log n) rank and range
//     operations.
//
// Range commands follow the encodings' behaviour exactly, including the
// corner cases where Valkey's two encodings differ (a negative LIMIT
// offset returns nothing on a listpack and counts from the end of the
// range on a skiplist).
//
// The package is pure: no locks, no I/O, no RESP. Randomness comes from
// the caller's *rand.Rand.
//
// Usage:
//
//	lim := zset.DefaultLimits
//	z := zset.New(1, 1, lim)
//	z.Add(1.5, []byte("a"), 0, lim)
//	z.RangeByRank(0, z.Len()-1, false, func(m []byte, s float64) { ... })
//
// Caller's duties:
//  1. Pass the current Limits to every call that may add members.
//  2. Treat member slices handed to callbacks as valid only during the
//     callback (they alias the set's storage or a scratch buffer); do not
//     change the set from inside a callback.
//  3. Delete the key holding a sorted set once Len is 0.
package zset
