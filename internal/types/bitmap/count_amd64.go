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

// hasPOPCNT reports whether the CPU has POPCNT (CPUID.1:ECX bit 23).
func hasPOPCNT() bool

// hasAVX2 reports whether the CPU and the OS support AVX2.
func hasAVX2() bool

var (
	usePOPCNT = hasPOPCNT()
	useAVX2   = hasAVX2() && usePOPCNT
)

// Count returns the number of set bits in b: AVX2 for the 32-byte blocks
// of strings of 256 bytes or more, POPCNT for the rest, portable Go on CPUs
// with neither.
func Count(b []byte) int64 {
	if !usePOPCNT {
		return countWords(b)
	}
	var n int64
	if useAVX2 && len(b) >= 256 {
		blocks := len(b) / 32
		n = popcntAVX2((*byte)(unsafe.Pointer(&b[0])), blocks)
		b = b[blocks*32:]
	}
	return n + popcntWords(b)
}
