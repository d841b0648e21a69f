package hll

// CPU features the kernels of this package use, read once with CPUID.

// cpuid executes CPUID with EAX=leaf, ECX=sub.
func cpuid(leaf, sub uint32) (a, b, c, d uint32)

// xgetbv0 returns the low word of XCR0: the register states the OS saves.
func xgetbv0() uint32

// Feature bits.
const (
	cpuid1ECXOSXSAVE  = 1 << 27
	cpuid7EBXAVX2     = 1 << 5
	cpuid7EBXAVX512F  = 1 << 16
	cpuid7EBXAVX512BW = 1 << 30
	cpuid7ECXVBMI     = 1 << 1 // AVX512_VBMI: VPERMB, VPMULTISHIFTQB

	xcr0YMM = 0x06 // SSE and AVX state
	xcr0ZMM = 0xe0 // opmask, ZMM0-15 upper halves, ZMM16-31
)

type cpuFeatures struct {
	avx2   bool
	avx512 bool // AVX512F, AVX512BW and AVX512_VBMI
}

func detectCPU() cpuFeatures {
	var f cpuFeatures
	maxLeaf, _, _, _ := cpuid(0, 0)
	_, _, c1, _ := cpuid(1, 0)
	if maxLeaf < 7 || c1&cpuid1ECXOSXSAVE == 0 {
		return f
	}
	xcr0 := xgetbv0()
	_, b7, c7, _ := cpuid(7, 0)
	f.avx2 = xcr0&xcr0YMM == xcr0YMM && b7&cpuid7EBXAVX2 != 0
	const need = cpuid7EBXAVX512F | cpuid7EBXAVX512BW
	f.avx512 = f.avx2 && xcr0&xcr0ZMM == xcr0ZMM && b7&need == need && c7&cpuid7ECXVBMI != 0
	return f
}

var cpu = detectCPU()
