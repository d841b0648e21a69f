package lualib

import (
	lua "github.com/yuin/gopher-lua"
)

// Libraries are the globals Open installs, in Valkey's load order
// (script_lua.c luaLoadLibraries).
var Libraries = []string{"cjson", "struct", "cmsgpack", "bit"}

// Open installs the four libraries as the globals cjson, struct, cmsgpack
// and bit, as Valkey's Lua engine does. It leaves the Lua stack as it
// found it, so it can be called directly from Go on a fresh state.
func Open(L *lua.LState) {
	L.SetGlobal("cjson", newCJSONModule(L))
	L.SetGlobal("struct", newStructModule(L))
	L.SetGlobal("cmsgpack", newCMsgpackModule(L))
	L.SetGlobal("bit", newBitModule(L))
}

// OpenCJSON is the cjson loader (luaopen_cjson built with
// ENABLE_CJSON_GLOBAL): it sets the global cjson and returns the module.
func OpenCJSON(L *lua.LState) int { return openAs(L, "cjson", newCJSONModule(L)) }

// OpenStruct is the struct loader: it sets the global struct and returns
// the module.
func OpenStruct(L *lua.LState) int { return openAs(L, "struct", newStructModule(L)) }

// OpenCMsgpack is the cmsgpack loader: it sets the global cmsgpack and
// returns the module.
func OpenCMsgpack(L *lua.LState) int { return openAs(L, "cmsgpack", newCMsgpackModule(L)) }

// OpenBit is the bit loader: it sets the global bit and returns the module.
func OpenBit(L *lua.LState) int { return openAs(L, "bit", newBitModule(L)) }

func openAs(L *lua.LState, name string, mod *lua.LTable) int {
	L.SetGlobal(name, mod)
	L.Push(mod)
	return 1
}

// ReadOnlyTableError is the error Valkey's Lua raises on a write to a
// protected table (the position of the writing code comes first).
const ReadOnlyTableError = "Attempt to modify a readonly table"

// readOnlyMarker is the metatable field that identifies ReadOnly views.
const readOnlyMarker = "__petrel_readonly"

// ReadOnly returns a read-only view of t, for protecting library tables
// the way Valkey's patched Lua marks them read-only: reads go to t (the
// view has no entries of its own and an __index of t), every assignment
// raises ReadOnlyTableError, and the metatable is locked (getmetatable
// returns false, setmetatable fails). Publish the view in place of t, for
// example L.SetGlobal("cjson", ReadOnly(L, L.GetGlobal("cjson").(*lua.LTable))).
//
// gopher-lua tables have no read-only flag, so the view differs from
// Valkey's protected table where a script looks at the table itself:
// next/pairs and # see an empty table, rawget reads nothing and rawset
// writes to the view (IsReadOnly lets a sandboxed rawset refuse it).
func ReadOnly(L *lua.LState, t *lua.LTable) *lua.LTable {
	view := L.CreateTable(0, 0)
	mt := L.CreateTable(0, 4)
	mt.RawSetString("__index", t)
	mt.RawSetString("__newindex", L.NewFunction(func(L *lua.LState) int {
		raise(L, ReadOnlyTableError)
		return 0
	}))
	mt.RawSetString("__metatable", lua.LFalse)
	mt.RawSetString(readOnlyMarker, lua.LTrue)
	view.Metatable = mt
	return view
}

// IsReadOnly reports whether t is a view made by ReadOnly.
func IsReadOnly(t *lua.LTable) bool {
	mt, ok := t.Metatable.(*lua.LTable)
	return ok && mt.RawGetString(readOnlyMarker) == lua.LTrue
}
