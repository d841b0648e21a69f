package hll

import (
	"encoding/binary"
	"math"
)

// alphaInf is 0.5/ln(2), the estimator's bias constant for m -> infinity.
const alphaInf = 0.721347520444481703680

// Raw is an HLL as one byte per register: the form PFCOUNT of several keys
// and PFMERGE accumulate into.
type Raw [Registers]uint8

// Count estimates the cardinality of a valid HLL from its registers (the
// cached value is ignored). It fails with ErrInvalid on corrupted sparse
// registers.
func Count(v []byte) (uint64, error) {
	var hist [64]int
	switch {
	case v[4] != Dense:
		if !sparseHisto(capped(v), &hist) {
			return 0, ErrInvalid
		}
	case useAVX512:
		// Unpacking to one byte per register and counting those is
		// several times faster than reading the packed registers.
		var r Raw
		mergeDense(&r, v[HeaderSize:])
		rawHisto(&r, &hist)
	default:
		denseHisto(v[HeaderSize:], &hist)
	}
	return estimate(&hist), nil
}

// Count estimates the cardinality of the raw registers (each below 64).
func (r *Raw) Count() uint64 {
	var hist [64]int
	rawHisto(r, &hist)
	return estimate(&hist)
}

// rawHistoWords adds the raw registers to hist by value, eight at a time:
// the histogram is kept in four tables so consecutive registers of equal
// value do not wait on each other's increments.
func rawHistoWords(r *Raw, hist *[64]int) {
	var h [4][64]int32
	for i := 0; i < Registers; i += 8 {
		w := binary.LittleEndian.Uint64(r[i:])
		if w == 0 {
			h[0][0] += 8
			continue
		}
		h[0][w&63]++
		h[1][w>>8&63]++
		h[2][w>>16&63]++
		h[3][w>>24&63]++
		h[0][w>>32&63]++
		h[1][w>>40&63]++
		h[2][w>>48&63]++
		h[3][w>>56&63]++
	}
	for j := range hist {
		hist[j] += int(h[0][j] + h[1][j] + h[2][j] + h[3][j])
	}
}

// Merge raises every register of r to the matching register of the valid
// HLL v (r[i] = max(r[i], v[i])). Dense registers go through the vector
// kernels with simd (PFDEBUG SIMD ON, the default), else one at a time.
// Corrupted sparse registers give ErrInvalid, r then holds part of the
// merge.
func (r *Raw) Merge(v []byte, simd bool) error {
	if v[4] == Dense {
		if simd {
			mergeDense(r, v[HeaderSize:])
		} else {
			for i := range r {
				r[i] = max(r[i], denseGet(v[HeaderSize:], i))
			}
		}
		return nil
	}
	v = capped(v)
	idx := 0
	for p := HeaderSize; p < len(v); {
		span, size := opSpan(v, p)
		if idx+span > Registers {
			return ErrInvalid
		}
		if isVal(v[p]) {
			val := uint8(valValue(v[p]))
			for i := idx; i < idx+span; i++ {
				r[i] = max(r[i], val)
			}
		}
		idx += span
		p += size
	}
	if idx != Registers {
		return ErrInvalid
	}
	return nil
}

// WriteDense stores the registers of r into the dense value v (registers
// above 63 keep their low 6 bits), eight at a time with simd, else one at
// a time.
func (r *Raw) WriteDense(v []byte, simd bool) {
	regs := v[HeaderSize:]
	if simd {
		compressWords(regs, r)
		return
	}
	for i, x := range r {
		denseSet(regs, i, x&RegisterMax)
	}
}

// denseHisto counts the dense registers by value, eight registers (six
// bytes) at a time into four tables.
func denseHisto(regs []byte, hist *[64]int) {
	var h [4][64]int32
	b := 0
	for ; b+8 <= len(regs); b += 6 {
		x := binary.LittleEndian.Uint64(regs[b:])
		h[0][x&63]++
		h[1][x>>6&63]++
		h[2][x>>12&63]++
		h[3][x>>18&63]++
		h[0][x>>24&63]++
		h[1][x>>30&63]++
		h[2][x>>36&63]++
		h[3][x>>42&63]++
	}
	for ; b+3 <= len(regs); b += 3 {
		x := uint32(regs[b]) | uint32(regs[b+1])<<8 | uint32(regs[b+2])<<16
		h[0][x&63]++
		h[1][x>>6&63]++
		h[2][x>>12&63]++
		h[3][x>>18&63]++
	}
	for j := range hist {
		hist[j] += int(h[0][j] + h[1][j] + h[2][j] + h[3][j])
	}
}

// mergeDenseWords is Merge of dense registers eight at a time: six register
// bytes are spread into one register per byte, then a byte-wise max is taken
// without branches (every byte is below 0x80).
func mergeDenseWords(r *Raw, regs []byte) {
	const (
		lo24 = 0x0000000000ffffff
		f0   = 0x0000003f0000003f
		f1   = 0x00000fc000000fc0
		f2   = 0x0003f0000003f000
		f3   = 0x00fc000000fc0000
		hi   = 0x8080808080808080
	)
	i, b := 0, 0
	for ; b+8 <= len(regs); i, b = i+8, b+6 {
		x := binary.LittleEndian.Uint64(regs[b:])
		x = x&lo24 | (x>>24&lo24)<<32 // 24 bits (4 registers) per 32-bit half
		y := x&f0 | (x&f1)<<2 | (x&f2)<<4 | (x&f3)<<6
		z := binary.LittleEndian.Uint64(r[i:])
		// Bytes where z >= y: the high bit of (z|0x80) - y survives.
		ge := ((z | hi) - y) & hi
		m := (ge >> 7) * 0xff
		binary.LittleEndian.PutUint64(r[i:], z&m|y&^m)
	}
	for ; i < Registers; i++ {
		r[i] = max(r[i], denseGet(regs, i))
	}
}

// compressWords is WriteDense eight registers at a time: the inverse of
// mergeDenseWords' spreading.
func compressWords(regs []byte, r *Raw) {
	const (
		m6 = 0x3f3f3f3f3f3f3f3f
		f0 = 0x0000003f0000003f
		f1 = 0x00003f0000003f00
		f2 = 0x003f0000003f0000
		f3 = 0x3f0000003f000000
	)
	var tmp [8]byte
	i, b := 0, 0
	for ; i < Registers; i, b = i+8, b+6 {
		y := binary.LittleEndian.Uint64(r[i:]) & m6
		x := y&f0 | (y&f1)>>2 | (y&f2)>>4 | (y&f3)>>6
		x = x&lo24Mask | (x>>32&lo24Mask)<<24
		binary.LittleEndian.PutUint64(tmp[:], x)
		copy(regs[b:b+6], tmp[:6])
	}
}

const lo24Mask = 0x0000000000ffffff

// sigma and tau are the helper series of Ertl's estimator. Products are
// converted explicitly so the compiler cannot fuse them into FMAs: the
// results must round exactly as Valkey's.
func sigma(x float64) float64 {
	if x == 1 {
		return math.Inf(1)
	}
	y := 1.0
	z := x
	for {
		x = float64(x * x)
		zPrime := z
		z += float64(x * y)
		y += y
		if zPrime == z {
			return z
		}
	}
}

func tau(x float64) float64 {
	if x == 0 || x == 1 {
		return 0
	}
	y := 1.0
	z := 1 - x
	for {
		x = math.Sqrt(x)
		zPrime := z
		y *= 0.5
		d := 1 - x
		z -= float64(float64(d*d) * y)
		if zPrime == z {
			return z / 3
		}
	}
}

// estimate turns a register histogram into the cardinality, with Valkey's
// rounding: llroundl of the estimate (an unrepresentable one, such as the
// infinity of a sketch whose registers are all at their maximum, becomes
// the most negative long long), stored in a double and cast to uint64.
func estimate(hist *[64]int) uint64 {
	const m = float64(Registers)
	z := m * tau((m-float64(hist[Q+1]))/m)
	for j := Q; j >= 1; j-- {
		z += float64(hist[j])
		z *= 0.5
	}
	z += float64(m * sigma(float64(hist[0])/m))
	e := alphaInf * m * m / z
	var ll int64
	if math.IsNaN(e) || math.Abs(e) >= 1<<63 {
		ll = math.MinInt64
	} else {
		ll = int64(math.Round(e))
	}
	d := float64(ll)
	if d < 0 {
		return uint64(int64(d))
	}
	if d >= 1<<63 {
		return uint64(d-(1<<63)) ^ 1<<63
	}
	return uint64(d)
}
