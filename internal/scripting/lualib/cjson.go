package lualib

// cjson: JSON for Lua, with the behaviour of Lua CJSON 2.1.0 as bundled
// with Valkey (deps/lua/src/lua_cjson.c).
//
// Encoding walks a Lua value: strings are escaped with cjson's table
// (control characters, '"', '\\', '/' and DEL), numbers are printed with
// "%.14g" (encode_number_precision), tables whose keys are all positive
// integers become arrays unless "excessively sparse", other tables become
// objects in the table's iteration order, and cjson.null / nil become
// null. Decoding is cjson's hand-written tokenizer over a NUL-terminated
// C string, with strtod for numbers.
//
// Each module table (cjson, and each cjson.new()) has its own settings,
// which persist across calls like in Valkey, where they live as long as
// the Lua VM.

import (
	"fmt"
	"math"

	lua "github.com/yuin/gopher-lua"
)

// cjson's defaults (lua_cjson.c DEFAULT_*).
const (
	cjsonDefaultSparseRatio = 2
	cjsonDefaultSparseSafe  = 10
	cjsonDefaultMaxDepth    = 1000
	cjsonDefaultPrecision   = 14
)

// cjsonConfig is json_config_t. Fields are C ints: option values are
// truncated to 32 bits the way cjson stores them.
type cjsonConfig struct {
	encodeSparseConvert   int32
	encodeSparseRatio     int32
	encodeSparseSafe      int32
	encodeMaxDepth        int32
	encodeInvalidNumbers  int32 // 0 off, 1 on, 2 "null"
	encodeNumberPrecision int32
	encodeKeepBuffer      int32
	decodeInvalidNumbers  int32
	decodeMaxDepth        int32

	// buf is the encode buffer kept between calls while
	// encode_keep_buffer is on (only an allocation saving, as in C).
	buf []byte
}

func newCJSONConfig() *cjsonConfig {
	return &cjsonConfig{
		encodeSparseRatio:     cjsonDefaultSparseRatio,
		encodeSparseSafe:      cjsonDefaultSparseSafe,
		encodeMaxDepth:        cjsonDefaultMaxDepth,
		decodeMaxDepth:        cjsonDefaultMaxDepth,
		encodeNumberPrecision: cjsonDefaultPrecision,
		encodeKeepBuffer:      1,
		decodeInvalidNumbers:  1,
	}
}

// newCJSONModule builds a cjson module table with fresh settings
// (lua_cjson_new).
func newCJSONModule(L *lua.LState, opts *Options) *lua.LTable {
	cfg := newCJSONConfig()
	null := nullValue(L)
	mod := L.CreateTable(0, 16)
	fns := []struct {
		name string
		fn   lua.LGFunction
	}{
		{"encode", func(L *lua.LState) int { return cjsonEncode(L, cfg, null, opts) }},
		{"decode", func(L *lua.LState) int { return cjsonDecode(L, cfg, null) }},
		{"encode_sparse_array", cfg.optEncodeSparseArray},
		{"encode_max_depth", cfg.optEncodeMaxDepth},
		{"decode_max_depth", cfg.optDecodeMaxDepth},
		{"encode_number_precision", cfg.optEncodeNumberPrecision},
		{"encode_keep_buffer", cfg.optEncodeKeepBuffer},
		{"encode_invalid_numbers", cfg.optEncodeInvalidNumbers},
		{"decode_invalid_numbers", cfg.optDecodeInvalidNumbers},
		{"new", func(L *lua.LState) int {
			L.Push(newCJSONModule(L, opts))
			return 1
		}},
	}
	for _, f := range fns {
		mod.RawSetString(f.name, L.NewFunction(f.fn))
	}
	mod.RawSetString("null", null)
	mod.RawSetString("_NAME", lua.LString("cjson"))
	mod.RawSetString("_VERSION", lua.LString("2.1.0"))
	return mod
}

// nullRegistryKey names the registry slot holding the state's null
// sentinel.
const nullRegistryKey = "petrel.lualib.null"

// nullValue returns the state's JSON null: the value cjson.null holds and
// cjson.decode produces for null. C cjson uses a NULL light userdata, so
// every null is the same value; here one userdata per Lua state plays
// that part (type() says "userdata", as in Valkey). cmsgpack packs it as
// nil, like any userdata. Its metatable only makes tostring print what
// Lua prints for a NULL pointer; __metatable hides it (getmetatable gives
// false where Valkey gives nil) so scripts cannot change it.
func nullValue(L *lua.LState) *lua.LUserData {
	if ud, ok := L.G.Registry.RawGetString(nullRegistryKey).(*lua.LUserData); ok {
		return ud
	}
	ud := L.NewUserData()
	mt := L.CreateTable(0, 2)
	mt.RawSetString("__tostring", L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LString("userdata: (nil)"))
		return 1
	}))
	mt.RawSetString("__metatable", lua.LFalse)
	ud.Metatable = mt
	L.G.Registry.RawSetString(nullRegistryKey, ud)
	return ud
}

// IsNull reports whether v is cjson.null (the value cjson.decode returns
// for JSON null), so a reply converter can treat it like Valkey treats its
// NULL light userdata.
func IsNull(L *lua.LState, v lua.LValue) bool {
	ud, ok := v.(*lua.LUserData)
	return ok && ud == nullValue(L)
}

/* ---- configuration functions ---- */

// argInit is json_arg_init: at most n arguments.
// Missing arguments are padded with nil so that the option values pushed
// as results land above them.
func argInit(L *lua.LState, n int) {
	if L.GetTop() > n {
		argError(L, n+1, "found too many arguments")
	}
	for L.GetTop() < n {
		L.Push(lua.LNil)
	}
}

func argIsNil(L *lua.LState, i int) bool {
	return L.Get(i) == lua.LNil
}

// integerOption is json_integer_option. Like the C code, a value out of
// range is reported against argument 1 whichever argument it was.
func integerOption(L *lua.LState, i int, setting *int32, min, max int32) {
	if !argIsNil(L, i) {
		v := int32(checkInteger(L, i))
		if v < min || v > max {
			argError(L, 1, fmt.Sprintf("expected integer between %d and %d", min, max))
		}
		*setting = v
	}
	L.Push(lua.LNumber(*setting))
}

var onOffOptions = []string{"off", "on"}

// enumOption is json_enum_option with bool_true = 1: a boolean, or one of
// the option names.
func enumOption(L *lua.LState, i int, setting *int32, options []string) {
	if !argIsNil(L, i) {
		if b, ok := L.Get(i).(lua.LBool); ok {
			*setting = 0
			if b {
				*setting = 1
			}
		} else {
			*setting = checkOption(L, i, options)
		}
	}
	if *setting == 0 || *setting == 1 {
		L.Push(lua.LBool(*setting == 1))
	} else {
		L.Push(lua.LString(options[*setting]))
	}
}

// checkOption is luaL_checkoption without a default.
func checkOption(L *lua.LState, i int, options []string) int32 {
	name := checkString(L, i)
	for n, o := range options {
		if o == name {
			return int32(n)
		}
	}
	argError(L, i, fmt.Sprintf("invalid option '%s'", name))
	return 0
}

func (cfg *cjsonConfig) optEncodeSparseArray(L *lua.LState) int {
	argInit(L, 3)
	enumOption(L, 1, &cfg.encodeSparseConvert, onOffOptions)
	integerOption(L, 2, &cfg.encodeSparseRatio, 0, math.MaxInt32)
	integerOption(L, 3, &cfg.encodeSparseSafe, 0, math.MaxInt32)
	return 3
}

func (cfg *cjsonConfig) optEncodeMaxDepth(L *lua.LState) int {
	argInit(L, 1)
	integerOption(L, 1, &cfg.encodeMaxDepth, 1, math.MaxInt32)
	return 1
}

func (cfg *cjsonConfig) optDecodeMaxDepth(L *lua.LState) int {
	argInit(L, 1)
	integerOption(L, 1, &cfg.decodeMaxDepth, 1, math.MaxInt32)
	return 1
}

func (cfg *cjsonConfig) optEncodeNumberPrecision(L *lua.LState) int {
	argInit(L, 1)
	integerOption(L, 1, &cfg.encodeNumberPrecision, 1, 14)
	return 1
}

func (cfg *cjsonConfig) optEncodeKeepBuffer(L *lua.LState) int {
	argInit(L, 1)
	enumOption(L, 1, &cfg.encodeKeepBuffer, onOffOptions)
	if cfg.encodeKeepBuffer == 0 {
		cfg.buf = nil
	}
	return 1
}

func (cfg *cjsonConfig) optEncodeInvalidNumbers(L *lua.LState) int {
	argInit(L, 1)
	enumOption(L, 1, &cfg.encodeInvalidNumbers, []string{"off", "on", "null"})
	return 1
}

func (cfg *cjsonConfig) optDecodeInvalidNumbers(L *lua.LState) int {
	argInit(L, 1)
	enumOption(L, 1, &cfg.decodeInvalidNumbers, onOffOptions)
	return 1
}

/* ---- encoding ---- */

// jsonEscapes is cjson's char2escape table: the bytes that are written
// escaped, and how.
var jsonEscapes = func() [256]string {
	var t [256]string
	const hex = "0123456789abcdef"
	for c := 0; c < 0x20; c++ {
		t[c] = `\u00` + string(hex[c>>4]) + string(hex[c&15])
	}
	t['\b'], t['\t'], t['\n'], t['\f'], t['\r'] = `\b`, `\t`, `\n`, `\f`, `\r`
	t['"'], t['\\'], t['/'] = `\"`, `\\`, `\/`
	t[0x7f] = `\u007f`
	return t
}()

type jsonEncoder struct {
	L    *lua.LState
	cfg  *cjsonConfig
	null lua.LValue
	opts *Options
	out  []byte
}

func cjsonEncode(L *lua.LState, cfg *cjsonConfig, null lua.LValue, opts *Options) int {
	if L.GetTop() != 1 {
		argError(L, 1, "expected 1 argument")
	}
	e := jsonEncoder{L: L, cfg: cfg, null: null, opts: opts}
	if cfg.encodeKeepBuffer != 0 {
		e.out = cfg.buf[:0]
	}
	// The argument is the only slot on the C function's stack.
	e.value(L.Get(1), 0, 1)
	if cfg.encodeKeepBuffer != 0 {
		cfg.buf = e.out
	}
	L.Push(lua.LString(e.out))
	return 1
}

// fail is json_encode_exception: v is the value that cannot be encoded.
func (e *jsonEncoder) fail(v lua.LValue, reason string) {
	raise(e.L, "Cannot serialise %s: %s", valueTypeName(v), reason)
}

// value is json_append_data. depth counts the enclosing tables; top is
// the number of stack slots the C encoder would be using with v on top,
// for the lua_checkstack limit.
func (e *jsonEncoder) value(v lua.LValue, depth, top int) {
	switch x := v.(type) {
	case lua.LString:
		e.appendString(string(x))
	case lua.LNumber:
		e.appendNumber(x)
	case lua.LBool:
		if x {
			e.out = append(e.out, "true"...)
		} else {
			e.out = append(e.out, "false"...)
		}
	case *lua.LTable:
		depth++
		if int64(depth) > int64(e.cfg.encodeMaxDepth) || !checkStack(top, 3) {
			raise(e.L, "Cannot serialise, excessive nesting (%d)", depth)
		}
		x = e.opts.unwrap(x)
		if n := e.arrayLength(x); n > 0 {
			e.appendArray(x, n, depth, top)
		} else {
			e.appendObject(x, depth, top)
		}
	case *lua.LNilType:
		e.out = append(e.out, "null"...)
	default:
		if v == e.null {
			e.out = append(e.out, "null"...)
			return
		}
		e.fail(v, "type not supported")
	}
}

func (e *jsonEncoder) appendString(s string) {
	e.out = append(e.out, '"')
	for i := 0; i < len(s); i++ {
		if esc := jsonEscapes[s[i]]; esc != "" {
			e.out = append(e.out, esc...)
		} else {
			e.out = append(e.out, s[i])
		}
	}
	e.out = append(e.out, '"')
}

func (e *jsonEncoder) appendNumber(n lua.LNumber) {
	f := float64(n)
	switch e.cfg.encodeInvalidNumbers {
	case 0:
		if math.IsInf(f, 0) || math.IsNaN(f) {
			e.fail(n, "must not be NaN or Inf")
		}
	case 1:
		// Spelled "nan" whatever the sign (printf would say "-nan").
		if math.IsNaN(f) {
			e.out = append(e.out, "nan"...)
			return
		}
	default:
		if math.IsInf(f, 0) || math.IsNaN(f) {
			e.out = append(e.out, "null"...)
			return
		}
	}
	e.out = append(e.out, formatG(f, int(e.cfg.encodeNumberPrecision))...)
}

// arrayLength is lua_array_length: the array size when every key is an
// integer >= 1 (and the array is not excessively sparse), else -1 for an
// object. The arithmetic is cjson's, on C ints: an index of 2^31 or more
// stores as INT_MIN, which makes the table an object.
func (e *jsonEncoder) arrayLength(t *lua.LTable) int32 {
	var max, items int32
	for k, _ := t.Next(lua.LNil); k != lua.LNil; k, _ = t.Next(k) {
		kn, ok := k.(lua.LNumber)
		if !ok || kn == 0 {
			return -1
		}
		f := float64(kn)
		if math.Floor(f) != f || f < 1 {
			return -1
		}
		if f > float64(max) {
			max = cInt32(f)
		}
		items++
	}
	ratio := e.cfg.encodeSparseRatio
	if ratio > 0 && max > items*ratio && max > e.cfg.encodeSparseSafe {
		if e.cfg.encodeSparseConvert == 0 {
			e.fail(t, "excessively sparse array")
		}
		return -1
	}
	return max
}

func (e *jsonEncoder) appendArray(t *lua.LTable, n int32, depth, top int) {
	e.out = append(e.out, '[')
	for i := int32(1); i <= n; i++ {
		if i > 1 {
			e.out = append(e.out, ',')
		}
		e.value(t.RawGet(lua.LNumber(i)), depth, top+1)
	}
	e.out = append(e.out, ']')
}

func (e *jsonEncoder) appendObject(t *lua.LTable, depth, top int) {
	e.out = append(e.out, '{')
	first := true
	for k, v := t.Next(lua.LNil); k != lua.LNil; k, v = t.Next(k) {
		if !first {
			e.out = append(e.out, ',')
		}
		first = false
		switch key := k.(type) {
		case lua.LNumber:
			e.out = append(e.out, '"')
			e.appendNumber(key)
			e.out = append(e.out, '"', ':')
		case lua.LString:
			e.appendString(string(key))
			e.out = append(e.out, ':')
		default:
			e.fail(k, "table key must be a number or string")
		}
		e.value(v, depth, top+2)
	}
	e.out = append(e.out, '}')
}
