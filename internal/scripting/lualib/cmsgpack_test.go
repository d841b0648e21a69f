package lualib

import "fmt"

var _ = registerCases("cmsgpack", cmsgpackCases())

// packEach is Lua that packs each value of the list on its own and joins
// the hex encodings.
func packEach(list string) string {
	return `local out = {} for i, v in ipairs({` + list + `}) do out[i] = hex(cmsgpack.pack(v)) end return table.concat(out, " ")`
}

func cmsgpackCases() []luaCase {
	cases := []luaCase{
		// Packing numbers.
		{"pack_positive_ints", packEach("0, 1, 127, 128, 255, 256, 65535, 65536, 2^32 - 1, 2^32, 2^53, 2^62")},
		{"pack_negative_ints", packEach("-1, -32, -33, -128, -129, -32768, -32769, -2^31, -2^31 - 1, -2^53, -2^63")},
		{"pack_int64_edges", packEach("2^63, 2^64, -2^63 - 4096, 1e19, -1099511627776")},
		{"pack_floats", packEach("0.1, 0.5, 1.5, -2.25, 1e300, 1e-300, 3.4028234663852886e38, 2^-149, 1/3, 0.1 + 0.2")},
		{"pack_special_floats", `local z = 0 return hex(cmsgpack.pack(1/0)), hex(cmsgpack.pack(-1/0)), hex(cmsgpack.pack(-z))`},
		{"pack_nan", `local n = cmsgpack.pack(0/0) return #n, string.byte(n, 1)`},
		{"pack_fraction_ints", packEach("0.999999, 127.5, -32.5, 4294967295.5")},
		// Packing strings.
		{"pack_short_strings", `return hex(cmsgpack.pack("")), hex(cmsgpack.pack("a")), hex(cmsgpack.pack("a\0b"))`},
		{"pack_string_headers", `local out = {} for i, n in ipairs({31, 32, 255, 256, 65535, 65536, 100000}) do out[i] = hex(string.sub(cmsgpack.pack(string.rep("x", n)), 1, 5)) end return table.concat(out, " ")`},
		{"pack_binary_string", `local s = "" for i = 0, 255 do s = s .. string.char(i) end return cmsgpack.pack(s) == "\218\001\000" .. s`},
		// Packing other values.
		{"pack_bool_nil", `return hex(cmsgpack.pack(true, false, nil))`},
		{"pack_function_null", `return hex(cmsgpack.pack(function() end, cjson.null, coroutine and coroutine.create(function() end) or nil))`},
		{"pack_multiple", `return hex(cmsgpack.pack(1, "a", {2}))`},
		// Packing tables.
		{"pack_empty_table", `return hex(cmsgpack.pack({}))`},
		{"pack_array", `return hex(cmsgpack.pack({1, 2, 3, "x", true}))`},
		{"pack_array_16", `local t = {} for i = 1, 16 do t[i] = i end return hex(cmsgpack.pack(t))`},
		{"pack_array_65536", `local t = {} for i = 1, 65536 do t[i] = 0 end local s = cmsgpack.pack(t) return #s, hex(string.sub(s, 1, 6))`},
		{"pack_map_one", `return hex(cmsgpack.pack({a = 1}))`},
		{"pack_map_nested", `return hex(cmsgpack.pack({a = {b = {1, 2}}}))`},
		{"pack_holes", `return hex(cmsgpack.pack({1, nil, 3}))`},
		{"pack_zero_key", `return hex(cmsgpack.pack({[0] = 1}))`},
		{"pack_negative_key", `return hex(cmsgpack.pack({[-1] = 1}))`},
		{"pack_float_key", `return hex(cmsgpack.pack({[1.5] = 1}))`},
		{"pack_int_max_key", `local t = {} t[2^31 - 1] = 1 return hex(cmsgpack.pack(t))`},
		{"pack_int_overflow_key", `local t = {} t[2^31] = 1 return hex(cmsgpack.pack(t))`},
		{"pack_mixed", `return hex(cmsgpack.pack({1, 2, x = 3}))`},
		{"pack_map_16", `local t = {} for i = 1, 16 do t[i * 2] = 1 end return #cmsgpack.pack(t), hex(string.sub(cmsgpack.pack(t), 1, 3))`},
		{"pack_nesting_limit", `local t = {} local c = t for i = 1, 20 do c[1] = {} c = c[1] end return hex(cmsgpack.pack(t))`},
		{"pack_cycle", `local a = {x = nil, y = 5} local b = {x = a} a["x"] = b return hex(cmsgpack.pack(a))`},
		{"pack_cycle_unpack", `local a = {x = nil, y = 5} local b = {x = a} a["x"] = b local re = cmsgpack.unpack(cmsgpack.pack(a)) return re.x.x.x.x.x.x.x.x.x.x.x.x.x.x.y, re.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x, re.y`},
		{"pack_metatable", `local t = setmetatable({1, 2}, {__index = function() return 9 end}) return hex(cmsgpack.pack(t))`},
		// Packing errors.
		{"pack_no_args", `return cmsgpack.pack()`},
		{"pack_4000_args", `local t = {} for i = 1, 4000 do t[i] = 1 end return #cmsgpack.pack(unpack(t))`},
		{"pack_4001_args", `local t = {} for i = 1, 4001 do t[i] = 1 end return cmsgpack.pack(unpack(t))`},
		{"pack_4000_table_args", `local t = {} for i = 1, 4000 do t[i] = {} end return cmsgpack.pack(unpack(t))`},
		{"pack_3990_table_args", `local t = {} for i = 1, 3990 do t[i] = {{a = {}}} end return #cmsgpack.pack(unpack(t))`},
		{"pack_3999_map_args", `local t = {} for i = 1, 3999 do t[i] = {a = 1} end return cmsgpack.pack(unpack(t))`},
		{"pack_pcall_direct", `return pcall(cmsgpack.pack)`},

		// Unpacking.
		{"unpack_empty", `return select("#", cmsgpack.unpack(""))`},
		{"unpack_nil", `return select("#", cmsgpack.unpack("\192")), cmsgpack.unpack("\192")`},
		{"unpack_bools", `return cmsgpack.unpack(unhex("c3c2"))`},
		{"unpack_fixints", `return cmsgpack.unpack(unhex("00017fffe0"))`},
		{"unpack_uints", `return cmsgpack.unpack(unhex("ccffcdffffceffffffffcf0000000100000000"))`},
		{"unpack_uint64_high", `return cmsgpack.unpack(unhex("cfffffffffffffffffcf8000000000000000cf7fffffffffffffff"))`},
		{"unpack_ints", `return cmsgpack.unpack(unhex("d080d07fd18000d1ff38d280000000d2fffffffed38000000000000000d3fffffffffffffffe"))`},
		{"unpack_int64_rounding", `return cmsgpack.unpack(unhex("d37fffffffffffffffd30020000000000001"))`},
		{"unpack_floats", `return cmsgpack.unpack(unhex("ca3f800000cacf800000cb3fb999999999999acb7ff0000000000000ca7f800000ca00000001"))`},
		{"unpack_float_nan", `local v = cmsgpack.unpack(unhex("ca7fc00000")) return v ~= v`},
		{"unpack_strings", `return cmsgpack.unpack(unhex("a0a161d90362636400da00026566db000000026768"))`},
		{"unpack_binary_string", `return cmsgpack.unpack(unhex("a400ff0a0d"))`},
		{"unpack_arrays", `return cmsgpack.unpack(unhex("9093010203dc000201c0dd000000019100"))`},
		{"unpack_maps", `return cmsgpack.unpack(unhex("8081a16101de0001a162c3df0000000101a178"))`},
		{"unpack_nil_in_array", `return cmsgpack.unpack(unhex("92c001"))`},
		{"unpack_nil_value", `return cmsgpack.unpack(unhex("81a161c0"))`},
		{"unpack_duplicate_key", `return cmsgpack.unpack(unhex("82a16101a16102"))`},
		{"unpack_duplicate_key_nil", `return cmsgpack.unpack(unhex("82a16101a161c0"))`},
		{"unpack_table_key", `local t = cmsgpack.unpack(unhex("81910102")) local k, v = next(t) return type(k), k[1], v`},
		{"unpack_float_key", `return cmsgpack.unpack(unhex("81cb3ff8000000000000a161"))`},
		{"unpack_nil_key", `return cmsgpack.unpack(unhex("81c001"))`},
		{"unpack_nan_key", `return cmsgpack.unpack(unhex("81ca7fc0000001"))`},
		{"unpack_nil_key_direct", `return pcall(cmsgpack.unpack, unhex("81c001"))`},
		{"unpack_missing_bytes", `return cmsgpack.unpack(unhex("cd01"))`},
		{"unpack_missing_string", `return cmsgpack.unpack(unhex("a3616263a3"))`},
		{"unpack_missing_str32", `return cmsgpack.unpack(unhex("db0000000561"))`},
		{"unpack_missing_array", `return cmsgpack.unpack(unhex("9301"))`},
		{"unpack_huge_array_count", `return cmsgpack.unpack(unhex("ddffffffff01"))`},
		{"unpack_huge_map_count", `return cmsgpack.unpack(unhex("dfffffffff0101"))`},
		{"unpack_missing_map_value", `return cmsgpack.unpack(unhex("81a161"))`},
		{"unpack_bad_format_c1", `return cmsgpack.unpack(unhex("c1"))`},
		{"unpack_bad_format_bin", `return cmsgpack.unpack(unhex("c40161"))`},
		{"unpack_bad_format_ext", `return cmsgpack.unpack(unhex("d40101"))`},
		{"unpack_bad_format_nested", `return cmsgpack.unpack(unhex("9201c7"))`},
		{"unpack_bad_after_values", `return cmsgpack.unpack(unhex("0102c1"))`},
		{"unpack_extra_args", `return cmsgpack.unpack("\001", 2, 3)`},
		{"unpack_number_arg", `return cmsgpack.unpack(5)`},
		{"unpack_no_args", `return cmsgpack.unpack()`},
		{"unpack_table_arg", `return cmsgpack.unpack({})`},
		{"unpack_many_values_ok", `return select("#", cmsgpack.unpack(string.rep("\001", 7999)))`},
		{"unpack_many_values_over", `return select("#", cmsgpack.unpack(string.rep("\001", 8000)))`},
		{"unpack_many_values_args", `return select("#", cmsgpack.unpack(string.rep("\001", 7998), 1, 2))`},
		{"unpack_deep_arrays", `return cmsgpack.unpack(string.rep("\145", 5000) .. "\001")`},
		{"unpack_deep_arrays_edge", `local t = cmsgpack.unpack(string.rep("\145", 3998) .. "\001") return type(t)`},
		{"unpack_deep_arrays_over", `return cmsgpack.unpack(string.rep("\145", 3999) .. "\001")`},
		{"unpack_deep_maps", `return cmsgpack.unpack(string.rep("\129\001", 9000) .. "\001")`},
		{"unpack_deep_maps_edge", `local t = cmsgpack.unpack(string.rep("\129\001", 3998) .. "\001") return type(t)`},
		{"unpack_deep_maps_over", `return cmsgpack.unpack(string.rep("\129\001", 3999) .. "\001")`},
		{"unpack_deep_map_keys", `return cmsgpack.unpack(string.rep("\129", 9000) .. "\001")`},
		{"unpack_deep_map_keys_edge", `local t = cmsgpack.unpack(string.rep("\129", 7998) .. "\001\001" .. string.rep("\001", 7998)) return type(t)`},
		{"unpack_deep_map_keys_over", `return cmsgpack.unpack(string.rep("\129", 7999) .. "\001\001" .. string.rep("\001", 7999))`},
		// unpack_one and unpack_limit.
		{"unpack_one", `local s = cmsgpack.pack("a", "bc", 3) local o1, v1 = cmsgpack.unpack_one(s) local o2, v2 = cmsgpack.unpack_one(s, o1) local o3, v3 = cmsgpack.unpack_one(s, o2) return o1, v1, o2, v2, o3, v3`},
		{"unpack_one_at_end", `return cmsgpack.unpack_one("\001", 1)`},
		{"unpack_one_empty", `return cmsgpack.unpack_one("")`},
		{"unpack_one_past_end", `return cmsgpack.unpack_one("\001", 2)`},
		{"unpack_one_negative", `return cmsgpack.unpack_one("\001\002", -1)`},
		{"unpack_one_fraction", `return cmsgpack.unpack_one("\001\002", 1.9)`},
		{"unpack_one_bad_offset", `return cmsgpack.unpack_one("\001", "x")`},
		{"unpack_one_string_offset", `return cmsgpack.unpack_one("\001\002", "1")`},
		{"unpack_one_extra_args", `return cmsgpack.unpack_one("\001\002", 0, 5, 6)`},
		{"unpack_one_no_args", `return cmsgpack.unpack_one()`},
		{"unpack_one_error", `return cmsgpack.unpack_one("\193")`},
		{"unpack_limit", `local s = cmsgpack.pack(1, 2, 3, 4) return cmsgpack.unpack_limit(s, 2)`},
		{"unpack_limit_offset", `local s = cmsgpack.pack(1, 2, 3, 4) return cmsgpack.unpack_limit(s, 2, 2)`},
		{"unpack_limit_more", `local s = cmsgpack.pack(1, 2) return cmsgpack.unpack_limit(s, 10)`},
		{"unpack_limit_zero", `local s = cmsgpack.pack(1, 2) return cmsgpack.unpack_limit(s, 0)`},
		{"unpack_limit_zero_offset", `local s = cmsgpack.pack(1, 2) return cmsgpack.unpack_limit(s, 0, 1)`},
		{"unpack_limit_negative", `return cmsgpack.unpack_limit("\001\002", -1)`},
		{"unpack_limit_negative_offset", `return cmsgpack.unpack_limit("\001\002", 1, -5)`},
		{"unpack_limit_past_end", `return cmsgpack.unpack_limit("\001\002", 1, 100)`},
		{"unpack_limit_no_limit", `return cmsgpack.unpack_limit("\001")`},
		{"unpack_limit_bad_limit", `return cmsgpack.unpack_limit("\001", {})`},
		{"unpack_limit_stream", `local s = cmsgpack.pack(string.rep("x", 30), string.rep("x", 250), string.rep("x", 65530), string.rep("x", 100000)) local out = {} local o, v = 0 for i = 1, 5 do o, v = cmsgpack.unpack_limit(s, 1, o) out[#out + 1] = o out[#out + 1] = v and #v if o == -1 then break end end return table.concat(out, " ")`},
		// Round trips.
		{"roundtrip_smoke", `local some_map = {s1 = string.rep("x", 30), s2 = string.rep("x", 250), d1 = 0.1, i1 = 1, i2 = 250, i3 = 65530, i4 = 100000, i5 = 2^40, i6 = -1, i7 = -120, i8 = -32000, i9 = -100000, i10 = -3147483648, a1 = {1, 2, 3, 4, 5}, m1 = {a = 1, b = 2}, b1 = false, b2 = true, n = nil} return cmsgpack.unpack(cmsgpack.pack(some_map))`},
		{"roundtrip_big", `local t = {} for i = 1, 100000 do t[i] = i end local m = {} for i = 1, 1000 do m[tostring(i)] = i end local a, b = cmsgpack.unpack(cmsgpack.pack(t, m)) return #a, a[100000], b["1000"]`},
		{"module_fields", `return cmsgpack._NAME, cmsgpack._VERSION, cmsgpack._COPYRIGHT, cmsgpack._DESCRIPTION`},
		{"module_names", `local k = {} for name in pairs(cmsgpack) do k[#k + 1] = name end table.sort(k) return table.concat(k, ",")`},
	}
	// Every truncation of a valid multi-value stream is "Missing bytes".
	full := "93a3616263cd0100cb3ff8000000000000"
	for i := 2; i < len(full); i += 2 {
		cases = append(cases, luaCase{fmt.Sprintf("unpack_truncated_%02d", i/2), `return cmsgpack.unpack(unhex("` + full[:i] + `"))`})
	}
	return cases
}
