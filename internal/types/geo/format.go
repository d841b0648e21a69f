package geo

import (
	"math"
	"strconv"
)

// AppendDistance appends d with exactly four decimals, as Valkey's
// fixedpoint_d2string(d, 4) prints distances (GEODIST, WITHDIST): d×10⁴
// rounded half to even, "-" only when that is negative, "0.0000" for 0.
func AppendDistance(dst []byte, d float64) []byte {
	const digits = 4
	if d == 0 {
		return append(dst, "0.0000"...)
	}
	v := llrint(d * 1e4)
	var u uint64
	if v < 0 {
		dst = append(dst, '-')
		u = uint64(-v) // -MinInt64 wraps to 1<<63, the value C prints
	} else {
		u = uint64(v)
	}
	var buf [24]byte
	s := strconv.AppendUint(buf[:0], u, 10)
	if len(s) <= digits { // pad so that there is one integer digit
		pad := [digits + 1]byte{'0', '0', '0', '0', '0'}
		s = append(pad[:digits+1-len(s)], s...)
	}
	dst = append(dst, s[:len(s)-digits]...)
	dst = append(dst, '.')
	return append(dst, s[len(s)-digits:]...)
}

// llrint is C's llrint on x86-64: rounding half to even, and the
// "indefinite" MinInt64 for NaN and values outside the int64 range.
func llrint(f float64) int64 {
	r := math.RoundToEven(f)
	if r != r || r >= 1<<63 || r < -(1<<63) {
		return math.MinInt64
	}
	return int64(r)
}

// AppendCoord appends a coordinate as Valkey's addReplyHumanLongDouble
// prints it: "%.17Lf" (the double's exact value rounded to 17 decimals)
// with trailing zeros, then a trailing dot, removed, and "-0" as "0".
func AppendCoord(dst []byte, f float64) []byte {
	switch {
	case math.IsInf(f, 1):
		return append(dst, "inf"...)
	case math.IsInf(f, -1):
		return append(dst, "-inf"...)
	case math.IsNaN(f):
		return append(dst, "nan"...)
	}
	start := len(dst)
	dst = strconv.AppendFloat(dst, f, 'f', 17, 64)
	for dst[len(dst)-1] == '0' {
		dst = dst[:len(dst)-1]
	}
	if dst[len(dst)-1] == '.' {
		dst = dst[:len(dst)-1]
	}
	if string(dst[start:]) == "-0" {
		dst = append(dst[:start], '0')
	}
	return dst
}
