package bitmap

import "unsafe"

//go:noescape
func andAVX2(dst, src *byte, n int)

//go:noescape
func orAVX2(dst, src *byte, n int)

//go:noescape
func xorAVX2(dst, src *byte, n int)

//go:noescape
func notAVX2(dst *byte, n int)

// combine applies op to d and s (of equal length) in place in d: AVX2 for
// the 32-byte blocks where the CPU has it, 64-bit words for the rest.
func combine(op Op, d, s []byte) {
	if useAVX2 && len(d) >= 32 {
		n := len(d) / 32
		p := (*byte)(unsafe.Pointer(&d[0]))
		switch op {
		case And:
			andAVX2(p, (*byte)(unsafe.Pointer(&s[0])), n)
		case Or:
			orAVX2(p, (*byte)(unsafe.Pointer(&s[0])), n)
		case Xor:
			xorAVX2(p, (*byte)(unsafe.Pointer(&s[0])), n)
		case Not:
			notAVX2(p, n)
		}
		d = d[n*32:]
		if op != Not {
			s = s[n*32:]
		}
	}
	combineWords(op, d, s)
}
