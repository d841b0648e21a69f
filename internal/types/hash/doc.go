// Package hash is the hash data type: field/value pairs with optional
// per-field expiry, in the two encodings Valkey reports through OBJECT
// ENCODING:
//
//   - packed ("listpack", packed.go): one byte slice of length-prefixed
//     strings in insertion order, for hashes within hash-max-listpack-entries
//     fields of at most hash-max-listpack-value bytes each, without field
//     TTLs;
//   - table ("hashtable", table.go): a chained hash table whose records live
//     in one byte slice addressed by 32-bit offsets (no pointer per field),
//     with a min-heap of expiries present only while some field has a TTL.
//
// A hash converts from packed to table exactly when Valkey's would (see
// PrepareSet, Set and SetExpire) and never back.
//
// The package is pure: no locks, no I/O, no clock. Every operation that
// depends on expiry takes the caller's "now" in unix milliseconds; a field
// whose expiry is before now is invisible to every read (Get, Exists, Range,
// Scan, Random...) but still counted by Len until reclaimed by
// ExpireFields, or replaced by Set, as in Valkey 9.
//
// Usage:
//
//	h := hash.New()
//	h.PrepareSet(args, lim)              // before a multi-field write
//	h.Set(field, value, 0, false, lim, now)
//	v, ok := h.Get(field, now)
//	h.SetExpire(field, now+1000, 0, now) // converts to the table form
//	n := h.ExpireFields(now, 100, nil)   // reclaim from the active cycle
//
// Caller's duties:
//  1. Serialize access: a Hash is not safe for concurrent use.
//  2. Never pass a slice returned by the hash back into a write on the same
//     hash: copy it first (it aliases storage the write may move).
//  3. Delete the key when Len reaches zero (the type keeps no "empty" state
//     worth storing).
package hash
