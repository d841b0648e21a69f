package lualib

import (
	"strings"
	"testing"

	lua "github.com/yuin/gopher-lua"
)

// doString runs code as the chunk "user_script" and returns its first
// result, or the error.
func doString(L *lua.LState, code string) (lua.LValue, error) {
	fn, err := L.Load(strings.NewReader(code), "user_script")
	if err != nil {
		return nil, err
	}
	L.Push(fn)
	if err := L.PCall(0, 1, nil); err != nil {
		return nil, err
	}
	v := L.Get(-1)
	L.Pop(1)
	return v, nil
}

func TestOpenInstallsGlobalsAndKeepsStack(t *testing.T) {
	L := lua.NewState(lua.Options{SkipOpenLibs: true})
	defer L.Close()
	Open(L)
	if L.GetTop() != 0 {
		t.Fatalf("Open left %d values on the stack", L.GetTop())
	}
	for _, name := range Libraries {
		if _, ok := L.GetGlobal(name).(*lua.LTable); !ok {
			t.Errorf("global %s is %v, want a table", name, L.GetGlobal(name))
		}
	}
}

func TestLoadersSetGlobalAndReturnModule(t *testing.T) {
	loaders := map[string]lua.LGFunction{
		"cjson": OpenCJSON, "struct": OpenStruct, "cmsgpack": OpenCMsgpack, "bit": OpenBit,
	}
	for name, open := range loaders {
		L := lua.NewState(lua.Options{SkipOpenLibs: true})
		L.Push(L.NewFunction(open))
		L.Call(0, 1)
		mod, ok := L.Get(-1).(*lua.LTable)
		if !ok || L.GetGlobal(name) != mod {
			t.Errorf("%s loader returned %v, global is %v", name, L.Get(-1), L.GetGlobal(name))
		}
		L.Close()
	}
}

// TestUnwrapSeesThroughProxies: with Options.Unwrap, encoding a sandbox
// proxy encodes the table behind it, as encoding a protected table does
// in Valkey.
func TestUnwrapSeesThroughProxies(t *testing.T) {
	L := lua.NewState(lua.Options{SkipOpenLibs: true})
	defer L.Close()
	real := L.NewTable()
	real.RawSetString("a", lua.LNumber(1))
	proxy := L.NewTable()
	mt := L.NewTable()
	mt.RawSetString("__index", real)
	proxy.Metatable = mt
	OpenWith(L, Options{Unwrap: func(t *lua.LTable) *lua.LTable {
		if t == proxy {
			return real
		}
		return t
	}})
	L.SetGlobal("p", proxy)
	for code, want := range map[string]string{
		`return cjson.encode(p)`:        `{"a":1}`,
		`return cjson.encode({p})`:      `[{"a":1}]`,
		`return #cmsgpack.pack(p)`:      "4", // 81 a1 61 01
		`return cjson.encode({b = {}})`: `{"b":{}}`,
	} {
		got, err := doString(L, code)
		if err != nil || got.String() != want {
			t.Errorf("%s: got %v, %v; want %s", code, got, err, want)
		}
	}
}

func TestIsNull(t *testing.T) {
	L := newTestState()
	defer L.Close()
	v, err := doString(L, `return cjson.decode("null")`)
	if err != nil {
		t.Fatal(err)
	}
	if !IsNull(L, v) {
		t.Errorf("decoded null %v is not IsNull", v)
	}
	other, _ := doString(L, `return cjson.new().null`)
	if !IsNull(L, other) {
		t.Error("cjson.new().null is not the same null")
	}
	if IsNull(L, L.NewUserData()) || IsNull(L, lua.LNil) {
		t.Error("IsNull accepts values that are not cjson.null")
	}
}

// TestStatesAreIndependent: settings and nulls belong to one Lua state.
func TestStatesAreIndependent(t *testing.T) {
	L1, L2 := newTestState(), newTestState()
	defer L1.Close()
	defer L2.Close()
	if _, err := doString(L1, `cjson.encode_max_depth(1)`); err != nil {
		t.Fatal(err)
	}
	v, err := doString(L2, `return cjson.encode({{}})`)
	if err != nil || v.String() != "[{}]" {
		t.Errorf("second state: got %v, %v", v, err)
	}
	if nullValue(L1) == nullValue(L2) {
		t.Error("two states share one null")
	}
}

// TestIntegerKeysInHashPart: gopher-lua keeps integer keys at or past
// lua.MaxArrayIndex in its hash part; the encoders must read them there
// too. (The Lua code avoids #, which only counts the array part.)
func TestIntegerKeysInHashPart(t *testing.T) {
	old := lua.MaxArrayIndex
	lua.MaxArrayIndex = 4
	defer func() { lua.MaxArrayIndex = old }()
	L := newTestState()
	defer L.Close()
	for code, want := range map[string]string{
		`local t = {} for i = 1, 12 do t[i] = i end return cjson.encode(t)`:                       "[1,2,3,4,5,6,7,8,9,10,11,12]",
		`local t = {} for i = 1, 6 do t[i] = i end return cmsgpack.pack(t) == "\150\1\2\3\4\5\6"`: "true",
		`return cjson.decode("[1,2,3,4,5,6]")[6]`:                                                 "6",
		`return cmsgpack.unpack("\150\1\2\3\4\5\6")[6]`:                                           "6",
	} {
		got, err := doString(L, code)
		if err != nil || got.String() != want {
			t.Errorf("%s: got %v, %v; want %s", code, got, err, want)
		}
	}
}
