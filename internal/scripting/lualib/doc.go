// Package lualib implements, for gopher-lua, the four C libraries Valkey
// loads into its Lua scripting environment: cjson (Lua CJSON 2.1.0),
// cmsgpack (lua-cmsgpack 0.4.0), bit (LuaBitOp) and struct. Each behaves
// like the C library as built into Valkey 9 on x86-64: the same output
// bytes, the same number conversions, the same limits (Lua 5.1's
// 8,000-slot C stack included) and the same error messages. The package
// knows nothing of the server; the scripting engine decides where the
// libraries go and how they are protected.
//
// Usage:
//
//	L := lua.NewState(lua.Options{SkipOpenLibs: true, RegistryMaxSize: 256 * 1024})
//	// ... open base, table, string, math, os ...
//	lualib.OpenWith(L, lualib.Options{Unwrap: realTableBehindProxy})
//	// ... then lock the globals, lualib.Libraries included.
//
// The caller's duties:
//
//  1. Name script chunks as Valkey does ("user_script"): library errors
//     start with the calling line, "user_script:1: ...", the way
//     gopher-lua's own errors do (and, as in Lua 5.1, with no position
//     when the library function is called directly by pcall).
//  2. Let the registry (value stack) grow to at least 8,100 slots
//     (lua.Options.RegistryMaxSize): cmsgpack.unpack and struct.unpack
//     return up to Lua 5.1's C stack limit of values, as in Valkey; a
//     smaller fixed registry fails earlier with "registry overflow".
//  3. Reply to cjson.null (IsNull, a userdata) as Valkey replies to any
//     light userdata: a null.
//  4. If protected tables are proxies, pass Options.Unwrap so that
//     cjson.encode and cmsgpack.pack see a protected table's contents.
//
// Beware of gopher-lua's array part: a table with an integer key k below
// lua.MaxArrayIndex (64 Mi) gets an array of k slots, so t[60000000] = 1,
// or cmsgpack.unpack of a 7-byte map with such a key, allocates about a
// gigabyte. Lowering lua.MaxArrayIndex is no cure: gopher-lua's # only
// counts the array part, so longer sequences would get a wrong length.
// The libraries themselves work with any MaxArrayIndex.
//
// Known differences from Valkey, all from gopher-lua rather than from the
// libraries: tables iterate in insertion order (array part first), where
// Lua 5.1 iterates in hash order, so cjson objects and cmsgpack maps with
// several keys can list them in another order ({a=1,b=2,c=3} encodes as
// {"a":1,"b":2,"c":3} here, {"a":1,"c":3,"b":2} in Valkey); and
// getmetatable(cjson.null) is false rather than nil (cjson.null is a full
// userdata with a locked metatable, gopher-lua having no light userdata);
// and an argument error in a method-style call (bit:tobit()) says
// "bad argument #1 to 'tobit'" where Lua 5.1 says "calling 'tobit' on bad
// self", gopher-lua's debug info not telling methods apart.
package lualib
