// Package lualib implements, for gopher-lua, the four C libraries Valkey
// loads into its Lua scripting environment: cjson (Lua CJSON 2.1.0),
// cmsgpack (lua-cmsgpack 0.4.0), bit (LuaBitOp) and struct. Each behaves
// like the C library as built into Valkey 9 on x86-64: the same output
// bytes, the same number conversions and the same error messages. The
// package knows nothing of the server; the scripting engine decides where
// the libraries go and how they are protected.
//
// Usage:
//
//	L := lua.NewState(lua.Options{SkipOpenLibs: true, RegistryMaxSize: 1 << 16})
//	// ... open base, table, string, math, os ...
//	lualib.Open(L) // globals cjson, struct, cmsgpack, bit
//	for _, name := range lualib.Libraries {
//		t := L.GetGlobal(name).(*lua.LTable)
//		L.SetGlobal(name, lualib.ReadOnly(L, t))
//	}
//
// The caller's duties:
//
//  1. Name script chunks as Valkey does ("user_script"): error messages
//     start with the caller's position, "user_script:1: ...", exactly as
//     gopher-lua's own errors do.
//  2. Let the registry (value stack) grow to at least 8,100 slots
//     (lua.Options.RegistryMaxSize): cmsgpack.unpack and struct.unpack
//     return up to Lua 5.1's 8,000-slot C stack limit of values, as in
//     Valkey; a smaller fixed registry fails earlier with "registry
//     overflow".
//  3. Convert cjson.null (IsNull) like Valkey converts its NULL light
//     userdata in replies.
//  4. Protect the library tables (ReadOnly) after loading them; cjson's
//     settings (encode_max_depth and the others) live in the functions,
//     not the table, so they still change and persist like in Valkey.
//
// Known differences from Valkey, all from gopher-lua rather than from the
// libraries: tables iterate in insertion order (array part first), where
// Lua 5.1 iterates in hash order, so cjson objects and cmsgpack maps with
// several keys can list them in another order; and tostring(cjson.null)
// shows the userdata's address rather than "userdata: (nil)".
package lualib
