package num

import (
	"math"
	"strconv"
)

// AppendDouble formats f as Valkey's d2string: "nan", "inf", "-inf", "-0",
// integers within ±LLONG_MAX/2 as integers, otherwise the shortest
// round-trip digits laid out as fpconv_dtoa does.
func AppendDouble(dst []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		return append(dst, "nan"...)
	case math.IsInf(f, 1):
		return append(dst, "inf"...)
	case math.IsInf(f, -1):
		return append(dst, "-inf"...)
	case f == 0:
		if math.Signbit(f) {
			return append(dst, "-0"...)
		}
		return append(dst, '0')
	}
	const half = float64(math.MaxInt64 / 2)
	if f >= -half && f <= half && f == math.Trunc(f) {
		return strconv.AppendInt(dst, int64(f), 10)
	}
	return AppendFpconv(dst, f)
}

// AppendFpconv lays out the shortest round-trip digits of a finite,
// non-zero f as Valkey's fpconv_dtoa does (no integer shortcut: DEBUG
// DIGEST hashes scores in this form).
func AppendFpconv(dst []byte, f float64) []byte {
	var tmp [32]byte
	e := strconv.AppendFloat(tmp[:0], f, 'e', -1, 64) // [-]d[.ddd]e±XX
	neg := e[0] == '-'
	if neg {
		e = e[1:]
		dst = append(dst, '-')
	}
	var digits [24]byte
	nd := 0
	i := 0
	for ; i < len(e) && e[i] != 'e'; i++ {
		if e[i] != '.' {
			digits[nd] = e[i]
			nd++
		}
	}
	exp10, _ := strconv.Atoi(string(e[i+1:])) // exponent of the first digit
	K := exp10 - (nd - 1)                     // value = digits * 10^K
	absExp := exp10
	if absExp < 0 {
		absExp = -absExp
	}
	if K >= 0 && absExp < nd+7 {
		dst = append(dst, digits[:nd]...)
		for j := 0; j < K; j++ {
			dst = append(dst, '0')
		}
		return dst
	}
	if K < 0 && (K > -7 || absExp < 4) {
		offset := nd + K
		if offset <= 0 {
			dst = append(dst, '0', '.')
			for j := 0; j < -offset; j++ {
				dst = append(dst, '0')
			}
			return append(dst, digits[:nd]...)
		}
		dst = append(dst, digits[:offset]...)
		dst = append(dst, '.')
		return append(dst, digits[offset:nd]...)
	}
	dst = append(dst, digits[0])
	if nd > 1 {
		dst = append(dst, '.')
		dst = append(dst, digits[1:nd]...)
	}
	dst = append(dst, 'e')
	if exp10 < 0 {
		dst = append(dst, '-')
	} else {
		dst = append(dst, '+')
	}
	return strconv.AppendInt(dst, int64(absExp), 10)
}
