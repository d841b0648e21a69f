package bitmap

// CPU features the kernels of this package use, read once with CPUID.

// cpuid executes CPUID with EAX=leaf, ECX=sub.
func cpuid(leaf, sub uint32) (a, b, c, d uint32)

// xgetbv0 returns the low word of XCR0: the register states the OS saves.
func xgetbv0() uint32

// Feature bits.
const (
	cpuid1ECXPOPCNT  = 1 << 23
	cpuid1ECXOSXSAVE = 1 << 27
	cpuid7EBXAVX2    = 1 << 5
	cpuid7EBXAVX512F = 1 << 16
	cpuid7ECXVPOPCNT = 1 << 14 // AVX512_VPOPCNTDQ

	xcr0YMM = 0x06 // SSE and AVX state
	xcr0ZMM = 0xe0 // opmask, ZMM0-15 upper halves, ZMM16-31
)

type cpuFeatures struct {
	popcnt, avx2, avx512, avx512popcnt bool
}

func detectCPU() cpuFeatures {
	var f cpuFeatures
	maxLeaf, _, _, _ := cpuid(0, 0)
	_, _, c1, _ := cpuid(1, 0)
	f.popcnt = c1&cpuid1ECXPOPCNT != 0
	if maxLeaf < 7 || c1&cpuid1ECXOSXSAVE == 0 {
		return f
	}
	xcr0 := xgetbv0()
	_, b7, c7, _ := cpuid(7, 0)
	f.avx2 = f.popcnt && xcr0&xcr0YMM == xcr0YMM && b7&cpuid7EBXAVX2 != 0
	f.avx512 = f.avx2 && xcr0&xcr0ZMM == xcr0ZMM && b7&cpuid7EBXAVX512F != 0
	f.avx512popcnt = f.avx512 && c7&cpuid7ECXVPOPCNT != 0
	return f
}

var cpu = detectCPU()
