package lualib

// Lua 5.1 C API behaviour, as the C libraries see it.
//
// The libraries in this package were written in C against Lua 5.1's API
// (luaL_check*, lua_tonumber, luaL_error, lua_checkstack). Their observable
// behaviour comes as much from that API as from their own code: which
// strings convert to numbers, how a double becomes an integer, how an
// error message names the function and its position, and how deep a
// structure can go before the C stack check fails. This file reproduces
// those pieces on top of gopher-lua so each library file can follow its C
// original closely.

import (
	"fmt"
	"math"
	"strconv"

	lua "github.com/yuin/gopher-lua"
)

// maxCStack is Lua 5.1's LUAI_MAXCSTACK: the number of stack slots a C
// function may use. lua_checkstack fails past it, which is what ends very
// deep cjson and cmsgpack structures in Valkey.
const maxCStack = 8000

// checkStack reports whether a C function whose stack holds top slots may
// push size more (lua_checkstack).
func checkStack(top, size int) bool {
	return size <= maxCStack && top+size <= maxCStack
}

// where is luaL_where(L, 1): the position of the function that called the
// running Go function, when that caller is a Lua function. A library
// function called directly by pcall (a Go function) gets no position, as in
// Lua 5.1.
func where(L *lua.LState) string {
	dbg, ok := L.GetStack(1)
	if !ok {
		return ""
	}
	if _, err := L.GetInfo("Sl", dbg, lua.LNil); err != nil {
		return ""
	}
	if dbg.What == "G" || dbg.CurrentLine <= 0 {
		return ""
	}
	return fmt.Sprintf("%s:%d: ", dbg.Source, dbg.CurrentLine)
}

// raise is luaL_error: the message prefixed with the caller's position.
func raise(L *lua.LState, format string, args ...any) {
	L.Error(lua.LString(where(L)+fmt.Sprintf(format, args...)), 0)
}

// raiseBare is luaG_runerror from inside a C function (for example a
// rawset with a nil key): Lua adds no position because the running
// function is not a Lua function.
func raiseBare(L *lua.LState, msg string) {
	L.Error(lua.LString(msg), 0)
}

// funcName is the name Lua 5.1's debug info gives the running function,
// from how its caller called it ("encode" for cjson.encode(...), "f" for a
// local f), or "?" when the caller is not a Lua function.
func funcName(L *lua.LState) string {
	dbg, ok := L.GetStack(0)
	if !ok {
		return "?"
	}
	if _, err := L.GetInfo("n", dbg, lua.LNil); err != nil {
		return "?"
	}
	switch name := dbg.Name; {
	case name == "", name == "?", name == "(anonymous)", name == "main chunk", name[0] == '<':
		return "?"
	default:
		return name
	}
}

// argError is luaL_argerror.
func argError(L *lua.LState, narg int, msg string) {
	raise(L, "bad argument #%d to '%s' (%s)", narg, funcName(L), msg)
}

// typeName is lua_typename for the value at narg, with "no value" past
// the top (luaL_typename).
func typeName(L *lua.LState, narg int) string {
	if narg > L.GetTop() {
		return "no value"
	}
	return valueTypeName(L.Get(narg))
}

// valueTypeName is Lua 5.1's name for a value's type. Lua has no channel
// type; gopher-lua's channels are opaque host values, so "userdata".
func valueTypeName(v lua.LValue) string {
	if v.Type() == lua.LTChannel {
		return "userdata"
	}
	return v.Type().String()
}

// typeError is luaL_typerror.
func typeError(L *lua.LState, narg int, expected string) {
	argError(L, narg, expected+" expected, got "+typeName(L, narg))
}

// toNumber is lua_tonumber's conversion: numbers, and strings Lua 5.1
// reads as numbers.
func toNumber(v lua.LValue) (float64, bool) {
	switch x := v.(type) {
	case lua.LNumber:
		return float64(x), true
	case lua.LString:
		return str2number(string(x))
	}
	return 0, false
}

// str2number is Lua 5.1's luaO_str2d over glibc's strtod: the C string
// ends at the first NUL, leading and trailing white space are allowed,
// and strtod's extras (hexadecimal, "inf", "nan") are accepted.
func str2number(s string) (float64, bool) {
	s = cString(s)
	v, n := strtod(s)
	if n == 0 {
		return 0, false
	}
	for ; n < len(s); n++ {
		if !isCSpace(s[n]) {
			return 0, false
		}
	}
	return v, true
}

// cString is what C code sees of a Lua string passed as char*.
func cString(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] == 0 {
			return s[:i]
		}
	}
	return s
}

func isCSpace(c byte) bool {
	return c == ' ' || (c >= '\t' && c <= '\r')
}

// checkNumber is luaL_checknumber.
func checkNumber(L *lua.LState, narg int) float64 {
	if narg <= L.GetTop() {
		if n, ok := toNumber(L.Get(narg)); ok {
			return n
		}
	}
	typeError(L, narg, "number")
	return 0
}

// checkInteger is luaL_checkinteger: the number truncated to a C long.
func checkInteger(L *lua.LState, narg int) int64 {
	return cInt64(checkNumber(L, narg))
}

// optInteger is luaL_optinteger.
func optInteger(L *lua.LState, narg int, def int64) int64 {
	if narg > L.GetTop() || L.Get(narg) == lua.LNil {
		return def
	}
	return checkInteger(L, narg)
}

// toLString is lua_tolstring: strings as they are, numbers formatted the
// way Lua 5.1 formats them ("%.14g").
func toLString(v lua.LValue) (string, bool) {
	switch x := v.(type) {
	case lua.LString:
		return string(x), true
	case lua.LNumber:
		return formatG(float64(x), 14), true
	}
	return "", false
}

// checkString is luaL_checklstring.
func checkString(L *lua.LState, narg int) string {
	if narg <= L.GetTop() {
		if s, ok := toLString(L.Get(narg)); ok {
			return s
		}
	}
	typeError(L, narg, "string")
	return ""
}

// formatG is C's printf("%.<prec>g") as glibc prints it, including its
// spellings of the special values.
func formatG(f float64, prec int) string {
	switch {
	case math.IsNaN(f):
		if math.Signbit(f) {
			return "-nan"
		}
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	return strconv.FormatFloat(f, 'g', prec, 64)
}

// cInt64 is a C cast from double to a 64-bit integer on x86-64
// (cvttsd2si): truncation, and the "integer indefinite" value
// 0x8000000000000000 for NaN and anything out of range.
func cInt64(f float64) int64 {
	if f > -9223372036854775809.0 && f < 9223372036854775808.0 {
		return int64(f)
	}
	return math.MinInt64
}

// cInt32 is a C cast from double to int on x86-64.
func cInt32(f float64) int32 {
	if f > -2147483649.0 && f < 2147483648.0 {
		return int32(f)
	}
	return math.MinInt32
}

// cUint64 is a C cast from double to an unsigned 64-bit integer as gcc
// compiles it for x86-64: values below 2^63 convert directly, larger ones
// are converted after subtracting 2^63 (so 2^64 and above, and NaN, give
// the indefinite patterns).
func cUint64(f float64) uint64 {
	const two63 = 9223372036854775808.0
	if f >= two63 {
		return uint64(cInt64(f-two63)) ^ (1 << 63)
	}
	return uint64(cInt64(f))
}

// nanBits is the NaN glibc's strtod returns for "nan".
var nanBits = math.Float64frombits(0x7ff8000000000000)

// strtod parses the longest prefix of s that glibc's strtod accepts and
// returns its value and length (0 when there is none). Accepted: optional
// leading white space and sign, then "inf"/"infinity", "nan" with an
// optional "(chars)", a hexadecimal significand with an optional binary
// exponent, or a decimal significand with an optional exponent.
func strtod(s string) (float64, int) {
	i := 0
	for i < len(s) && isCSpace(s[i]) {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	sign := func(v float64) float64 {
		if neg {
			return -v
		}
		return v
	}
	rest := s[i:]
	switch {
	case hasPrefixFold(rest, "infinity"):
		return sign(math.Inf(1)), i + 8
	case hasPrefixFold(rest, "inf"):
		return sign(math.Inf(1)), i + 3
	case hasPrefixFold(rest, "nan"):
		n := i + 3
		if n < len(s) && s[n] == '(' {
			j := n + 1
			for j < len(s) && (isAlnum(s[j]) || s[j] == '_') {
				j++
			}
			if j < len(s) && s[j] == ')' {
				n = j + 1
			}
		}
		return sign(nanBits), n
	}
	if len(rest) >= 2 && rest[0] == '0' && (rest[1]|0x20) == 'x' {
		if v, n := parseHexFloat(rest[2:]); n > 0 {
			return sign(v), i + 2 + n
		}
		// "0x" without hexadecimal digits: strtod reads the "0".
		return sign(0), i + 1
	}
	start := i
	digits := 0
	for i < len(s) && isDigit(s[i]) {
		i++
		digits++
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && isDigit(s[i]) {
			i++
			digits++
		}
	}
	if digits == 0 {
		return 0, 0
	}
	if i < len(s) && (s[i]|0x20) == 'e' {
		j := i + 1
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		if j < len(s) && isDigit(s[j]) {
			for j < len(s) && isDigit(s[j]) {
				j++
			}
			i = j
		}
	}
	v, _ := strconv.ParseFloat(s[start:i], 64) // ±Inf or 0 on range errors, as strtod
	return sign(v), i
}

// parseHexFloat parses the part of a hexadecimal float after "0x" and
// returns its value and length (0 when there is no hexadecimal digit).
func parseHexFloat(s string) (float64, int) {
	i, digits := 0, 0
	for i < len(s) && isHex(s[i]) {
		i++
		digits++
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && isHex(s[i]) {
			i++
			digits++
		}
	}
	if digits == 0 {
		return 0, 0
	}
	mant := s[:i]
	exp := "p0"
	if i < len(s) && (s[i]|0x20) == 'p' {
		j := i + 1
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		if j < len(s) && isDigit(s[j]) {
			for j < len(s) && isDigit(s[j]) {
				j++
			}
			exp = s[i:j]
			i = j
		}
	}
	if mant[0] == '.' {
		mant = "0" + mant
	}
	v, _ := strconv.ParseFloat("0x"+mant+exp, 64)
	return v, i
}

func hasPrefixFold(s, prefix string) bool {
	if len(s) < len(prefix) {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		if s[i]|0x20 != prefix[i] {
			return false
		}
	}
	return true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isAlpha(c byte) bool { return (c|0x20) >= 'a' && (c|0x20) <= 'z' }
func isAlnum(c byte) bool { return isDigit(c) || isAlpha(c) }
func isHex(c byte) bool   { return isDigit(c) || ((c|0x20) >= 'a' && (c|0x20) <= 'f') }
