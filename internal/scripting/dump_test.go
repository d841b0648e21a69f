package scripting

import (
	"bytes"
	"testing"
)

func TestCRC64(t *testing.T) {
	// Valkey's crc64 test vector.
	if got := crc64(0, []byte("123456789")); got != 0xe9c6d914c4b8d9ca {
		t.Fatalf("crc64 = %#x", got)
	}
}

func TestDumpMatchesValkey(t *testing.T) {
	// FUNCTION DUMP of this library on Valkey 9 (not compressed: too short
	// to gain from LZF).
	code := "#!lua name=s\nredis.register_function('s', function() return 1 end)"
	want := "\xf5@B" + code + "P\x00o\xde+\x18\xcc\x04\x8f8"
	if got := dumpFunctions([][]byte{[]byte(code)}); string(got) != want {
		t.Fatalf("dump = %q\nwant  %q", got, want)
	}
	codes, errText := parseFunctionDump([]byte(want), false)
	if errText != "" || len(codes) != 1 || string(codes[0]) != code {
		t.Fatalf("parse = %q, %q", codes, errText)
	}
}

func TestRestoreLZFPayload(t *testing.T) {
	// Valkey 9 compresses longer libraries.
	payload := "\xf5\xc3@K@T\x1f#!lua name=dumplib\nredis.registe\x0br_function('@ \x04ed', \xe0\x00\x12\b) return \xc0\x1b\x04 end)P\x00\x87\x17\x88\x9d\x8c\xcd\x1ft"
	codes, errText := parseFunctionDump([]byte(payload), false)
	want := "#!lua name=dumplib\nredis.register_function('dumped', function() return 'dumped' end)"
	if errText != "" || len(codes) != 1 || string(codes[0]) != want {
		t.Fatalf("parse = %q, %q", codes, errText)
	}
}

func FuzzParseFunctionDump(f *testing.F) {
	f.Add(dumpFunctions([][]byte{[]byte("#!lua name=a\nx")}))
	f.Add([]byte("\xf5\xc3@K@T\x1f#!lua name=dumplib\nredis.registe\x0br_function('@ \x04ed', \xe0\x00\x12\b) return \xc0\x1b\x04 end)P\x00\x87\x17\x88\x9d\x8c\xcd\x1ft"))
	f.Fuzz(func(t *testing.T, b []byte) {
		codes, errText := parseFunctionDump(b, false)
		if errText != "" {
			return
		}
		again, errText := parseFunctionDump(dumpFunctions(codes), false)
		if errText != "" || len(again) != len(codes) {
			t.Fatalf("re-dump does not parse: %q", errText)
		}
		for i := range codes {
			if !bytes.Equal(codes[i], again[i]) {
				t.Fatalf("code %d changed", i)
			}
		}
	})
}

func TestLZFDecompress(t *testing.T) {
	// literal "abc", then a back reference of length 3 at distance 3.
	in := []byte{2, 'a', 'b', 'c', 1 << 5, 2}
	out, ok := lzfDecompress(in, 6)
	if !ok || string(out) != "abcabc" {
		t.Fatalf("lzf = %q, %v", out, ok)
	}
	if _, ok := lzfDecompress(in, 5); ok {
		t.Fatal("wrong expected length accepted")
	}
	if _, ok := lzfDecompress([]byte{1 << 5, 9}, 3); ok {
		t.Fatal("reference before the start accepted")
	}
}

func TestShebang(t *testing.T) {
	for _, c := range []struct {
		body  string
		flags Flags
		err   string
	}{
		{"return 1", FlagEvalCompat, ""},
		{"#!lua\nreturn 1", 0, ""},
		{"#!lua flags=no-writes,allow-oom\nreturn 1", FlagNoWrites | FlagAllowOOM, ""},
		{"#!lua flags=\nreturn 1", 0, ""},
		{"#!lua", 0, "Invalid script shebang"},
		{"#!lua flags=x\n", 0, "Unexpected flag in script shebang: x"},
		{"#!lua name=x\n", 0, "Unknown lua shebang option: name=x"},
	} {
		_, flags, _, err := parseShebang([]byte(c.body))
		if flags != c.flags || err != c.err {
			t.Errorf("%q: flags %v err %q, want %v %q", c.body, flags, err, c.flags, c.err)
		}
	}
}
