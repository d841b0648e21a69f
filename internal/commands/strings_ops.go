package commands

// Pure operations of the string family: no RESP, no keyspace. Handlers in
// strings.go call them and choose the replies.

import (
	"math/big"

	"petrel/internal/errs"
)

// Expire argument kinds of SET and GETEX.
const (
	expNone = iota
	expEX   // relative seconds
	expPX   // relative milliseconds
	expEXAT // absolute unix seconds
	expPXAT // absolute unix milliseconds
)

// expireAt turns an expire argument n of the given kind into an absolute
// unix time in ms at now, with Valkey's checks: the value must be positive,
// seconds must not overflow when scaled, and a relative time must not
// overflow when added to now. invalid is the command's "invalid expire
// time" error.
func expireAt(n int64, kind int, now int64, invalid error) (int64, error) {
	seconds := kind == expEX || kind == expEXAT
	if n <= 0 || (seconds && n > maxInt64/1000) {
		return 0, invalid
	}
	if seconds {
		n *= 1000
	}
	if kind == expEX || kind == expPX {
		n += now // wraps on overflow, as Valkey's does
	}
	if n <= 0 {
		return 0, invalid
	}
	return n, nil
}

const (
	maxInt64 = 1<<63 - 1
	minInt64 = -1 << 63
)

// incrInt adds incr to v, failing where Valkey's incrDecrCommand does.
func incrInt(v, incr int64) (int64, error) {
	if (incr < 0 && v < 0 && incr < minInt64-v) || (incr > 0 && v > 0 && incr > maxInt64-v) {
		return 0, errs.Overflow
	}
	return v + incr, nil
}

// checkStringLength fails when a string of size bytes grown by add bytes
// would exceed limit (proto-max-bulk-len), overflow included.
func checkStringLength(size, add, limit int64) error {
	if add > maxInt64-size || size+add > limit {
		return errs.StringTooLong
	}
	return nil
}

// strRange returns the byte range [lo, hi) GETRANGE start end selects in a
// string of n bytes (empty when lo >= hi), with Valkey's index rules.
func strRange(n, start, end int64) (lo, hi int64) {
	if start < 0 && end < 0 && start > end {
		return 0, 0
	}
	if start < 0 {
		start += n
	}
	if end < 0 {
		end += n
	}
	start = max(start, 0)
	end = max(end, 0)
	if end >= n {
		end = n - 1
	}
	if n == 0 || start > end {
		return 0, 0
	}
	return start, end + 1
}

// --- INCRBYFLOAT: x87 long double arithmetic --------------------------------
//
// Valkey computes INCRBYFLOAT in C long double, which on x86-64 is the x87
// 80-bit extended format: a 64-bit significand, exponents down to 2^-16382
// (2^-16445 with subnormals) and up to just below 2^16384. It reads numbers
// with strtold (decimal and hex, correctly rounded) and prints the sum with
// "%.17Lf" before stripping trailing zeros. The ops below reproduce that
// exactly with math/big: a value is a *big.Float of 64-bit precision, every
// rounding is to nearest even, and the range limits are checked by hand.
// INCRBYFLOAT is not a hot path, so the allocations are acceptable.

const (
	ldPrec       = 64    // significand bits
	ldMaxExp     = 16384 // big.Float exponent of the largest finite value (x = m·2^exp, ½ ≤ m < 1)
	ldDenormBits = 16445 // the smallest subnormal is 2^-16445
	ldMaxChars   = 5 * 1024
)

// parseLongDouble reads b as Valkey's string2ld: strtold syntax (optional
// sign, decimal or 0x hex with optional exponent, inf/infinity) with nothing
// before or after, shorter than 5 KiB, not NaN, not overflowing to ±HUGE_VAL
// and not underflowing to zero. The result may be ±Inf.
func parseLongDouble(b []byte) (*big.Float, bool) {
	if len(b) == 0 || len(b) >= ldMaxChars || isCSpace(b[0]) {
		return nil, false
	}
	i := 0
	neg := false
	if b[0] == '+' || b[0] == '-' {
		neg = b[0] == '-'
		i++
	}
	s := b[i:]
	if equalFoldASCII(s, "inf") || equalFoldASCII(s, "infinity") {
		f := new(big.Float).SetInf(neg)
		return f, true
	}
	var num, den *big.Int
	var ok bool
	if len(s) > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') {
		num, den, ok = parseHexRational(s[2:])
	} else {
		num, den, ok = parseDecRational(s)
	}
	if !ok {
		return nil, false
	}
	if num == nil { // zero
		f := new(big.Float).SetPrec(ldPrec)
		if neg {
			f.Neg(f)
		}
		return f, true
	}
	f, ok := roundLongDouble(num, den)
	if !ok {
		return nil, false
	}
	if neg {
		f.Neg(f)
	}
	return f, true
}

// parseDecRational parses digits[.digits][e[+-]digits] (at least one
// digit) into num/den; num is nil for zero. Values far outside the long
// double range fail without building huge numbers.
func parseDecRational(s []byte) (num, den *big.Int, ok bool) {
	i := 0
	var mant []byte // significant digits, leading zeros dropped
	digits, frac := 0, 0
	for ; i < len(s) && isDigit(s[i]); i++ {
		digits++
		if len(mant) > 0 || s[i] != '0' {
			mant = append(mant, s[i])
		}
	}
	if i < len(s) && s[i] == '.' {
		i++
		for ; i < len(s) && isDigit(s[i]); i++ {
			digits++
			frac++
			if len(mant) > 0 || s[i] != '0' {
				mant = append(mant, s[i])
			}
		}
	}
	if digits == 0 {
		return nil, nil, false
	}
	exp, i, ok := parseExponent(s, i, 'e')
	if !ok || i != len(s) {
		return nil, nil, false
	}
	if len(mant) == 0 {
		return nil, nil, true
	}
	exp10 := exp - int64(frac) // value = mant · 10^exp10
	order := exp10 + int64(len(mant))
	if order > 4934 { // ≥ 10^4933 > the largest long double
		return nil, nil, false
	}
	if order < -4952 { // < 10^-4952, rounds to zero: ERANGE
		return nil, nil, false
	}
	num, _ = new(big.Int).SetString(string(mant), 10)
	den = big.NewInt(1)
	p := new(big.Int).Exp(big.NewInt(10), big.NewInt(abs64(exp10)), nil)
	if exp10 >= 0 {
		num.Mul(num, p)
	} else {
		den = p
	}
	return num, den, true
}

// parseHexRational parses the part after "0x": hexdigits[.hexdigits]
// [p[+-]digits] with at least one hex digit.
func parseHexRational(s []byte) (num, den *big.Int, ok bool) {
	i := 0
	var mant []byte
	digits, frac := 0, 0
	for ; i < len(s) && isHexDigit(s[i]); i++ {
		digits++
		if len(mant) > 0 || s[i] != '0' {
			mant = append(mant, s[i])
		}
	}
	if i < len(s) && s[i] == '.' {
		i++
		for ; i < len(s) && isHexDigit(s[i]); i++ {
			digits++
			frac++
			if len(mant) > 0 || s[i] != '0' {
				mant = append(mant, s[i])
			}
		}
	}
	if digits == 0 {
		return nil, nil, false
	}
	exp, i, ok := parseExponent(s, i, 'p')
	if !ok || i != len(s) {
		return nil, nil, false
	}
	if len(mant) == 0 {
		return nil, nil, true
	}
	exp2 := exp - 4*int64(frac)
	top := exp2 + 4*int64(len(mant)) // value < 2^top
	if top > ldMaxExp+4 || top < -ldDenormBits-8 {
		return nil, nil, false
	}
	num, _ = new(big.Int).SetString(string(mant), 16)
	den = big.NewInt(1)
	if exp2 >= 0 {
		num.Lsh(num, uint(exp2))
	} else {
		den.Lsh(den, uint(-exp2))
	}
	return num, den, true
}

// parseExponent reads an optional exponent (marker, sign, digits) at s[i:].
// A marker not followed by digits is not part of the number (strtold leaves
// it unread), which the caller's end check then rejects. Huge exponents
// saturate.
func parseExponent(s []byte, i int, marker byte) (int64, int, bool) {
	if i >= len(s) || (s[i]|0x20) != marker {
		return 0, i, true
	}
	j := i + 1
	neg := false
	if j < len(s) && (s[j] == '+' || s[j] == '-') {
		neg = s[j] == '-'
		j++
	}
	if j >= len(s) || !isDigit(s[j]) {
		return 0, i, true
	}
	var e int64
	for ; j < len(s) && isDigit(s[j]); j++ {
		if e < 1e7 {
			e = e*10 + int64(s[j]-'0')
		}
	}
	if neg {
		e = -e
	}
	return e, j, true
}

// roundLongDouble rounds the positive rational num/den to the long double
// format; false on overflow or underflow to zero.
func roundLongDouble(num, den *big.Int) (*big.Float, bool) {
	// E with 2^(E-1) ≤ num/den < 2^E.
	e0 := num.BitLen() - den.BitLen()
	a, b := new(big.Int).Set(num), new(big.Int).Set(den)
	if e0 >= 0 {
		b.Lsh(b, uint(e0))
	} else {
		a.Lsh(a, uint(-e0))
	}
	E := e0
	if a.Cmp(b) >= 0 {
		E = e0 + 1
	}
	prec := min(ldPrec, E+ldDenormBits)
	if prec <= 0 {
		// Below the smallest subnormal: rounds to it when above its half
		// (E == -16445 and not exactly 2^-16446), else to zero (ERANGE).
		if prec < 0 {
			return nil, false
		}
		if new(big.Int).Lsh(num, ldDenormBits+1).Cmp(den) == 0 {
			return nil, false // exactly half: ties to even, zero
		}
		f := new(big.Float).SetPrec(ldPrec).SetMantExp(big.NewFloat(1), -ldDenormBits)
		return f, true
	}
	fa := new(big.Float).SetInt(num)
	fb := new(big.Float).SetInt(den)
	f := new(big.Float).SetPrec(uint(prec)).SetMode(big.ToNearestEven).Quo(fa, fb)
	if f.MantExp(nil) > ldMaxExp {
		return nil, false
	}
	return f.SetPrec(ldPrec), true
}

// addLongDouble is x87 extended-precision addition; false when the sum is
// NaN or infinite.
func addLongDouble(a, b *big.Float) (*big.Float, bool) {
	if a.IsInf() || b.IsInf() {
		return nil, false
	}
	// Both are multiples of 2^-16445, so a sum in the subnormal range is
	// exact at 64 bits: only overflow needs checking.
	z := new(big.Float).SetPrec(ldPrec).SetMode(big.ToNearestEven).Add(a, b)
	if z.MantExp(nil) > ldMaxExp {
		return nil, false
	}
	return z, true
}

// appendLongDoubleHuman formats f as Valkey's ld2string in LD_STR_HUMAN
// mode: "%.17Lf" with trailing zeros (and a trailing point) removed, and
// "-0" printed as "0".
func appendLongDoubleHuman(dst []byte, f *big.Float) []byte {
	start := len(dst)
	dst = f.Append(dst, 'f', 17)
	s := dst[start:]
	for i := range s {
		if s[i] == '.' {
			n := len(s)
			for s[n-1] == '0' {
				n--
			}
			if s[n-1] == '.' {
				n--
			}
			s = s[:n]
			break
		}
	}
	if len(s) == 2 && s[0] == '-' && s[1] == '0' {
		s = s[1:2]
		dst[start] = '0'
	}
	return dst[:start+len(s)]
}

// incrByFloat adds incr to the current value cur (an int-encoded value
// formatted, "0" for a missing key) in long double and returns the
// formatted result, as INCRBYFLOAT stores and replies it.
func incrByFloat(cur, incr []byte) ([]byte, error) {
	v, ok := parseLongDouble(cur)
	if !ok {
		return nil, errs.NotFloat
	}
	d, ok := parseLongDouble(incr)
	if !ok {
		return nil, errs.NotFloat
	}
	sum, ok := addLongDouble(v, d)
	if !ok {
		return nil, errs.IncrNaNOrInf
	}
	return appendLongDoubleHuman(nil, sum), nil
}

func isDigit(c byte) bool    { return '0' <= c && c <= '9' }
func isHexDigit(c byte) bool { return isDigit(c) || ('a' <= c|0x20 && c|0x20 <= 'f') }

// isCSpace is C's isspace in the "C" locale.
func isCSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

func equalFoldASCII(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range b {
		if b[i]|0x20 != s[i]|0x20 {
			return false
		}
	}
	return true
}

func abs64(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}

// --- LCS ---------------------------------------------------------------------

// lcsMatch is one matching range of LCS ... IDX, in both strings.
type lcsMatch struct {
	aStart, aEnd, bStart, bEnd uint32
}

// lcsLen is the length of the longest common subsequence of a and b, in
// O(len(b)) memory.
func lcsLen(a, b []byte) uint32 {
	prev := make([]uint32, len(b)+1)
	cur := make([]uint32, len(b)+1)
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			switch {
			case a[i-1] == b[j-1]:
				cur[j] = prev[j-1] + 1
			case prev[j] > cur[j-1]:
				cur[j] = prev[j]
			default:
				cur[j] = cur[j-1]
			}
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// lcsFull computes the longest common subsequence of a and b with Valkey's
// table and walk, so that ties resolve as Valkey's do. It returns the
// subsequence and, if wantIdx, the matching ranges of at least minLen bytes
// (0: all) in the order Valkey emits them (from the ends of the strings).
func lcsFull(a, b []byte, wantIdx bool, minLen int64) ([]byte, []lcsMatch) {
	alen, blen := uint32(len(a)), uint32(len(b))
	w := blen + 1
	t := make([]uint32, (uint64(alen)+1)*uint64(w))
	for i := uint32(1); i <= alen; i++ {
		row, up := t[i*w:(i+1)*w], t[(i-1)*w:i*w]
		for j := uint32(1); j <= blen; j++ {
			switch {
			case a[i-1] == b[j-1]:
				row[j] = up[j-1] + 1
			case up[j] > row[j-1]:
				row[j] = up[j]
			default:
				row[j] = row[j-1]
			}
		}
	}
	at := func(i, j uint32) uint32 { return t[i*w+j] }
	idx := at(alen, blen)
	result := make([]byte, idx)
	var matches []lcsMatch

	aStart, aEnd, bStart, bEnd := alen, uint32(0), uint32(0), uint32(0) // aStart == alen: no range
	i, j := alen, blen
	for i > 0 && j > 0 {
		emit := false
		if a[i-1] == b[j-1] {
			result[idx-1] = a[i-1]
			if aStart == alen {
				aStart, aEnd = i-1, i-1
				bStart, bEnd = j-1, j-1
			} else if aStart == i && bStart == j {
				aStart--
				bStart--
			} else {
				emit = true
			}
			if aStart == 0 || bStart == 0 {
				emit = true
			}
			idx--
			i--
			j--
		} else {
			if at(i-1, j) > at(i, j-1) {
				i--
			} else {
				j--
			}
			if aStart != alen {
				emit = true
			}
		}
		if emit {
			n := int64(aEnd - aStart + 1)
			if wantIdx && (minLen == 0 || n >= minLen) {
				matches = append(matches, lcsMatch{aStart, aEnd, bStart, bEnd})
			}
			aStart = alen
		}
	}
	return result, matches
}
