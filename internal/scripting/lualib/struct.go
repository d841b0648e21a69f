package lualib

// struct: Roberto Ierusalimschy's struct library (deps/lua/src/lua_struct.c),
// binary packing of numbers and strings as an x86-64 C compiler lays them
// out. Format letters:
//
//	>  <    big / little endian (default: native, little)
//	![n]    maximum alignment n (default 8); alignment starts at 1
//	x       one padding byte
//	b B     signed / unsigned char      h H   short (2)
//	l L     long (8)                    T     size_t (8)
//	i[n] I[n] integer of n bytes (default 4, at most 32)
//	f d     float / double
//	c[n]    n chars (pack: 0 = the whole string; unpack: 0 = length from
//	        the previous number)
//	s       zero-terminated string
//	' '     ignored
//
// Integers are carried in 64 bits (a C long), so bytes beyond the eighth of
// a wider integer are zero when packing and ignored when unpacking.

import (
	"encoding/binary"
	"math"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

const (
	structBig    = 0
	structLittle = 1
	// structNative is x86-64's byte order.
	structNative = structLittle
	// structMaxIntSize is MAXINTSIZE.
	structMaxIntSize = 32
	// structMaxAlign is MAXALIGN: the alignment of double in a struct.
	structMaxAlign = 8
)

func newStructModule(L *lua.LState) *lua.LTable {
	mod := L.CreateTable(0, 3)
	mod.RawSetString("pack", L.NewFunction(structPack))
	mod.RawSetString("unpack", L.NewFunction(structUnpack))
	mod.RawSetString("size", L.NewFunction(structSize))
	return mod
}

// structFormat walks a format string (a C string: it ends at a NUL).
type structFormat struct {
	L      *lua.LState
	fmt    string
	pos    int
	endian int
	align  int
}

func newStructFormat(L *lua.LState, f string) *structFormat {
	return &structFormat{L: L, fmt: cString(f), endian: structNative, align: 1}
}

func (f *structFormat) more() bool { return f.pos < len(f.fmt) }

func (f *structFormat) nextOpt() byte {
	c := f.fmt[f.pos]
	f.pos++
	return c
}

// getnum reads an optional decimal number, or returns def.
func (f *structFormat) getnum(def int) int {
	if !f.more() || !isDigit(f.fmt[f.pos]) {
		return def
	}
	a := 0
	for f.more() && isDigit(f.fmt[f.pos]) {
		d := int(f.fmt[f.pos] - '0')
		if a > math.MaxInt32/10 || a*10 > math.MaxInt32-d {
			raise(f.L, "integral size overflow")
		}
		a = a*10 + d
		f.pos++
	}
	return a
}

// optsize is the size of option opt (0 for options without one), reading
// its numeric suffix.
func (f *structFormat) optsize(opt byte) int {
	switch opt {
	case 'B', 'b':
		return 1
	case 'H', 'h':
		return 2
	case 'L', 'l', 'T', 'd':
		return 8
	case 'f':
		return 4
	case 'i', 'I':
		sz := f.getnum(4)
		if sz > structMaxIntSize {
			raise(f.L, "integral size %d is larger than limit of %d", sz, structMaxIntSize)
		}
		return sz
	case 'x':
		return 1
	case 'c':
		return f.getnum(1)
	}
	return 0
}

// toalign is gettoalign: padding before an item of size at offset n.
func (f *structFormat) toalign(n uint64, opt byte, size int) uint64 {
	if size == 0 || opt == 'c' {
		return 0
	}
	if size > f.align {
		size = f.align
	}
	s := uint64(size)
	return (s - (n & (s - 1))) & (s - 1)
}

// control handles the options that are not items (controloptions).
func (f *structFormat) control(opt byte) {
	switch opt {
	case ' ':
	case '>':
		f.endian = structBig
	case '<':
		f.endian = structLittle
	case '!':
		a := f.getnum(structMaxAlign)
		if a <= 0 || a&(a-1) != 0 {
			raise(f.L, "alignment %d is not a power of 2", a)
		}
		f.align = a
	default:
		argError(f.L, 1, "invalid format option '"+string([]byte{opt})+"'")
	}
}

type byteOrder interface {
	binary.ByteOrder
	binary.AppendByteOrder
}

// order returns the byte order for the current endianness.
func (f *structFormat) order() byteOrder {
	if f.endian == structBig {
		return binary.BigEndian
	}
	return binary.LittleEndian
}

func structPack(L *lua.LState) int {
	f := newStructFormat(L, checkString(L, 1))
	// The C code pushes a nil to separate the arguments from its string
	// buffer: a missing argument is reported as "got nil".
	L.Push(lua.LNil)
	arg := 2
	var out []byte
	total := uint64(0)
	for f.more() {
		opt := f.nextOpt()
		size := f.optsize(opt)
		pad := f.toalign(total, opt, size)
		total += pad
		for ; pad > 0; pad-- {
			out = append(out, 0)
		}
		switch opt {
		case 'b', 'B', 'h', 'H', 'l', 'L', 'T', 'i', 'I':
			out = f.putInteger(out, checkNumber(L, arg), size)
			arg++
		case 'x':
			out = append(out, 0)
		case 'f':
			v := math.Float32bits(float32(checkNumber(L, arg)))
			arg++
			out = f.order().AppendUint32(out, v)
		case 'd':
			v := math.Float64bits(checkNumber(L, arg))
			arg++
			out = f.order().AppendUint64(out, v)
		case 'c', 's':
			s := checkString(L, arg)
			arg++
			if size == 0 {
				size = len(s)
			}
			if len(s) < size {
				// The C code has already moved to the next argument.
				argError(L, arg, "string too short")
			}
			out = append(out, s[:size]...)
			if opt == 's' {
				out = append(out, 0)
				size++
			}
		default:
			f.control(opt)
		}
		total += uint64(size)
	}
	L.Push(lua.LString(out))
	return 1
}

// putInteger packs n in size bytes from a 64-bit C long.
func (f *structFormat) putInteger(out []byte, n float64, size int) []byte {
	var v uint64
	if n < 0 {
		v = uint64(cInt64(n))
	} else {
		v = cUint64(n)
	}
	start := len(out)
	for i := 0; i < size; i++ {
		out = append(out, 0)
	}
	b := out[start:]
	for i := 0; i < size; i++ {
		if f.endian == structLittle {
			b[i] = byte(v)
		} else {
			b[size-1-i] = byte(v)
		}
		v >>= 8
	}
	return out
}

// getInteger reads a size-byte integer into a 64-bit C long.
func (f *structFormat) getInteger(b string, signed bool, size int) float64 {
	var l uint64
	for i := 0; i < size; i++ {
		c := b[i]
		if f.endian == structLittle {
			c = b[size-1-i]
		}
		l = l<<8 | uint64(c)
	}
	if !signed {
		return float64(l)
	}
	// The shift count is taken modulo 64, as x86 does for the C shift.
	mask := ^uint64(0) << (uint(size*8-1) & 63)
	if l&mask != 0 {
		l |= mask
	}
	return float64(int64(l))
}

func structUnpack(L *lua.LState) int {
	f := newStructFormat(L, checkString(L, 1))
	data := checkString(L, 2)
	ld := uint64(len(data))
	pos := uint64(optInteger(L, 3, 1)) // a size_t: negative offsets wrap
	if pos == 0 {
		argError(L, 3, "offset must be 1 or greater")
	}
	pos--
	top := L.GetTop()
	var out []lua.LValue
	tooShort := func(size uint64) {
		if !(size <= ld && pos <= ld-size) {
			argError(L, 2, "data string too short")
		}
	}
	for f.more() {
		opt := f.nextOpt()
		size := uint64(f.optsize(opt))
		pos += f.toalign(pos, opt, int(size))
		tooShort(size)
		if !checkStack(top+len(out), 2) {
			raise(L, "stack overflow (too many results)")
		}
		switch opt {
		case 'b', 'B', 'h', 'H', 'l', 'L', 'T', 'i', 'I':
			signed := opt >= 'a'
			out = append(out, lua.LNumber(f.getInteger(data[pos:pos+size], signed, int(size))))
		case 'x':
		case 'f':
			v := f.order().Uint32([]byte(data[pos : pos+4]))
			out = append(out, lua.LNumber(math.Float32frombits(v)))
		case 'd':
			v := f.order().Uint64([]byte(data[pos : pos+8]))
			out = append(out, lua.LNumber(math.Float64frombits(v)))
		case 'c':
			if size == 0 {
				var prev float64
				ok := false
				if len(out) > 0 {
					prev, ok = toNumber(out[len(out)-1])
				}
				if !ok {
					raise(L, "format 'c0' needs a previous size")
				}
				size = cUint64(prev)
				out = out[:len(out)-1]
				tooShort(size)
			}
			out = append(out, lua.LString(data[pos:pos+size]))
		case 's':
			e := strings.IndexByte(data[pos:], 0)
			if e < 0 {
				raise(L, "unfinished string in data")
			}
			size = uint64(e) + 1
			out = append(out, lua.LString(data[pos:pos+uint64(e)]))
		default:
			f.control(opt)
		}
		pos += size
	}
	for _, v := range out {
		L.Push(v)
	}
	L.Push(lua.LNumber(pos + 1))
	return len(out) + 1
}

func structSize(L *lua.LState) int {
	f := newStructFormat(L, checkString(L, 1))
	pos := uint64(0)
	for f.more() {
		opt := f.nextOpt()
		size := f.optsize(opt)
		pos += f.toalign(pos, opt, size)
		if opt == 's' {
			argError(L, 1, "option 's' has no fixed size")
		} else if opt == 'c' && size == 0 {
			argError(L, 1, "option 'c0' has no fixed size")
		}
		if !isAlnum(opt) {
			f.control(opt)
		}
		pos += uint64(size)
	}
	L.Push(lua.LNumber(pos))
	return 1
}
