package hll

import "unsafe"

// mergeAVX2 is the AVX2 kernel of mergeDense (merge_amd64.s): n blocks of
// 32 registers.
//
//go:noescape
func mergeAVX2(raw *byte, src *byte, n int)

// mergeAVX512 raises raw to all 16384 dense registers at regs (AVX512
// F+BW+VBMI).
//
//go:noescape
func mergeAVX512(raw *Raw, regs *byte)

// histAVX512 and histAVX2 add the raw registers to hist by value.
//
//go:noescape
func histAVX512(raw *Raw, hist *[64]int)

//go:noescape
func histAVX2(raw *Raw, hist *[64]int)

var (
	useAVX2   = cpu.avx2
	useAVX512 = cpu.avx512
)

// mergeDense raises r to the dense registers regs (12288 bytes). With
// AVX-512 one kernel covers every register. With AVX2 the first 8 and last
// 24 registers are done one by one and the 511 blocks of 32 between them by
// the vector kernel, whose loads start 4 bytes before each block and end 4
// bytes after it, all within regs.
func mergeDense(r *Raw, regs []byte) {
	_ = regs[denseBytes-1]
	switch {
	case useAVX512:
		mergeAVX512(r, unsafe.SliceData(regs))
		return
	case !useAVX2:
		mergeDenseWords(r, regs)
		return
	}
	for i := 0; i < 8; i++ {
		r[i] = max(r[i], denseGet(regs, i))
	}
	const blocks = Registers/32 - 1
	mergeAVX2(&r[8], (*byte)(unsafe.Pointer(&regs[6-4])), blocks)
	for i := 8 + blocks*32; i < Registers; i++ {
		r[i] = max(r[i], denseGet(regs, i))
	}
}

// rawHisto adds the registers of r (each below 64) to hist by value.
func rawHisto(r *Raw, hist *[64]int) {
	switch {
	case useAVX512:
		histAVX512(r, hist)
	case useAVX2:
		histAVX2(r, hist)
	default:
		rawHistoWords(r, hist)
	}
}
