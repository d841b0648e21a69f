package lualib

import (
	"fmt"
	"strings"
)

// luaQuote writes s as a Lua 5.1 string literal (decimal escapes for
// anything not printable).
func luaQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 32 && c < 127 && c != '"' && c != '\\' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "\\%03d", c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// nest builds Lua that makes a chain of n tables, each the only value of
// the previous one (key k: "1" for arrays, "a" for objects), in local t.
func nest(n int, key string) string {
	return fmt.Sprintf("local t = {} local c = t for i = 2, %d do c[%s] = {} c = c[%s] end", n, key, key)
}

var _ = registerCases("cjson", cjsonCases())

func cjsonCases() []luaCase {
	cases := []luaCase{
		// Strings.
		{"enc_string", `return cjson.encode("hello")`},
		{"enc_escapes", `return cjson.encode("a\"b\\c/d\b\f\n\r\t")`},
		{"enc_control_chars", `local s = "" for i = 0, 31 do s = s .. string.char(i) end return cjson.encode(s .. "\127 ~")`},
		{"enc_high_bytes", `return cjson.encode("\128\255\195\169\237\160\128")`},
		{"enc_embedded_zero", `return cjson.encode("a\0b\0")`},
		{"enc_empty_string", `return cjson.encode("")`},
		{"enc_big_binary", `local s = "" for i = 0, 255 do s = s .. string.char(i) end return cjson.encode(string.rep(s, 100))`},
		// Numbers.
		{"enc_numbers", `return cjson.encode({1, -1, 0, 0.1, 1/3, -2/3, 1e15, 1e14, 123456789012345, 1e100, -1e-100, 1e-5, 0.0001})`},
		{"enc_big_numbers", `return cjson.encode({2^53, 2^53 + 1, 2^63, 2^64, 1e308, 5e-324, 3.14159265358979, 100000000000000000000})`},
		{"enc_integer_precision", `return cjson.encode(12345678901234567890), cjson.encode(99999999999999), cjson.encode(999999999999999)`},
		{"enc_negative_zero", `local z = 0 return cjson.encode(-z), cjson.encode(0)`},
		{"enc_nan", `return cjson.encode(0/0)`},
		{"enc_inf", `return cjson.encode(1/0)`},
		{"enc_neg_inf", `return cjson.encode(-1/0)`},
		{"enc_nan_in_array", `return cjson.encode({1, 0/0})`},
		{"enc_nan_in_object", `return cjson.encode({num1 = 0/0})`},
		{"enc_invalid_on", `cjson.encode_invalid_numbers(true) return cjson.encode({0/0, 1/0, -1/0, 1})`},
		{"enc_invalid_on_string", `cjson.encode_invalid_numbers("on") return cjson.encode(-(0/0)), cjson.encode(1/0)`},
		{"enc_invalid_null", `cjson.encode_invalid_numbers("null") return cjson.encode({0/0, 1/0, -1/0, 2})`},
		{"enc_invalid_returns", `return cjson.encode_invalid_numbers(), cjson.encode_invalid_numbers("null"), cjson.encode_invalid_numbers(), cjson.encode_invalid_numbers("on"), cjson.encode_invalid_numbers(false), cjson.encode_invalid_numbers("off")`},
		{"enc_invalid_bad_option", `return cjson.encode_invalid_numbers("maybe")`},
		{"enc_invalid_bad_type", `return cjson.encode_invalid_numbers({})`},
		{"enc_invalid_number_option", `return cjson.encode_invalid_numbers(1)`},
		{"enc_invalid_key", `local t = {} t[1/0] = 1 return cjson.encode(t)`},
		{"enc_invalid_key_on", `cjson.encode_invalid_numbers(true) local t = {} t[1/0] = 1 return cjson.encode(t)`},
		{"enc_precision", `cjson.encode_number_precision(3) return cjson.encode({1/3, 12345, 0.00012345, 1e20})`},
		{"enc_precision_one", `cjson.encode_number_precision(1) return cjson.encode({1/3, 15, 0.96})`},
		{"enc_precision_returns", `return cjson.encode_number_precision(), cjson.encode_number_precision(5), cjson.encode_number_precision()`},
		{"enc_precision_too_big", `return cjson.encode_number_precision(15)`},
		{"enc_precision_zero", `return cjson.encode_number_precision(0)`},
		// Other scalars.
		{"enc_booleans", `return cjson.encode(true), cjson.encode(false), cjson.encode({true, false})`},
		{"enc_nil", `return cjson.encode(nil)`},
		{"enc_null", `return cjson.encode(cjson.null), cjson.encode({cjson.null, 1}), cjson.encode({a = cjson.null})`},
		{"enc_function", `return cjson.encode(function() end)`},
		{"enc_function_in_table", `return cjson.encode({1, {2, function() end}})`},
		{"enc_function_in_object", `return cjson.encode({a = function() end})`},
		// Tables.
		{"enc_empty_table", `return cjson.encode({})`},
		{"enc_empty_nested", `return cjson.encode({{}, {{}}})`},
		{"enc_array", `return cjson.encode({1, 2, 3, "x", true})`},
		{"enc_array_holes", `return cjson.encode({1, nil, 3})`},
		{"enc_array_trailing_nil", `return cjson.encode({1, 2, nil})`},
		{"enc_nested", `return cjson.encode({{1, {2, {3, {}}}}, {a = {b = {c = "d"}}}})`},
		{"enc_object", `return cjson.encode({a = 1})`},
		{"enc_object_escaped_key", `return cjson.encode({["a\"b\0c"] = {x = "y"}})`},
		{"enc_mixed", `return cjson.encode({1, 2, x = 3})`},
		{"enc_numeric_string_key", `return cjson.encode({["1"] = 1})`},
		{"enc_float_key", `local t = {} t[1.5] = "a" return cjson.encode(t)`},
		{"enc_float_and_int_keys", `local t = {} t[1] = 1 t[2.5] = 2 return cjson.encode(t)`},
		{"enc_negative_key", `return cjson.encode({[-1] = "a"})`},
		{"enc_zero_key", `return cjson.encode({[0] = "a"})`},
		{"enc_one_key_object", `return cjson.encode({one = "one", [1] = "one"})`},
		{"enc_key_boolean", `local t = {} t[true] = 1 return cjson.encode(t)`},
		{"enc_key_table", `local t = {} t[{}] = 1 return cjson.encode(t)`},
		{"enc_key_function", `local t = {} t[tostring] = 1 return cjson.encode(t)`},
		{"enc_huge_index_intmin", `local t = {} t[2^31] = 1 return cjson.encode(t)`},
		{"enc_huge_index_intmax", `local t = {} t[2^31 - 1] = 1 return cjson.encode(t)`},
		{"enc_huge_index_2_32", `local t = {} t[2^32] = 1 return cjson.encode(t)`},
		{"enc_metatable_ignored", `local t = setmetatable({}, {__index = function() return 1 end}) t[1] = 5 return cjson.encode(t)`},
		// Sparse arrays.
		{"enc_sparse_safe", `local t = {} t[10] = 1 return cjson.encode(t)`},
		{"enc_sparse_error", `local t = {} t[11] = 1 return cjson.encode(t)`},
		{"enc_sparse_ratio_ok", `local t = {} for i = 1, 20 do t[i] = i end t[40] = 1 return cjson.encode(t)`},
		{"enc_sparse_ratio_error", `local t = {} for i = 1, 20 do t[i] = i end t[43] = 1 return cjson.encode(t)`},
		{"enc_sparse_convert", `cjson.encode_sparse_array(true) local t = {} t[11] = 1 return cjson.encode(t)`},
		{"enc_sparse_convert_on", `cjson.encode_sparse_array("on") local t = {1} t[12] = 1 return cjson.encode(t)`},
		{"enc_sparse_ratio_zero", `cjson.encode_sparse_array(false, 0) local t = {} t[30] = 1 return cjson.encode(t)`},
		{"enc_sparse_ratio_one", `cjson.encode_sparse_array(false, 1, 0) local t = {1, 2} t[4] = 4 return cjson.encode(t)`},
		{"enc_sparse_safe_custom", `cjson.encode_sparse_array(false, 2, 100) local t = {} t[100] = 1 return #cjson.encode(t)`},
		{"enc_sparse_returns", `return cjson.encode_sparse_array()`},
		{"enc_sparse_set_returns", `return cjson.encode_sparse_array(true, 3, 20)`},
		{"enc_sparse_partial", `cjson.encode_sparse_array(nil, 5) return cjson.encode_sparse_array()`},
		{"enc_sparse_bad_ratio", `return cjson.encode_sparse_array(nil, -1)`},
		{"enc_sparse_bad_safe", `return cjson.encode_sparse_array(nil, nil, -1)`},
		{"enc_sparse_bad_ratio_type", `return cjson.encode_sparse_array(nil, "x")`},
		{"enc_sparse_bad_option", `return cjson.encode_sparse_array("maybe")`},
		{"enc_sparse_too_many", `return cjson.encode_sparse_array(1, 2, 3, 4)`},
		// Depth.
		{"enc_depth_1000", nest(1000, "1") + ` return #cjson.encode(t)`},
		{"enc_depth_1001", nest(1001, "1") + ` return cjson.encode(t)`},
		{"enc_depth_objects_1001", nest(1001, `"a"`) + ` return cjson.encode(t)`},
		{"enc_depth_custom", `cjson.encode_max_depth(3) return cjson.encode({{{}}})`},
		{"enc_depth_custom_error", `cjson.encode_max_depth(3) return cjson.encode({{{{}}}})`},
		{"enc_depth_one", `cjson.encode_max_depth(1) return cjson.encode({s1 = "x"}), pcall(cjson.encode, {a = {}})`},
		{"enc_depth_returns", `return cjson.encode_max_depth(), cjson.encode_max_depth(5), cjson.encode_max_depth()`},
		{"enc_depth_zero", `return cjson.encode_max_depth(0)`},
		{"enc_depth_truncated", `return cjson.encode_max_depth(2^32 + 5)`},
		{"enc_depth_truncated_negative", `return cjson.encode_max_depth(2^32 - 1)`},
		{"enc_depth_string", `return cjson.encode_max_depth("7")`},
		{"enc_depth_bad_type", `return cjson.encode_max_depth("x")`},
		{"enc_depth_fraction", `return cjson.encode_max_depth(3.9)`},
		{"enc_depth_too_many", `return cjson.encode_max_depth(1, 2)`},
		{"enc_cycle", `local t = {} t[1] = t return cjson.encode(t)`},
		{"enc_cycle_object", `local t = {} t.a = t return cjson.encode(t)`},
		{"enc_stack_limit_arrays", `cjson.encode_max_depth(100000) ` + nest(9000, "1") + ` return cjson.encode(t)`},
		{"enc_stack_limit_arrays_ok", `cjson.encode_max_depth(100000) ` + nest(7996, "1") + ` return #cjson.encode(t)`},
		{"enc_stack_limit_arrays_edge", `cjson.encode_max_depth(100000) ` + nest(7997, "1") + ` return #cjson.encode(t)`},
		{"enc_stack_limit_objects", `cjson.encode_max_depth(100000) ` + nest(5000, `"a"`) + ` return cjson.encode(t)`},
		{"enc_stack_limit_objects_edge", `cjson.encode_max_depth(100000) ` + nest(3998, `"a"`) + ` return #cjson.encode(t)`},
		{"enc_stack_limit_objects_over", `cjson.encode_max_depth(100000) ` + nest(3999, `"a"`) + ` return #cjson.encode(t)`},
		// Keep buffer.
		{"enc_keep_buffer", `return cjson.encode_keep_buffer(), cjson.encode_keep_buffer(false), cjson.encode({1, "x"}), cjson.encode_keep_buffer("on"), cjson.encode({2})`},
		{"enc_keep_buffer_bad", `return cjson.encode_keep_buffer("yes")`},
		{"enc_keep_buffer_error_then_ok", `cjson.encode_keep_buffer(false) local ok = pcall(cjson.encode, {function() end}) return ok, cjson.encode({1})`},
		// Arguments and names in messages.
		{"enc_no_args", `return cjson.encode()`},
		{"enc_two_args", `return cjson.encode(1, 2)`},
		{"enc_pcall_direct", `return pcall(cjson.encode, 1, 2)`},
		{"enc_pcall_direct_error", `return pcall(cjson.encode, function() end)`},
		{"enc_local_alias", `local f = cjson.encode return f(1, 2)`},
		// The module.
		{"module_fields", `return cjson._NAME, cjson._VERSION, type(cjson.null), type(cjson.new), type(cjson.encode)`},
		{"null_tostring", `return tostring(cjson.null), tostring(cjson.decode("[null]")[1]), cjson.null == cjson.decode("null"), type(cjson.null)`},
		{"enc_thread", `return cjson.encode(coroutine.create(function() end))`},
		{"enc_thread_key", `local t = {} t[coroutine.create(function() end)] = 1 return cjson.encode(t)`},
		{"module_names", `local k = {} for name in pairs(cjson) do k[#k + 1] = name end table.sort(k) return table.concat(k, ",")`},
		{"module_new", `local c = cjson.new() c.encode_max_depth(2) return pcall(c.encode, {{{}}}), cjson.encode({{{}}}), c.encode_max_depth(), cjson.encode_max_depth(), c.null == cjson.null, c._NAME`},
		{"module_new_new", `local c = cjson.new().new() return c.encode({1, c.null}), c.decode("null") == cjson.null`},

		// Decoding.
		{"dec_numbers", `return table.concat(cjson.decode("[0.0, -5e3, -1, 0.3e-3, 1023.2, 0e10]"), " ")`},
		{"dec_numbers_exact", `return cjson.decode("[0.1, 1e300, 5e-324, 123456789012345678901234567890, 0.1000000000000000055511151231257827021181583404541015625, 2.2250738585072011e-308]")`},
		{"dec_object", `return cjson.decode('{"a":1,"b":[true,false,null],"c":{"d":"e"},"":""}')`},
		{"dec_strings_kv", `local d = cjson.decode('{"keya": "a", "keyb": "b"}') return d.keya, d.keyb`},
		{"dec_null", `local v = cjson.decode("null") return v == cjson.null, type(v), cjson.decode("[null]")[1] == cjson.null`},
		{"dec_escapes", `return cjson.decode('"a\\"b\\\\c\\/d\\b\\f\\n\\r\\t"')`},
		{"dec_unicode", `return cjson.decode('"\\u00e9\\u20AC\\ud83d\\ude00\\u0000x\\u007f\\u0080\\u07ff\\u0800\\uffff"')`},
		{"dec_unicode_max", `return cjson.decode('"\\udbff\\udfff"')`},
		{"dec_raw_utf8", `return cjson.decode('"\195\169\255"')`},
		{"dec_raw_control", `return cjson.decode('"a\1\31b"')`},
		{"dec_empty_object_array", `return cjson.decode("{}"), cjson.decode("[]"), cjson.decode("[[],{}]")`},
		{"dec_whitespace", `return cjson.decode(" \t\r\n 1 \n")`},
		{"dec_duplicate_keys", `return cjson.decode('{"a":1,"a":2}')`},
		{"dec_numeric_key", `return cjson.decode('{"1":"x"}')`},
		{"dec_big_array", `local t = cjson.decode("[" .. string.rep("1,", 99999) .. "2]") return #t, t[1], t[100000]`},
		{"dec_long_string", `local s = cjson.decode('"' .. string.rep("ab\\n", 50000) .. '"') return #s, s`},
		{"dec_roundtrip", `return cjson.decode(cjson.encode({a = {1, 2, {b = "c"}}, d = "e\0f", g = cjson.null, h = 1.5}))`},
		{"dec_top_scalars", `return cjson.decode("1"), cjson.decode('"s"'), cjson.decode("true"), cjson.decode("false")`},
		{"dec_number_arg", `return cjson.decode(123), cjson.decode(1.5)`},
		{"dec_nul_terminates", `return cjson.decode("12\0xyz")`},
		{"dec_nul_in_array", `return cjson.decode("[1\0]")`},
		{"dec_nul_in_string", `return cjson.decode('"ab\0cd"')`},
		{"dec_utf16_first", `return cjson.decode("\0a")`},
		{"dec_utf16_second", `return cjson.decode("a\0")`},
		{"dec_single_nul", `return cjson.decode("\0")`},
		{"dec_empty", `return cjson.decode("")`},
		{"dec_only_space", `return cjson.decode("   ")`},
		{"dec_invalid_token", `return cjson.decode("x")`},
		{"dec_vertical_tab", `return cjson.decode("\v1")`},
		{"dec_trailing_garbage", `return cjson.decode("[1] x")`},
		{"dec_trailing_value", `return cjson.decode("[1] 2")`},
		{"dec_trailing_comma_array", `return cjson.decode("[1,]")`},
		{"dec_trailing_comma_object", `return cjson.decode('{"a":1,}')`},
		{"dec_missing_colon", `return cjson.decode('{"a" 1}')`},
		{"dec_number_key", `return cjson.decode('{1:2}')`},
		{"dec_missing_comma_array", `return cjson.decode("[1 2]")`},
		{"dec_missing_comma_object", `return cjson.decode('{"a":1 "b":2}')`},
		{"dec_open_array", `return cjson.decode("[")`},
		{"dec_open_object", `return cjson.decode("{")`},
		{"dec_open_key", `return cjson.decode('{"a":')`},
		{"dec_close_array", `return cjson.decode("]")`},
		{"dec_close_object", `return cjson.decode("}")`},
		{"dec_colon", `return cjson.decode(":")`},
		{"dec_comma", `return cjson.decode(",")`},
		{"dec_unterminated_string", `return cjson.decode('"abc')`},
		{"dec_invalid_escape", `return cjson.decode('"a\\x"')`},
		{"dec_backslash_at_end", `return cjson.decode('"a\\')`},
		{"dec_short_unicode", `return cjson.decode('"\\u12"')`},
		{"dec_bad_unicode_hex", `return cjson.decode('"\\uzzzz"')`},
		{"dec_lone_high_surrogate", `return cjson.decode('"\\ud800"')`},
		{"dec_lone_low_surrogate", `return cjson.decode('"\\udc00"')`},
		{"dec_surrogate_bad_low", `return cjson.decode('"\\ud800\\u0041"')`},
		{"dec_surrogate_short_low", `return cjson.decode('"\\ud800\\udc"')`},
		{"dec_literals", `return cjson.decode("[true,false,null]")`},
		{"dec_bad_true", `return cjson.decode("tru")`},
		{"dec_bad_null", `return cjson.decode("nul")`},
		{"dec_true_suffix", `return cjson.decode("truex")`},
		{"dec_capital_true", `return cjson.decode("True")`},
		{"dec_error_position", `return cjson.decode('{"a": [1, 2, @]}')`},
		{"dec_error_position_string", `return cjson.decode('["ok", "bad\\q"]')`},
		// Depth.
		{"dec_depth_custom", `cjson.decode_max_depth(2) return cjson.decode("[[1]]")`},
		{"dec_depth_custom_error", `cjson.decode_max_depth(2) return cjson.decode("[[[1]]]")`},
		{"dec_depth_one", `cjson.decode_max_depth(1) return cjson.decode('{"obj": {"array": [1,2,3,4]}}')`},
		{"dec_depth_1000", `local t = cjson.decode(string.rep("[", 1000) .. string.rep("]", 1000)) return type(t)`},
		{"dec_depth_1001", `return cjson.decode(string.rep("[", 1001) .. string.rep("]", 1001))`},
		{"dec_depth_objects_1001", `return cjson.decode(string.rep('{"a":', 1001))`},
		{"dec_depth_returns", `return cjson.decode_max_depth(), cjson.decode_max_depth(10), cjson.decode_max_depth()`},
		{"dec_depth_zero", `return cjson.decode_max_depth(0)`},
		{"dec_stack_limit_arrays", `cjson.decode_max_depth(100000) return cjson.decode(string.rep("[", 9000))`},
		{"dec_stack_limit_arrays_edge", `cjson.decode_max_depth(100000) return cjson.decode(string.rep("[", 7998))`},
		{"dec_stack_limit_arrays_over", `cjson.decode_max_depth(100000) return cjson.decode(string.rep("[", 7999))`},
		{"dec_stack_limit_objects", `cjson.decode_max_depth(100000) return cjson.decode(string.rep('{"a":', 5000))`},
		{"dec_stack_limit_objects_edge", `cjson.decode_max_depth(100000) return cjson.decode(string.rep('{"a":', 3999))`},
		{"dec_stack_limit_objects_over", `cjson.decode_max_depth(100000) return cjson.decode(string.rep('{"a":', 4000))`},
		{"dec_stack_limit_mixed", `cjson.decode_max_depth(100000) return cjson.decode(string.rep('[{"a":', 3000))`},
		// Arguments.
		{"dec_no_args", `return cjson.decode()`},
		{"dec_two_args", `return cjson.decode("1", 2)`},
		{"dec_table_arg", `return cjson.decode({})`},
		{"dec_nil_arg", `return cjson.decode(nil)`},
		{"dec_pcall_direct", `return pcall(cjson.decode, "[1,")`},
		{"dec_invalid_numbers_returns", `return cjson.decode_invalid_numbers(), cjson.decode_invalid_numbers(false), cjson.decode_invalid_numbers(), cjson.decode_invalid_numbers("on")`},
		{"dec_invalid_numbers_bad", `return cjson.decode_invalid_numbers("null")`},
	}
	// Numbers as strtod reads them, with invalid numbers allowed (the
	// default) and refused.
	numbers := []string{
		"1", "-1", "+1", "-", "-x", "+", "+x", "01", "-01", "00", "0x10", "0X1f", "-0x10", "0x", "0x1p3", "0x1.8p1",
		"0x.8", "1.", ".5", "1e", "1e+", "1e5", "1.5e3", "1E-2", "1e+2", "1.5.3", "Infinity", "-Infinity", "inf", "-inf",
		"INF", "infinit", "NaN", "nan", "-nan", "nan(123)", "nan(", "nAn(x_y)", "1e400", "-1e400", "1e-400", "-0",
		"0.0000000000000000000000001", "9007199254740993", "1e", "1x", "12abc", "[+1]", "[inf]", "[-nan]",
	}
	for i, n := range numbers {
		cases = append(cases,
			luaCase{fmt.Sprintf("dec_number_%02d", i), "return cjson.decode(" + luaQuote(n) + ")"},
			luaCase{fmt.Sprintf("dec_number_strict_%02d", i), "cjson.decode_invalid_numbers(false) return cjson.decode(" + luaQuote(n) + ")"})
	}
	return cases
}
