package lualib

import (
	lua "github.com/yuin/gopher-lua"
)

// Libraries are the globals Open installs, in Valkey's load order
// (script_lua.c luaLoadLibraries). Their tables hold only functions,
// strings and the cjson.null userdata (no nested tables), and cjson's
// settings live in its functions, so a sandbox may replace each table by a
// read-only proxy without changing what the libraries do.
var Libraries = []string{"cjson", "struct", "cmsgpack", "bit"}

// Options adapt the libraries to the engine's sandbox.
type Options struct {
	// Unwrap, when set, returns the table whose contents a script sees
	// through t: for a sandbox that protects tables with empty proxies,
	// the real table behind a proxy (and t itself for any other table).
	// cjson.encode and cmsgpack.pack walk the unwrapped table, so
	// encoding a protected table sees its contents as in Valkey.
	Unwrap func(t *lua.LTable) *lua.LTable
}

func (o *Options) unwrap(t *lua.LTable) *lua.LTable {
	if o.Unwrap == nil {
		return t
	}
	if u := o.Unwrap(t); u != nil {
		return u
	}
	return t
}

// Open installs the four libraries as the globals cjson, struct, cmsgpack
// and bit, as Valkey's Lua engine does. It leaves the Lua stack as it
// found it, so it can be called directly from Go on a fresh state.
func Open(L *lua.LState) { OpenWith(L, Options{}) }

// OpenWith is Open with options.
func OpenWith(L *lua.LState, opts Options) {
	o := &opts
	L.SetGlobal("cjson", newCJSONModule(L, o))
	L.SetGlobal("struct", newStructModule(L))
	L.SetGlobal("cmsgpack", newCMsgpackModule(L, o))
	L.SetGlobal("bit", newBitModule(L))
}

// OpenCJSON is the cjson loader (luaopen_cjson built with
// ENABLE_CJSON_GLOBAL): it sets the global cjson and returns the module.
func OpenCJSON(L *lua.LState) int { return openAs(L, "cjson", newCJSONModule(L, &Options{})) }

// OpenStruct is the struct loader: it sets the global struct and returns
// the module.
func OpenStruct(L *lua.LState) int { return openAs(L, "struct", newStructModule(L)) }

// OpenCMsgpack is the cmsgpack loader: it sets the global cmsgpack and
// returns the module.
func OpenCMsgpack(L *lua.LState) int {
	return openAs(L, "cmsgpack", newCMsgpackModule(L, &Options{}))
}

// OpenBit is the bit loader: it sets the global bit and returns the module.
func OpenBit(L *lua.LState) int { return openAs(L, "bit", newBitModule(L)) }

func openAs(L *lua.LState, name string, mod *lua.LTable) int {
	L.SetGlobal(name, mod)
	L.Push(mod)
	return 1
}
