package bitmap

import "unsafe"

// popcntWords counts the set bits of b with the POPCNT instruction.
//
//go:noescape
func popcntWords(b []byte) int64

// popcntAVX2 counts the set bits of n blocks of 32 bytes with AVX2.
//
//go:noescape
func popcntAVX2(b *byte, n int) int64

// popcntAVX512 counts the set bits of n blocks of 64 bytes with
// AVX512_VPOPCNTDQ.
//
//go:noescape
func popcntAVX512(b *byte, n int) int64

var (
	usePOPCNT       = cpu.popcnt
	useAVX2         = cpu.avx2
	useAVX512       = cpu.avx512
	useAVX512POPCNT = cpu.avx512popcnt
)

// Count returns the number of set bits in b: a vector kernel for the
// blocks of strings of 256 bytes or more (AVX-512 VPOPCNTQ, 64 bytes per
// instruction, where the CPU has it; else AVX2 nibble lookups, 32 bytes),
// POPCNT for the rest, portable Go on CPUs with neither.
func Count(b []byte) int64 {
	if !usePOPCNT {
		return countWords(b)
	}
	var n int64
	if len(b) >= 256 && (useAVX512POPCNT || useAVX2) {
		// Start the vector loads on a cache line: a load across two lines
		// costs two, which shows when the string comes from memory (the
		// bytes before the boundary go to POPCNT).
		if head := int(-uintptr(unsafe.Pointer(unsafe.SliceData(b))) & 63); head > 0 {
			n = popcntWords(b[:head])
			b = b[head:]
		}
		if useAVX512POPCNT {
			blocks := len(b) / 64
			n += popcntAVX512(unsafe.SliceData(b), blocks)
			b = b[blocks*64:]
		} else {
			blocks := len(b) / 32
			n += popcntAVX2(unsafe.SliceData(b), blocks)
			b = b[blocks*32:]
		}
	}
	return n + popcntWords(b)
}
