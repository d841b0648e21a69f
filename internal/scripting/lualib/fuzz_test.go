package lualib

// Fuzz tests for the decoders: whatever the input, they return values or
// raise a Lua error, and never panic in Go (gopher-lua turns a Go panic
// into an ApiErrorPanic, which these tests reject). Whatever they decode
// must also encode again without a Go panic.

import (
	"errors"
	"testing"

	lua "github.com/yuin/gopher-lua"
)

// withSmallArrays keeps decoded integer keys out of gopher-lua's array
// part beyond 64: a MessagePack map key of n makes gopher-lua allocate an
// n-slot array (up to lua.MaxArrayIndex, 64 Mi by default), so a few bytes
// of input per table can ask for gigabytes. That is gopher-lua's table
// design (t[60000000] = 1 in a script does the same; see doc.go), not a
// decoder bug; here it would only make the fuzzer thrash.
func withSmallArrays(f *testing.F) {
	old := lua.MaxArrayIndex
	lua.MaxArrayIndex = 64
	f.Cleanup(func() { lua.MaxArrayIndex = old })
}

// callLib calls lib.fn with args in protected mode and returns the
// results. A Lua error is fine; a Go panic fails the test.
func callLib(t *testing.T, L *lua.LState, lib, fn string, args ...lua.LValue) ([]lua.LValue, bool) {
	t.Helper()
	top := L.GetTop()
	f := L.GetField(L.GetGlobal(lib), fn)
	err := L.CallByParam(lua.P{Fn: f, NRet: lua.MultRet, Protect: true}, args...)
	if err != nil {
		var apiErr *lua.ApiError
		if !errors.As(err, &apiErr) || apiErr.Type != lua.ApiErrorRun {
			t.Fatalf("%s.%s(%q): not a Lua error: %v", lib, fn, args, err)
		}
		L.SetTop(top)
		return nil, false
	}
	n := L.GetTop() - top
	out := make([]lua.LValue, n)
	for i := range out {
		out[i] = L.Get(top + 1 + i)
	}
	L.SetTop(top)
	return out, true
}

func FuzzCJSONDecode(f *testing.F) {
	withSmallArrays(f)
	for _, s := range []string{
		`{"a":[1,2,{"b":null}],"c":"\u00e9\ud83d\ude00"}`, `[1,2,3]`, `"x\"y\\z"`, `-1.5e300`, `0x1p3`,
		`nan(123)`, `[[[[[[]]]]]]`, "\"a\x00b\"", `{"a" 1}`, `"\ud800\udc00"`, `[inf, -Infinity, +1]`, "",
	} {
		f.Add(s, false, uint16(0))
	}
	f.Fuzz(func(t *testing.T, data string, strict bool, depth uint16) {
		L := lua.NewState(lua.Options{SkipOpenLibs: true, RegistryMaxSize: 1 << 16})
		defer L.Close()
		Open(L)
		if strict {
			callLib(t, L, "cjson", "decode_invalid_numbers", lua.LFalse)
		}
		if depth > 0 {
			callLib(t, L, "cjson", "decode_max_depth", lua.LNumber(depth))
			callLib(t, L, "cjson", "encode_max_depth", lua.LNumber(depth))
		}
		out, ok := callLib(t, L, "cjson", "decode", lua.LString(data))
		if !ok {
			return
		}
		if len(out) != 1 {
			t.Fatalf("decode returned %d values", len(out))
		}
		callLib(t, L, "cjson", "encode_invalid_numbers", lua.LString("on"))
		enc, ok := callLib(t, L, "cjson", "encode", out[0])
		if !ok {
			return
		}
		// What cjson writes, cjson reads back (inf and nan included).
		callLib(t, L, "cjson", "decode_invalid_numbers", lua.LTrue)
		if _, ok := callLib(t, L, "cjson", "decode", enc[0]); !ok {
			t.Fatalf("decode(encode(decode(%q))) failed; encoded %q", data, enc[0])
		}
	})
}

func FuzzCMsgpackUnpack(f *testing.F) {
	withSmallArrays(f)
	for _, s := range []string{
		"\x93\xa3abc\xcd\x01\x00\xcb\x3f\xf8\x00\x00\x00\x00\x00\x00", "\x81\xc0\x01", "\x81\xca\x7f\xc0\x00\x00\x01",
		"\xdd\xff\xff\xff\xff\x01", "\xdb\x00\x00\x00\x05a", "\xc1", "\x91\x91\x91\x91\x00", "\x82\xa1a\x01\xa1a\xc0", "",
	} {
		f.Add(s, int8(0), int16(0))
	}
	f.Fuzz(func(t *testing.T, data string, limit int8, offset int16) {
		L := lua.NewState(lua.Options{SkipOpenLibs: true, RegistryMaxSize: 1 << 16})
		defer L.Close()
		Open(L)
		s := lua.LString(data)
		if out, ok := callLib(t, L, "cmsgpack", "unpack", s); ok && len(out) > 0 && len(out) < 4000 {
			callLib(t, L, "cmsgpack", "pack", out...)
		}
		callLib(t, L, "cmsgpack", "unpack_one", s, lua.LNumber(offset))
		callLib(t, L, "cmsgpack", "unpack_limit", s, lua.LNumber(limit), lua.LNumber(offset))
	})
}

func FuzzStructUnpack(f *testing.F) {
	for _, s := range [][2]string{
		{">!4 b h i l d f s c3", "\xff\x01\x2c\x00\x00\x01\x11\x70"}, {"bc0", "\x03abc"}, {"i16<I3", "0123456789abcdefghi"},
		{"!8xd", "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"}, {"s", "ab"}, {"c99999999999", ""},
	} {
		f.Add(s[0], s[1], int16(1))
	}
	f.Fuzz(func(t *testing.T, format, data string, pos int16) {
		L := lua.NewState(lua.Options{SkipOpenLibs: true, RegistryMaxSize: 1 << 16})
		defer L.Close()
		Open(L)
		callLib(t, L, "struct", "size", lua.LString(format))
		out, ok := callLib(t, L, "struct", "unpack", lua.LString(format), lua.LString(data), lua.LNumber(pos))
		if ok && len(out) > 0 && len(out) < 1000 {
			// Unpacked values fit the format they came from, except c0
			// and s, whose sizes come from the data.
			args := append([]lua.LValue{lua.LString(format)}, out[:len(out)-1]...)
			callLib(t, L, "struct", "pack", args...)
		}
	})
}
