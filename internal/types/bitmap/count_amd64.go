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
	switch {
	case len(b) < 256:
	case useAVX512POPCNT:
		blocks := len(b) / 64
		n = popcntAVX512((*byte)(unsafe.Pointer(&b[0])), blocks)
		b = b[blocks*64:]
	case useAVX2:
		blocks := len(b) / 32
		n = popcntAVX2((*byte)(unsafe.Pointer(&b[0])), blocks)
		b = b[blocks*32:]
	}
	return n + popcntWords(b)
}
