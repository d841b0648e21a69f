package bitmap

import "unsafe"

// The vector kernels set dst = a op b (NOT: dst = ^a) for n blocks of 32
// (AVX2) or 64 (AVX-512) bytes; dst may be a.

//go:noescape
func andAVX2(dst, a, b *byte, n int)

//go:noescape
func orAVX2(dst, a, b *byte, n int)

//go:noescape
func xorAVX2(dst, a, b *byte, n int)

//go:noescape
func notAVX2(dst, a *byte, n int)

//go:noescape
func andAVX512(dst, a, b *byte, n int)

//go:noescape
func orAVX512(dst, a, b *byte, n int)

//go:noescape
func xorAVX512(dst, a, b *byte, n int)

//go:noescape
func notAVX512(dst, a *byte, n int)

// combine sets d = a op b (d = ^a for Not, b unused), all of d's length (d
// may be a): AVX-512 or AVX2 for the vector blocks where the CPU has them,
// 64-bit words for the rest.
func combine(op Op, d, a, b []byte) {
	if (useAVX2 || useAVX512) && len(d) >= 128 {
		// Store within cache lines: a store across two lines costs two
		// (the bytes before the first line boundary go word by word).
		if head := int(-uintptr(unsafe.Pointer(unsafe.SliceData(d))) & 63); head > 0 {
			var bh []byte
			if op != Not {
				bh, b = b[:head], b[head:]
			}
			combineWords(op, d[:head], a[:head], bh)
			d, a = d[head:], a[head:]
		}
	}
	if len(d) >= 32 && (useAVX2 || useAVX512) {
		width, n := 32, 0
		if useAVX512 && len(d) >= 64 {
			width = 64
		}
		n = len(d) / width
		pd, pa := unsafe.SliceData(d), unsafe.SliceData(a[:len(d)])
		var pb *byte
		if op != Not {
			pb = unsafe.SliceData(b[:len(d)])
		}
		switch {
		case width == 64 && op == And:
			andAVX512(pd, pa, pb, n)
		case width == 64 && op == Or:
			orAVX512(pd, pa, pb, n)
		case width == 64 && op == Xor:
			xorAVX512(pd, pa, pb, n)
		case width == 64:
			notAVX512(pd, pa, n)
		case op == And:
			andAVX2(pd, pa, pb, n)
		case op == Or:
			orAVX2(pd, pa, pb, n)
		case op == Xor:
			xorAVX2(pd, pa, pb, n)
		default:
			notAVX2(pd, pa, n)
		}
		done := n * width
		d, a = d[done:], a[done:]
		if op != Not {
			b = b[done:]
		}
	}
	combineWords(op, d, a, b)
}
