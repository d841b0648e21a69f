package zset

import (
	"math"
	"strconv"
)

// strtod parses the longest prefix of b that C's strtod (glibc, C locale)
// accepts: leading white space, a sign, then "inf", "infinity", "nan",
// "nan(chars)", a hexadecimal float ("0x1.8p3", exponent optional) or a
// decimal float. It returns the value, the bytes consumed (0 when nothing
// converts, as strtod then leaves endptr at the start), and whether the
// result over- or underflowed (strtod's ERANGE).
func strtod(b []byte) (f float64, n int, erange bool) {
	i := 0
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	start := i
	neg := false
	if i < len(b) && (b[i] == '+' || b[i] == '-') {
		neg = b[i] == '-'
		i++
	}
	if j, ok := matchFold(b, i, "inf"); ok {
		if k, ok := matchFold(b, i, "infinity"); ok {
			j = k
		}
		if neg {
			return math.Inf(-1), j, false
		}
		return math.Inf(1), j, false
	}
	if j, ok := matchFold(b, i, "nan"); ok {
		if j < len(b) && b[j] == '(' {
			k := j + 1
			for k < len(b) && (isAlnum(b[k]) || b[k] == '_') {
				k++
			}
			if k < len(b) && b[k] == ')' {
				j = k + 1
			}
		}
		return math.NaN(), j, false
	}
	if i+1 < len(b) && b[i] == '0' && (b[i+1] == 'x' || b[i+1] == 'X') {
		if f, n, erange, ok := hexFloat(b, start, i+2, neg); ok {
			return f, n, erange
		}
		// "0x" without digits: the "0" converts, parsing stops at 'x'.
		if neg {
			return math.Copysign(0, -1), i + 1, false
		}
		return 0, i + 1, false
	}
	// Decimal: digits [. digits] [e [sign] digits], at least one digit.
	j := i
	nonzero := false
	digits := 0
	for j < len(b) && isDigit(b[j]) {
		nonzero = nonzero || b[j] != '0'
		j++
		digits++
	}
	if j < len(b) && b[j] == '.' {
		j++
		for j < len(b) && isDigit(b[j]) {
			nonzero = nonzero || b[j] != '0'
			j++
			digits++
		}
	}
	if digits == 0 {
		return 0, 0, false
	}
	if j < len(b) && (b[j] == 'e' || b[j] == 'E') {
		k := j + 1
		if k < len(b) && (b[k] == '+' || b[k] == '-') {
			k++
		}
		if k < len(b) && isDigit(b[k]) {
			for k < len(b) && isDigit(b[k]) {
				k++
			}
			j = k
		}
	}
	f, err := strconv.ParseFloat(string(b[start:j]), 64)
	if err != nil {
		// Only a range error is possible for this syntax.
		return f, j, true
	}
	return f, j, f == 0 && nonzero
}

// hexFloat parses a hexadecimal float whose digits start at i (after
// "0x"); sign and prefix start at start.
func hexFloat(b []byte, start, i int, neg bool) (float64, int, bool, bool) {
	j := i
	digits := 0
	nonzero := false
	for j < len(b) && isHex(b[j]) {
		nonzero = nonzero || b[j] != '0'
		j++
		digits++
	}
	if j < len(b) && b[j] == '.' {
		j++
		for j < len(b) && isHex(b[j]) {
			nonzero = nonzero || b[j] != '0'
			j++
			digits++
		}
	}
	if digits == 0 {
		return 0, 0, false, false
	}
	mant := b[i:j]
	exp := []byte("p0")
	if j < len(b) && (b[j] == 'p' || b[j] == 'P') {
		k := j + 1
		if k < len(b) && (b[k] == '+' || b[k] == '-') {
			k++
		}
		if k < len(b) && isDigit(b[k]) {
			for k < len(b) && isDigit(b[k]) {
				k++
			}
			exp = b[j:k]
			j = k
		}
	}
	s := make([]byte, 0, 4+len(mant)+len(exp))
	if neg {
		s = append(s, '-')
	}
	s = append(s, "0x"...)
	s = append(s, mant...)
	s = append(s, exp...)
	f, err := strconv.ParseFloat(string(s), 64)
	if err != nil {
		return f, j, true, true
	}
	return f, j, f == 0 && nonzero, true
}

func matchFold(b []byte, i int, word string) (int, bool) {
	if len(b)-i < len(word) {
		return 0, false
	}
	for k := 0; k < len(word); k++ {
		c := b[i+k]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != word[k] {
			return 0, false
		}
	}
	return i + len(word), true
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}
func isDigit(c byte) bool { return '0' <= c && c <= '9' }
func isHex(c byte) bool {
	return isDigit(c) || ('a' <= c && c <= 'f') || ('A' <= c && c <= 'F')
}
func isAlnum(c byte) bool {
	return isDigit(c) || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
}

// ParseScore parses a score or increment as Valkey's string2d: the whole
// argument must convert, no leading space, no overflow to ±HUGE_VAL or
// underflow to zero, no NaN. Hexadecimal floats and inf/infinity are
// accepted.
func ParseScore(b []byte) (float64, bool) {
	if len(b) == 0 || isSpace(b[0]) {
		return 0, false
	}
	f, n, erange := strtod(b)
	if n != len(b) || math.IsNaN(f) {
		return 0, false
	}
	if erange && (math.IsInf(f, 0) || f == 0) {
		return 0, false
	}
	return f, true
}

// cstr cuts b at its first NUL byte, as C string functions see it.
func cstr(b []byte) []byte {
	for i, c := range b {
		if c == 0 {
			return b[:i]
		}
	}
	return b
}

// ScoreRange is a score interval (ZRANGEBYSCORE's min and max).
type ScoreRange struct {
	Min, Max     float64
	MinEx, MaxEx bool
}

// ParseScoreRange parses min and max as Valkey's zslParseRange: "(" makes
// a bound exclusive; the rest is read by strtod up to the first NUL byte
// and must convert entirely (an empty rest reads as 0; leading white space
// and out-of-range values are accepted); NaN is rejected.
func ParseScoreRange(min, max []byte) (ScoreRange, bool) {
	var r ScoreRange
	var ok bool
	if r.Min, r.MinEx, ok = parseBound(min); !ok {
		return r, false
	}
	if r.Max, r.MaxEx, ok = parseBound(max); !ok {
		return r, false
	}
	return r, true
}

func parseBound(b []byte) (float64, bool, bool) {
	b = cstr(b)
	ex := false
	if len(b) > 0 && b[0] == '(' {
		ex = true
		b = b[1:]
	}
	f, n, _ := strtod(b)
	if n == 0 {
		// No conversion: endptr stays at the start, so only an empty
		// string passes the "ends at NUL" check.
		if len(b) != 0 {
			return 0, false, false
		}
		return 0, ex, true
	}
	if n != len(b) || math.IsNaN(f) {
		return 0, false, false
	}
	return f, ex, true
}

// GteMin reports whether v is at or above the range's minimum.
func (r *ScoreRange) GteMin(v float64) bool {
	if r.MinEx {
		return v > r.Min
	}
	return v >= r.Min
}

// LteMax reports whether v is at or below the range's maximum.
func (r *ScoreRange) LteMax(v float64) bool {
	if r.MaxEx {
		return v < r.Max
	}
	return v <= r.Max
}

// Empty reports whether no value can be in the range.
func (r *ScoreRange) Empty() bool {
	return r.Min > r.Max || (r.Min == r.Max && (r.MinEx || r.MaxEx))
}

// LexRange is a member interval (ZRANGEBYLEX's min and max). The infinite
// bounds "-" and "+" are MinInf/MaxInf flags (the values then unused).
type LexRange struct {
	Min, Max     []byte
	MinEx, MaxEx bool
	MinNegInf    bool // "-" as min
	MinPosInf    bool // "+" as min
	MaxNegInf    bool // "-" as max
	MaxPosInf    bool // "+" as max
}

// ParseLexRange parses min and max as zslParseLexRange: "(" or "[" and a
// value (binary-safe), or "-"/"+" alone (bytes after a NUL ignored).
func ParseLexRange(min, max []byte) (LexRange, bool) {
	var r LexRange
	var ok bool
	if r.Min, r.MinEx, r.MinNegInf, r.MinPosInf, ok = parseLexItem(min); !ok {
		return r, false
	}
	if r.Max, r.MaxEx, r.MaxNegInf, r.MaxPosInf, ok = parseLexItem(max); !ok {
		return r, false
	}
	return r, true
}

func parseLexItem(b []byte) (v []byte, ex, negInf, posInf, ok bool) {
	if len(b) == 0 {
		return nil, false, false, false, false
	}
	switch b[0] {
	case '+':
		if len(b) > 1 && b[1] != 0 {
			return nil, false, false, false, false
		}
		return nil, true, false, true, true
	case '-':
		if len(b) > 1 && b[1] != 0 {
			return nil, false, false, false, false
		}
		return nil, true, true, false, true
	case '(':
		return b[1:], true, false, false, true
	case '[':
		return b[1:], false, false, false, true
	}
	return nil, false, false, false, false
}

// cmpBound compares a member with a bound as sdscmplex does: -inf below
// and +inf above every string.
func cmpBound(m []byte, bound []byte, negInf, posInf bool) int {
	switch {
	case negInf:
		return 1
	case posInf:
		return -1
	}
	return compare(m, bound)
}

func compare(a, b []byte) int {
	if string(a) < string(b) {
		return -1
	}
	if string(a) > string(b) {
		return 1
	}
	return 0
}

// GteMin reports whether m is at or above the range's minimum.
func (r *LexRange) GteMin(m []byte) bool {
	c := cmpBound(m, r.Min, r.MinNegInf, r.MinPosInf)
	if r.MinEx {
		return c > 0
	}
	return c >= 0
}

// LteMax reports whether m is at or below the range's maximum.
func (r *LexRange) LteMax(m []byte) bool {
	c := cmpBound(m, r.Max, r.MaxNegInf, r.MaxPosInf)
	if r.MaxEx {
		return c < 0
	}
	return c <= 0
}

// Empty reports whether no member can be in the range (zslIsInLexRange's
// first test).
func (r *LexRange) Empty() bool {
	c := r.cmpMinMax()
	return c > 0 || (c == 0 && (r.MinEx || r.MaxEx))
}

// cmpMinMax compares the two bounds as sdscmplex(min, max).
func (r *LexRange) cmpMinMax() int {
	minRank := boundRank(r.MinNegInf, r.MinPosInf)
	maxRank := boundRank(r.MaxNegInf, r.MaxPosInf)
	if minRank != 0 || maxRank != 0 {
		// sdscmplex: identical shared objects compare equal; -inf (min
		// string) below everything, +inf above.
		if minRank == maxRank {
			return 0
		}
		if minRank < maxRank {
			return -1
		}
		return 1
	}
	return compare(r.Min, r.Max)
}

func boundRank(neg, pos bool) int {
	switch {
	case neg:
		return -1
	case pos:
		return 1
	}
	return 0
}

// AppendScore17 formats a score as "%.17g" (ld2string LD_STR_AUTO), as
// ZSCAN does for skiplist-encoded sets.
func AppendScore17(dst []byte, f float64) []byte {
	switch {
	case math.IsInf(f, 1):
		return append(dst, "inf"...)
	case math.IsInf(f, -1):
		return append(dst, "-inf"...)
	case math.IsNaN(f):
		return append(dst, "nan"...)
	}
	return strconv.AppendFloat(dst, f, 'g', 17, 64)
}
