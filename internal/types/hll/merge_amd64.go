package hll

import "unsafe"

// mergeAVX2 is the AVX2 kernel of mergeDense (merge_amd64.s): n blocks of
// 32 registers.
//
//go:noescape
func mergeAVX2(raw *byte, src *byte, n int)

func hasAVX2() bool

var useAVX2 = hasAVX2()

// mergeDense raises r to the dense registers regs (12288 bytes). With AVX2
// the first 8 and last 24 registers are done one by one and the 511 blocks
// of 32 between them by the vector kernel, whose loads start 4 bytes before
// each block and end 4 bytes after it, all within regs.
func mergeDense(r *Raw, regs []byte) {
	if !useAVX2 {
		mergeDenseWords(r, regs)
		return
	}
	_ = regs[denseBytes-1]
	for i := 0; i < 8; i++ {
		r[i] = max(r[i], denseGet(regs, i))
	}
	const blocks = Registers/32 - 1
	mergeAVX2(&r[8], (*byte)(unsafe.Pointer(&regs[6-4])), blocks)
	for i := 8 + blocks*32; i < Registers; i++ {
		r[i] = max(r[i], denseGet(regs, i))
	}
}
