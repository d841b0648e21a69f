package lualib

// cmsgpack: MessagePack for Lua, with the behaviour of lua-cmsgpack 0.4.0
// as bundled with Valkey (deps/lua/src/lua_cmsgpack.c).
//
// Packing: a number that is exactly a 64-bit integer is packed as the
// smallest integer format, other numbers as float 32 when that is exact,
// else float 64. A table whose keys are exactly 1..N packs as an array
// (the empty table too), any other table as a map in iteration order.
// Tables nested 16 deep pack as nil, which is how cycles end. Values with
// no MessagePack form (functions, userdata, cjson.null) pack as nil.
//
// Unpacking returns every value in the string (unpack), one value with the
// offset of the next (unpack_one), or up to a limit (unpack_limit). The
// formats lua-cmsgpack does not know (bin, ext) are "Bad data format".

import (
	"encoding/binary"
	"math"

	lua "github.com/yuin/gopher-lua"
)

// mpMaxNesting is LUACMSGPACK_MAX_NESTING.
const mpMaxNesting = 16

func newCMsgpackModule(L *lua.LState, opts *Options) *lua.LTable {
	mod := L.CreateTable(0, 8)
	mod.RawSetString("pack", L.NewFunction(func(L *lua.LState) int { return mpPack(L, opts) }))
	mod.RawSetString("unpack", L.NewFunction(mpUnpack))
	mod.RawSetString("unpack_one", L.NewFunction(mpUnpackOne))
	mod.RawSetString("unpack_limit", L.NewFunction(mpUnpackLimit))
	mod.RawSetString("_NAME", lua.LString("cmsgpack"))
	mod.RawSetString("_VERSION", lua.LString("lua-cmsgpack 0.4.0"))
	mod.RawSetString("_COPYRIGHT", lua.LString("Copyright (C) 2012, Redis Ltd."))
	mod.RawSetString("_DESCRIPTION", lua.LString("MessagePack C implementation for Lua"))
	return mod
}

/* ---- packing ---- */

type mpEncoder struct {
	L    *lua.LState
	opts *Options
	out  []byte
}

func mpPack(L *lua.LState, opts *Options) int {
	nargs := L.GetTop()
	if nargs == 0 {
		argError(L, 0, "MessagePack pack needs input.")
	}
	if !checkStack(nargs, nargs) {
		argError(L, 0, "Too many arguments for MessagePack pack.")
	}
	e := mpEncoder{L: L, opts: opts}
	for i := 1; i <= nargs; i++ {
		// The C code keeps each packed argument on the stack until the
		// final concatenation.
		top := nargs + i - 1
		e.checkStack(top, 1, "in function mp_check")
		e.value(L.Get(i), 0, top+1)
	}
	L.Push(lua.LString(e.out))
	return 1
}

func (e *mpEncoder) checkStack(top, n int, msg string) {
	if !checkStack(top, n) {
		raise(e.L, "stack overflow (%s)", msg)
	}
}

// value is mp_encode_lua_type; top is the C stack use with v on top.
func (e *mpEncoder) value(v lua.LValue, level, top int) {
	switch x := v.(type) {
	case lua.LString:
		e.bytes(string(x))
	case lua.LBool:
		if x {
			e.out = append(e.out, 0xc3)
		} else {
			e.out = append(e.out, 0xc2)
		}
	case lua.LNumber:
		f := float64(x)
		if !math.IsInf(f, 0) && float64(cInt64(f)) == f {
			e.int(cInt64(f))
		} else {
			e.double(f)
		}
	case *lua.LTable:
		if level == mpMaxNesting {
			e.out = append(e.out, 0xc0)
			return
		}
		x = e.opts.unwrap(x)
		if n, ok := e.isArray(x, top); ok {
			e.array(x, n, level, top)
		} else {
			e.mapping(x, level, top)
		}
	default:
		e.out = append(e.out, 0xc0)
	}
}

func (e *mpEncoder) bytes(s string) {
	n := len(s)
	switch {
	case n < 32:
		e.out = append(e.out, 0xa0|byte(n))
	case n <= 0xff:
		e.out = append(e.out, 0xd9, byte(n))
	case n <= 0xffff:
		e.out = append(e.out, 0xda, byte(n>>8), byte(n))
	default:
		e.out = append(e.out, 0xdb)
		e.out = binary.BigEndian.AppendUint32(e.out, uint32(n))
	}
	e.out = append(e.out, s...)
}

// double packs f as float 32 when that loses nothing, else float 64.
func (e *mpEncoder) double(d float64) {
	if f := float32(d); float64(f) == d {
		e.out = append(e.out, 0xca)
		e.out = binary.BigEndian.AppendUint32(e.out, math.Float32bits(f))
		return
	}
	e.out = append(e.out, 0xcb)
	e.out = binary.BigEndian.AppendUint64(e.out, math.Float64bits(d))
}

func (e *mpEncoder) int(n int64) {
	switch {
	case n >= 0 && n <= 127:
		e.out = append(e.out, byte(n))
	case n >= 0 && n <= 0xff:
		e.out = append(e.out, 0xcc, byte(n))
	case n >= 0 && n <= 0xffff:
		e.out = append(e.out, 0xcd, byte(n>>8), byte(n))
	case n >= 0 && n <= 0xffffffff:
		e.out = append(e.out, 0xce)
		e.out = binary.BigEndian.AppendUint32(e.out, uint32(n))
	case n >= 0:
		e.out = append(e.out, 0xcf)
		e.out = binary.BigEndian.AppendUint64(e.out, uint64(n))
	case n >= -32:
		e.out = append(e.out, byte(n))
	case n >= -128:
		e.out = append(e.out, 0xd0, byte(n))
	case n >= -32768:
		e.out = append(e.out, 0xd1, byte(n>>8), byte(n))
	case n >= -2147483648:
		e.out = append(e.out, 0xd2)
		e.out = binary.BigEndian.AppendUint32(e.out, uint32(n))
	default:
		e.out = append(e.out, 0xd3)
		e.out = binary.BigEndian.AppendUint64(e.out, uint64(n))
	}
}

func (e *mpEncoder) header(n int, fix, b16, b32 byte) {
	switch {
	case n <= 15:
		e.out = append(e.out, fix|byte(n))
	case n <= 0xffff:
		e.out = append(e.out, b16, byte(n>>8), byte(n))
	default:
		e.out = append(e.out, b32)
		e.out = binary.BigEndian.AppendUint32(e.out, uint32(n))
	}
}

// isArray is table_is_an_array: every key a positive number that is a C
// int, and as many keys as the largest one. It returns that count.
func (e *mpEncoder) isArray(t *lua.LTable, top int) (int, bool) {
	e.checkStack(top, 2, "in function table_is_an_array")
	count, max := 0, int32(0)
	for k, _ := t.Next(lua.LNil); k != lua.LNil; k, _ = t.Next(k) {
		kn, ok := k.(lua.LNumber)
		if !ok {
			return 0, false
		}
		f := float64(kn)
		if f <= 0 || math.IsInf(f, 0) || float64(cInt32(f)) != f {
			return 0, false
		}
		if f > float64(max) {
			max = int32(f)
		}
		count++
	}
	return count, int(max) == count
}

// array packs t, whose keys are exactly 1..n.
func (e *mpEncoder) array(t *lua.LTable, n, level, top int) {
	e.header(n, 0x90, 0xdc, 0xdd)
	e.checkStack(top, 1, "in function mp_encode_lua_table_as_array")
	for i := 1; i <= n; i++ {
		e.value(t.RawGet(lua.LNumber(i)), level+1, top+1)
	}
}

func (e *mpEncoder) mapping(t *lua.LTable, level, top int) {
	e.checkStack(top, 3, "in function mp_encode_lua_table_as_map")
	n := 0
	for k, _ := t.Next(lua.LNil); k != lua.LNil; k, _ = t.Next(k) {
		n++
	}
	e.header(n, 0x80, 0xde, 0xdf)
	for k, v := t.Next(lua.LNil); k != lua.LNil; k, v = t.Next(k) {
		// Stack: ... key value key
		e.value(k, level+1, top+3)
		e.value(v, level+1, top+2)
	}
}

/* ---- unpacking ---- */

// Decoder states (MP_CUR_ERROR_*).
const (
	mpOK = iota
	mpEOF
	mpBadFormat
)

type mpDecoder struct {
	L    *lua.LState
	data string
	pos  int
	err  int
}

func (d *mpDecoder) left() int { return len(d.data) - d.pos }

// need is mp_cur_need: false (and EOF) when fewer than n bytes are left.
func (d *mpDecoder) need(n uint64) bool {
	if uint64(d.left()) < n {
		d.err = mpEOF
		return false
	}
	return true
}

func (d *mpDecoder) checkStack(top, n int, msg string) {
	if !checkStack(top, n) {
		raise(d.L, "stack overflow (%s)", msg)
	}
}

func (d *mpDecoder) u8(i int) uint64 { return uint64(d.data[d.pos+i]) }

func (d *mpDecoder) be(i, n int) uint64 {
	var v uint64
	for k := 0; k < n; k++ {
		v = v<<8 | d.u8(i+k)
	}
	return v
}

// str reads a string of n bytes after a header of h bytes.
func (d *mpDecoder) str(h int, n uint64) lua.LValue {
	if !d.need(uint64(h) + n) {
		return lua.LNil
	}
	s := d.data[d.pos+h : d.pos+h+int(n)]
	d.pos += h + int(n)
	return lua.LString(s)
}

// value is mp_decode_to_lua_type; top is the C stack use before the value
// is pushed. On error it returns nil with d.err set.
func (d *mpDecoder) value(top int) lua.LValue {
	if !d.need(1) {
		return lua.LNil
	}
	d.checkStack(top, 1, "too many return values at once; use unpack_one or unpack_limit instead.")
	fixed := func(n int, v lua.LValue) lua.LValue {
		d.pos += n
		return v
	}
	switch c := d.data[d.pos]; c {
	case 0xcc, 0xd0:
		if !d.need(2) {
			return lua.LNil
		}
		if c == 0xcc {
			return fixed(2, lua.LNumber(d.u8(1)))
		}
		return fixed(2, lua.LNumber(int8(d.u8(1))))
	case 0xcd, 0xd1:
		if !d.need(3) {
			return lua.LNil
		}
		if c == 0xcd {
			return fixed(3, lua.LNumber(d.be(1, 2)))
		}
		return fixed(3, lua.LNumber(int16(d.be(1, 2))))
	case 0xce, 0xd2:
		if !d.need(5) {
			return lua.LNil
		}
		if c == 0xce {
			return fixed(5, lua.LNumber(d.be(1, 4)))
		}
		return fixed(5, lua.LNumber(int32(d.be(1, 4))))
	case 0xcf, 0xd3:
		// Both become a signed 64-bit integer first (lua_pushinteger),
		// so uint 64 values above 2^63 come out negative.
		if !d.need(9) {
			return lua.LNil
		}
		return fixed(9, lua.LNumber(int64(d.be(1, 8))))
	case 0xc0:
		return fixed(1, lua.LNil)
	case 0xc3:
		return fixed(1, lua.LTrue)
	case 0xc2:
		return fixed(1, lua.LFalse)
	case 0xca:
		if !d.need(5) {
			return lua.LNil
		}
		return fixed(5, lua.LNumber(math.Float32frombits(uint32(d.be(1, 4)))))
	case 0xcb:
		if !d.need(9) {
			return lua.LNil
		}
		return fixed(9, lua.LNumber(math.Float64frombits(d.be(1, 8))))
	case 0xd9:
		if !d.need(2) {
			return lua.LNil
		}
		return d.str(2, d.u8(1))
	case 0xda:
		if !d.need(3) {
			return lua.LNil
		}
		return d.str(3, d.be(1, 2))
	case 0xdb:
		if !d.need(5) {
			return lua.LNil
		}
		return d.str(5, d.be(1, 4))
	case 0xdc:
		if !d.need(3) {
			return lua.LNil
		}
		n := d.be(1, 2)
		d.pos += 3
		return d.array(n, top)
	case 0xdd:
		if !d.need(5) {
			return lua.LNil
		}
		n := d.be(1, 4)
		d.pos += 5
		return d.array(n, top)
	case 0xde:
		if !d.need(3) {
			return lua.LNil
		}
		n := d.be(1, 2)
		d.pos += 3
		return d.mapping(n, top)
	case 0xdf:
		if !d.need(5) {
			return lua.LNil
		}
		n := d.be(1, 4)
		d.pos += 5
		return d.mapping(n, top)
	default:
		switch {
		case c&0x80 == 0:
			return fixed(1, lua.LNumber(c))
		case c&0xe0 == 0xe0:
			return fixed(1, lua.LNumber(int8(c)))
		case c&0xe0 == 0xa0:
			return d.str(1, uint64(c&0x1f))
		case c&0xf0 == 0x90:
			d.pos++
			return d.array(uint64(c&0xf), top)
		case c&0xf0 == 0x80:
			d.pos++
			return d.mapping(uint64(c&0xf), top)
		}
		d.err = mpBadFormat
		return lua.LNil
	}
}

// array is mp_decode_to_lua_array. n comes from the input: elements are
// read one by one, so a false count ends at the end of the input and
// allocates nothing ahead.
func (d *mpDecoder) array(n uint64, top int) lua.LValue {
	t := d.L.CreateTable(0, 0)
	d.checkStack(top+1, 1, "in function mp_decode_to_lua_array")
	for i := uint64(1); i <= n; i++ {
		v := d.value(top + 2) // table, index
		if d.err != mpOK {
			return lua.LNil
		}
		t.RawSet(lua.LNumber(i), v)
	}
	return t
}

func (d *mpDecoder) mapping(n uint64, top int) lua.LValue {
	t := d.L.CreateTable(0, 0)
	for ; n > 0; n-- {
		k := d.value(top + 1)
		if d.err != mpOK {
			return lua.LNil
		}
		v := d.value(top + 2)
		if d.err != mpOK {
			return lua.LNil
		}
		// lua_settable raises from inside the C function: no position.
		switch kn := k.(type) {
		case *lua.LNilType:
			raiseBare(d.L, "table index is nil")
		case lua.LNumber:
			if math.IsNaN(float64(kn)) {
				raiseBare(d.L, "table index is NaN")
			}
		}
		t.RawSet(k, v)
	}
	return t
}

// mpUnpackFull is mp_unpack_full. limit and offset 0 mean "everything,
// without an offset result"; otherwise the first result is the offset of
// the next value, or -1 at the end of the input. top is the stack use on
// entry (unpack keeps all its arguments, the others only the string).
func mpUnpackFull(L *lua.LState, limit, offset int64, top int) int {
	s := checkString(L, 1)
	decodeAll := limit == 0 && offset == 0
	if offset < 0 || limit < 0 {
		// The C code reports the input length as the limit.
		raise(L, "Invalid request to unpack with offset of %d and limit of %d.", int32(offset), int32(len(s)))
	} else if uint64(offset) > uint64(len(s)) {
		raise(L, "Start offset %d greater than input length %d.", int32(offset), int32(len(s)))
	}
	if decodeAll {
		limit = math.MaxInt32
	}
	d := mpDecoder{L: L, data: s, pos: int(offset)}
	var out []lua.LValue
	for cnt := int64(0); d.left() > 0 && cnt < limit; cnt++ {
		v := d.value(top + len(out))
		switch d.err {
		case mpEOF:
			raise(L, "Missing bytes in input.")
		case mpBadFormat:
			raise(L, "Bad data format in input.")
		}
		out = append(out, v)
	}
	if !decodeAll {
		d.checkStack(top+len(out), 1, "in function mp_unpack_full")
		next := lua.LNumber(-1)
		if d.left() > 0 {
			next = lua.LNumber(d.pos)
		}
		L.Push(next)
	}
	for _, v := range out {
		L.Push(v)
	}
	if decodeAll {
		return len(out)
	}
	return len(out) + 1
}

func mpUnpack(L *lua.LState) int {
	return mpUnpackFull(L, 0, 0, L.GetTop())
}

func mpUnpackOne(L *lua.LState) int {
	offset := optInteger(L, 2, 0)
	if L.GetTop() > 1 {
		L.SetTop(1)
	}
	return mpUnpackFull(L, 1, offset, L.GetTop())
}

func mpUnpackLimit(L *lua.LState) int {
	limit := checkInteger(L, 2)
	offset := optInteger(L, 3, 0)
	L.SetTop(1)
	return mpUnpackFull(L, limit, offset, 1)
}
