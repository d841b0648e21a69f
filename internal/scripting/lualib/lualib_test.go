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

func TestReadOnlyViews(t *testing.T) {
	L := newTestState()
	defer L.Close()
	for _, name := range Libraries {
		L.SetGlobal(name, ReadOnly(L, L.GetGlobal(name).(*lua.LTable)))
	}
	for _, tc := range []struct{ code, want string }{
		{`return cjson.encode({1, cjson.null})`, `[1,null]`},
		{`cjson.encode_max_depth(2) return select(2, pcall(cjson.encode, {{{}}}))`, "Cannot serialise, excessive nesting (3)"},
		{`return bit.tohex(255, 2) .. struct.size("i") .. #cmsgpack.pack(1)`, "ff41"},
		{`return tostring(getmetatable(cjson))`, "false"},
	} {
		got, err := doString(L, tc.code)
		if err != nil || got.String() != tc.want {
			t.Errorf("%s: got %v, %v; want %q", tc.code, got, err, tc.want)
		}
	}
	for _, code := range []string{
		`cjson.encode = function() return 1 end`,
		`cmsgpack.pack = function() return 1 end`,
		`bit.lshift = function() return 1 end`,
		`struct.extra = 1`,
	} {
		_, err := doString(L, code)
		if err == nil || !strings.Contains(err.Error(), "user_script:1: "+ReadOnlyTableError) {
			t.Errorf("%s: got error %v, want %q", code, err, ReadOnlyTableError)
		}
	}
	if _, err := doString(L, `setmetatable(cjson, {})`); err == nil {
		t.Error("setmetatable on a read-only view succeeded")
	}
	if !IsReadOnly(L.GetGlobal("cjson").(*lua.LTable)) || IsReadOnly(L.NewTable()) {
		t.Error("IsReadOnly does not tell views from plain tables")
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
