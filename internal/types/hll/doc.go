// Package hll is Valkey's HyperLogLog, byte for byte: the string values
// PFADD, PFMERGE and PFDEBUG leave in the keyspace are the ones Valkey 9
// leaves, and PFCOUNT returns the same estimates, so a value moved between
// the two servers (GET/SET, DUMP/RESTORE, replication) keeps working.
//
// # Format
//
// A HyperLogLog is a string of 16384 6-bit registers behind a 16-byte
// header:
//
//	+------+---+-------+----------------------+--------------------//
//	| HYLL | E | 0 0 0 | cached card (8, LE)  | registers ...
//	+------+---+-------+----------------------+--------------------//
//	 0      4   5       8                      16
//
// E is the encoding: Dense (0) or Sparse (1). The cached cardinality is the
// last PFCOUNT result; its top bit set (byte 15 >= 0x80) means "stale".
//
//   - Dense: exactly 12288 bytes of registers, register i in bits 6i..6i+5
//     counted from the least significant bit of byte 0 (DenseSize bytes in
//     all).
//   - Sparse: run-length opcodes, read left to right, covering exactly 16384
//     registers:
//     00xxxxxx        ZERO   xxxxxx+1 registers (1..64) are 0
//     01xxxxxx yyyyyyyy XZERO (xxxxxx<<8|yyyyyyyy)+1 registers (1..16384) are 0
//     1vvvvvxx        VAL    xx+1 registers (1..4) hold vvvvv+1 (1..32)
//     A new HLL is sparse ("Z:16384"); a register needing a value above 32,
//     or a sparse string that would grow past hll-sparse-max-bytes, turns it
//     dense for good.
//
// Elements are hashed with MurmurHash64A (seed 0xadc83b19): the low 14 bits
// pick the register, and 1 + the number of trailing zeros of the remaining
// 50 bits (capped at 51) is the candidate value. PFCOUNT uses Ertl's
// improved estimator over the register histogram ("New cardinality
// estimation algorithms for HyperLogLog sketches", arXiv:1702.01284).
//
// Sparse updates are performed with Valkey's exact splitting and merging
// rules, so two servers fed the same elements in the same order hold the
// same bytes. The one place where Valkey's bytes depend on memory outside
// the string is a corrupted sparse value whose last byte is the first half
// of an XZERO opcode: Valkey then reads the byte after the string, its NUL
// terminator, which splitting that opcode overwrites with a stale byte.
// Working buffers carry that byte (see Clone), so within one command the
// results are Valkey's; a stored value has no such byte, so a later command
// reads zero where Valkey would read the stale byte.
//
// Dense registers are merged into byte-per-register form 64 at a time with
// AVX-512 (F, BW and VBMI: VPERMB and VPMULTISHIFTQB unpack the 6-bit
// fields) or 32 at a time with AVX2 where the CPU has them
// (merge_amd64.s), else 8 at a time in 64-bit words; Merge and WriteDense
// take a simd flag, off for PFDEBUG SIMD OFF, which selects
// register-at-a-time reference loops. The estimator's register histogram
// is counted with vector compares (per value present, over all 16384
// byte registers) where the CPU has AVX2 or AVX-512: several times faster
// than one increment per register, which is what PFCOUNT of many keys
// spends most of its time on otherwise.
//
// # Usage
//
//	v := hll.New()                      // empty sparse HLL (18 bytes)
//	v, changed, err := hll.Add(v, []byte("a"), 3000)
//	card, err := hll.Count(v)
//
// Caller's duties:
//  1. Check a stored value with Valid before any other call: every other
//     function assumes a valid header (and, for dense values, the exact
//     length).
//  2. Treat the slice returned by Add, SetRegister and ToDense as the new
//     value: sparse updates resize it and promotion replaces it. A dense
//     value is updated in place and never moves.
//  3. Corrupted sparse data is reported as ErrInvalid (Valkey's
//     INVALIDOBJ); nothing in this package panics on any input that passes
//     Valid.
package hll
