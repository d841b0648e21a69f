// Package listpack is Valkey's listpack byte format: a compact sequence of
// strings and integers in one byte slice, used by small sets and sorted sets
// (and, on disk, by the RDB *_LISTPACK types, which store these bytes as
// they are).
//
// Layout (little endian), identical to Valkey's listpack.c:
//
//	+----------+---------+---------+-----+---------+------+
//	| total:u32| count:u16| entry 0 | ... | entry n | 0xFF |
//	+----------+---------+---------+-----+---------+------+
//	entry = encoding+data, then backlen (1..5 bytes, the size of
//	        encoding+data as a big-endian base-128 number read right to left)
//
// Encodings: 0xxxxxxx 7-bit uint; 10xxxxxx 6-bit-length string;
// 110xxxxx 13-bit int; 1110xxxx 12-bit-length string; 0xF1/F2/F3/F4
// 16/24/32/64-bit int; 0xF0 32-bit-length string. A string that is a
// canonical 64-bit integer (Valkey's string2ll) is always stored as an
// integer, so entries read back as the same bytes.
//
// Positions are byte offsets of entries inside the slice. Operations that
// change the listpack return the (possibly reallocated) slice; positions
// taken before a change are invalid after it, except as documented.
//
// Caller's duties:
//  1. Only pass positions obtained from this listpack (First, Next, Seek...).
//  2. Keep the total under MaxSafeSize (Valkey's LISTPACK_MAX_SAFETY_SIZE);
//     SafeToAdd tells.
//  3. Run Validate on bytes that come from outside (RDB, RESTORE) before
//     using them.
//
// Alternatives rejected: a slice of Go strings (a pointer and a 16-byte
// header per element, scanned by the GC); a private packed format (the RDB
// listpack types store these exact bytes, and MEMORY USAGE/DEBUG LISTPACK
// reason about them).
package listpack
