// Package bitmap holds the pure operations behind Valkey's bit commands
// (bitops.c): population count, first set or clear bit, BITOP's bitwise
// combinations, and BITFIELD's integers of 1 to 64 bits at any bit offset.
//
// A bitmap is a plain string value: bit 0 is the most significant bit of
// byte 0, bit 8 the most significant bit of byte 1, and so on, and a string
// reads as zero bits past its end. BITFIELD integers follow the same order
// (big endian across bytes, whatever the alignment).
//
// Whole-string work never goes bit by bit: popcount and BITOP use AVX-512
// (VPOPCNTQ; 64 bytes per instruction) or AVX2 (32 bytes, as Valkey's own
// AVX2 popcount) on amd64 CPUs that have them (count_amd64.s,
// bitop_amd64.s, cpu_amd64.go) and 64-bit words elsewhere (POPCNT, or
// portable Go); BITOP of two or more sources combines the first two in one
// pass (dst = a op b) rather than copying one first; scans skip words of
// all zeros or all ones eight bytes at a time. Byte slices may be unaligned (they live in the store's
// records): the Go paths use encoding/binary loads, never unsafe word casts.
//
// Usage:
//
//	n := bitmap.CountRange(v, 0, -1, false)    // BITCOUNT key 0 -1
//	pos := bitmap.PosRange(v, 1, 2, -1, true, true) // BITPOS key 1 2 -1 BIT
//	f, ok := bitmap.ParseType([]byte("i16"))
//	v16 := bitmap.GetSigned(v, 8, f.Bits)
//
// Caller's duties:
//  1. Range-check offsets against the string limit (ParseOffset) and grow
//     the string to cover every bit a write touches before calling SetBits
//     or Write.Exec; reads (GetUnsigned, GetSigned) zero-pad by themselves.
//  2. Give Apply a destination exactly as long as the longest source.
package bitmap
