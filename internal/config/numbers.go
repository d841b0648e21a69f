package config

import (
	"math"
	"strconv"
	"strings"
)

// This file holds the text conversions Valkey's config code relies on, with
// their exact acceptance rules: they decide which inputs are errors.

// parseStrictInt is Valkey's string2ll: an optional '-', then digits with no
// leading zero (except "0" itself), nothing else, no overflow.
func parseStrictInt(s string) (int64, bool) {
	const maxLen = 21 // LONG_STR_SIZE: longer strings are rejected outright
	if s == "" || len(s) >= maxLen {
		return 0, false
	}
	if len(s) == 1 && s[0] >= '0' && s[0] <= '9' {
		return int64(s[0] - '0'), true
	}
	neg := s[0] == '-'
	if neg {
		s = s[1:]
		if s == "" {
			return 0, false
		}
	}
	if s[0] < '1' || s[0] > '9' {
		return 0, false
	}
	var v uint64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		if v > math.MaxUint64/10 {
			return 0, false
		}
		v *= 10
		if v > math.MaxUint64-uint64(c-'0') {
			return 0, false
		}
		v += uint64(c - '0')
	}
	if neg {
		if v > 1<<63 {
			return 0, false
		}
		return -int64(v), true // wraps to MinInt64 for 1<<63, as intended
	}
	if v > math.MaxInt64 {
		return 0, false
	}
	return int64(v), true
}

// parseMemory is Valkey's memtoull: digits followed by an optional unit
// (b, k, kb, m, mb, g, gb in any case). Its quirks are kept: an empty digit
// string is 0 ("" and "mb" parse as 0), and an overflowing number saturates
// to the maximum before the unit multiplies it (with wraparound).
func parseMemory(s string) (uint64, bool) {
	if strings.HasPrefix(s, "-") {
		return 0, false
	}
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	var mul uint64
	switch strings.ToLower(s[i:]) {
	case "", "b":
		mul = 1
	case "k":
		mul = 1000
	case "kb":
		mul = 1024
	case "m":
		mul = 1000 * 1000
	case "mb":
		mul = 1024 * 1024
	case "g":
		mul = 1000 * 1000 * 1000
	case "gb":
		mul = 1024 * 1024 * 1024
	default:
		return 0, false
	}
	if i >= 128 { // the C code copies the digits into a 128-byte buffer
		return 0, false
	}
	var v uint64
	for _, c := range []byte(s[:i]) {
		d := uint64(c - '0')
		if v > (math.MaxUint64-d)/10 {
			v = math.MaxUint64 // strtoull saturates; Valkey ignores ERANGE
			break
		}
		v = v*10 + d
	}
	return v * mul, true
}

// cStrtoll mimics C strtoll(s, &end, base) for bases 8 and 10: leading
// white space, an optional sign, then digits. It returns the value, whether
// the whole string was consumed (*end == '\0'), and whether it overflowed
// (errno == ERANGE, value saturated).
func cStrtoll(s string, base int) (v int64, whole, overflow bool) {
	i := 0
	for i < len(s) && isCSpace(s[i]) {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	start := i
	var u uint64
	limit := uint64(math.MaxInt64)
	if neg {
		limit++
	}
	for i < len(s) {
		d := int(s[i]) - '0'
		if d < 0 || d >= base {
			break
		}
		if !overflow {
			if u > (limit-uint64(d))/uint64(base) {
				overflow = true
			} else {
				u = u*uint64(base) + uint64(d)
			}
		}
		i++
	}
	if i == start { // no digits: nothing converted, end points at s
		return 0, s == "", false
	}
	whole = i == len(s)
	if overflow {
		if neg {
			return math.MinInt64, whole, true
		}
		return math.MaxInt64, whole, true
	}
	if neg {
		return -int64(u), whole, false
	}
	return int64(u), whole, false
}

// isCSpace is C isspace in the "C" locale.
func isCSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

// parseStrictFloat is Valkey's string2d: the whole string is a number, with
// no leading space, not NaN, not out of range. Like strtod it accepts hex
// mantissas without a binary exponent ("0x10").
func parseStrictFloat(s string) (float64, bool) {
	if s == "" || isCSpace(s[0]) || strings.ContainsRune(s, '_') {
		return 0, false
	}
	t := s
	lower := strings.ToLower(t)
	body := strings.TrimLeft(lower, "+-")
	if strings.HasPrefix(body, "0x") && !strings.Contains(body, "p") {
		t += "p0"
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil || math.IsNaN(f) {
		return 0, false
	}
	if f == 0 && nonZeroMantissa(body) {
		return 0, false // underflow to zero: strtod reports ERANGE
	}
	return f, true
}

// nonZeroMantissa reports whether a float literal (lower case, sign
// removed) has a non-zero digit before its exponent.
func nonZeroMantissa(s string) bool {
	hex := strings.HasPrefix(s, "0x")
	if hex {
		s = s[2:]
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '.' || c == '0':
		case c >= '1' && c <= '9':
			return true
		case hex && c >= 'a' && c <= 'f':
			return true
		default:
			return false // exponent or end of mantissa
		}
	}
	return false
}

// formatMemory writes bytes the way CONFIG REWRITE does: in gb, mb or kb
// when that is exact.
func formatMemory(v int64) string {
	const kb, mb, gb = 1024, 1024 * 1024, 1024 * 1024 * 1024
	switch {
	case v != 0 && v%gb == 0:
		return strconv.FormatInt(v/gb, 10) + "gb"
	case v != 0 && v%mb == 0:
		return strconv.FormatInt(v/mb, 10) + "mb"
	case v != 0 && v%kb == 0:
		return strconv.FormatInt(v/kb, 10) + "kb"
	}
	return strconv.FormatInt(v, 10)
}

// formatPercentile prints a float like C "%f" with trailing zeros (and a
// trailing point) trimmed, as Valkey prints latency percentiles.
func formatPercentile(f float64) string {
	s := strconv.FormatFloat(f, 'f', 6, 64)
	if strings.IndexByte(s, '.') >= 0 {
		s = strings.TrimRight(s, "0")
		s = strings.TrimSuffix(s, ".")
	}
	return s
}

// Quote returns s as a double-quoted string that SplitArgs reads back to s
// (Valkey's sdscatrepr), as CONFIG REWRITE writes string values.
func Quote(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '\\', '"':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\a':
			b.WriteString(`\a`)
		case '\b':
			b.WriteString(`\b`)
		default:
			if c >= 0x20 && c <= 0x7e {
				b.WriteByte(c)
			} else {
				const hex = "0123456789abcdef"
				b.WriteString(`\x`)
				b.WriteByte(hex[c>>4])
				b.WriteByte(hex[c&15])
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}

// splitSpaces splits a CONFIG SET value of a multi-argument directive on
// single spaces, as Valkey's sdssplitlen does: "" gives no arguments, and
// two spaces in a row give an empty argument.
func splitSpaces(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, " ")
}
