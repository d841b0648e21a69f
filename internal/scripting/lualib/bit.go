package lualib

// bit: LuaBitOp 1.0.2 (deps/lua/src/lua_bit.c), 32-bit operations on Lua
// numbers. An argument is reduced to 32 bits the way LuaBitOp does it on
// doubles: add 2^52+2^51 and keep the low 32 bits of the result, so
// fractions round to nearest-even and larger values wrap modulo 2^32.
// Results are signed 32-bit numbers.

import (
	"math"

	lua "github.com/yuin/gopher-lua"
)

func newBitModule(L *lua.LState) *lua.LTable {
	mod := L.CreateTable(0, 12)
	fns := []struct {
		name string
		fn   lua.LGFunction
	}{
		{"tobit", bitToBit},
		{"bnot", bitNot},
		{"band", bitFold(func(a, b uint32) uint32 { return a & b })},
		{"bor", bitFold(func(a, b uint32) uint32 { return a | b })},
		{"bxor", bitFold(func(a, b uint32) uint32 { return a ^ b })},
		{"lshift", bitShift(func(b, n uint32) uint32 { return b << n })},
		{"rshift", bitShift(func(b, n uint32) uint32 { return b >> n })},
		{"arshift", bitShift(func(b, n uint32) uint32 { return uint32(int32(b) >> n) })},
		{"rol", bitShift(func(b, n uint32) uint32 { return b<<n | b>>((32-n)&31) })},
		{"ror", bitShift(func(b, n uint32) uint32 { return b<<((32-n)&31) | b>>n })},
		{"bswap", bitSwap},
		{"tohex", bitToHex},
	}
	for _, f := range fns {
		mod.RawSetString(f.name, L.NewFunction(f.fn))
	}
	return mod
}

// bitArg is barg: argument i reduced to 32 bits. lua_tonumber gives 0 for
// a value that is not a number (nor a numeric string), and LuaBitOp only
// checks the type when the reduced value is 0, so such values are always
// reported as "number expected".
func bitArg(L *lua.LState, i int) uint32 {
	var n float64
	ok := false
	if i <= L.GetTop() {
		n, ok = toNumber(L.Get(i))
	}
	b := uint32(math.Float64bits(n + 6755399441055744.0)) // 2^52+2^51
	if b == 0 && !ok {
		typeError(L, i, "number")
	}
	return b
}

// bitRet pushes b as a signed 32-bit number (BRET).
func bitRet(L *lua.LState, b uint32) int {
	L.Push(lua.LNumber(int32(b)))
	return 1
}

func bitToBit(L *lua.LState) int { return bitRet(L, bitArg(L, 1)) }
func bitNot(L *lua.LState) int   { return bitRet(L, ^bitArg(L, 1)) }

// bitFold is BIT_OP: the first argument, then the others from the last
// to the second (the order in which bad arguments are reported).
func bitFold(op func(a, b uint32) uint32) lua.LGFunction {
	return func(L *lua.LState) int {
		b := bitArg(L, 1)
		for i := L.GetTop(); i > 1; i-- {
			b = op(b, bitArg(L, i))
		}
		return bitRet(L, b)
	}
}

// bitShift is BIT_SH: the count is taken modulo 32.
func bitShift(op func(b, n uint32) uint32) lua.LGFunction {
	return func(L *lua.LState) int {
		b := bitArg(L, 1)
		n := bitArg(L, 2) & 31
		return bitRet(L, op(b, n))
	}
}

func bitSwap(L *lua.LState) int {
	b := bitArg(L, 1)
	return bitRet(L, b>>24|(b>>8)&0xff00|(b&0xff00)<<8|b<<24)
}

// bitToHex: n hex digits (default 8, at most 8), upper case when n < 0.
func bitToHex(L *lua.LState) int {
	b := bitArg(L, 1)
	n := int32(8)
	if L.GetTop() >= 2 {
		n = int32(bitArg(L, 2))
	}
	digits := "0123456789abcdef"
	if n == math.MinInt32 {
		n = math.MinInt32 + 1
	}
	if n < 0 {
		n = -n
		digits = "0123456789ABCDEF"
	}
	if n > 8 {
		n = 8
	}
	buf := make([]byte, n)
	for i := n - 1; i >= 0; i-- {
		buf[i] = digits[b&15]
		b >>= 4
	}
	L.Push(lua.LString(buf))
	return 1
}
