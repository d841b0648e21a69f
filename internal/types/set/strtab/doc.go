// Package strtab is a hash set of byte strings that keeps no Go pointer per
// member: the large form of sets (Valkey's "hashtable" encoding) and the
// member dictionary of large sorted sets.
//
// Layout:
//
//	Table
//	 ├─ groups []group  8 slots each: 8 control bytes (0x80 empty, 0xFE
//	 │                  deleted, 0..0x7F full: 7 hash bits) then 8 uint32
//	 │                  refs of the members' records, 40 bytes together so
//	 │                  that a probe reads one cache line
//	 └─ arena [][]byte  records [payload (fixed size)][uvarint len][bytes],
//	                    in chunks of up to 64 KiB; ref = chunk<<16 | offset
//
// Lookups hash the member (maphash with a per-table seed), probe groups of 8
// control bytes at once (a swiss table: triangular probing over groups,
// SWAR matching of the 7 tag bits), and compare the member bytes only on a
// tag match. The payload is a fixed number of bytes stored before each
// member (a sorted set keeps the score there).
//
// Invariants:
//   - count+deleted <= 7/8 of the slots; a lookup stops at the first group
//     holding an empty slot.
//   - refs of live slots point at live records; freed records are garbage
//     until Compact rewrites the arena.
//
// Costs: Insert/Find/Delete O(1) expected; growth, shrink (below 1/8 full)
// and Compact are O(n) rehashes, amortised over the operations that made
// them necessary. Memory per member: the record (payload + 1..5 + len
// bytes) plus 5 bytes per slot at 7/16..7/8 load.
//
// Limits: refs are 32-bit, so one table holds at most 4 GiB of records
// (65536 chunks); past that Insert panics (the server recovers the panic
// and closes the connection; the table is left unchanged).
//
// Alternatives rejected: map[string]struct{} (a 16-byte string header and a
// heap object per member, every one a pointer the GC scans, about twice
// Valkey's bytes per member); open addressing over one byte per probe
// (longer probe sequences at the same load).
package strtab
