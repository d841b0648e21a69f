package bitmap

// popcntWords counts the set bits of b with the POPCNT instruction.
//
//go:noescape
func popcntWords(b []byte) int64

// hasPOPCNT reports whether the CPU has POPCNT (CPUID.1:ECX bit 23).
func hasPOPCNT() bool

var usePOPCNT = hasPOPCNT()

// Count returns the number of set bits in b.
func Count(b []byte) int64 {
	if usePOPCNT {
		return popcntWords(b)
	}
	return countWords(b)
}
