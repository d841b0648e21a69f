package scripting

import (
	"testing"

	lua "github.com/yuin/gopher-lua"

	"petrel/internal/resp"
)

func TestParseReplyShapes(t *testing.T) {
	L := lua.NewState(lua.Options{SkipOpenLibs: true})
	defer L.Close()
	for _, c := range []struct {
		in   string
		want string // the value re-encoded as a RESP3 script reply
	}{
		{":12\r\n", ":12\r\n"},
		{"$3\r\nabc\r\n", "$3\r\nabc\r\n"},
		{"$-1\r\n", "#f\r\n"},
		{"*-1\r\n", "#f\r\n"},
		{"+OK\r\n", "+OK\r\n"},
		{"-WRONGTYPE bad\r\n", "-WRONGTYPE bad\r\n"},
		{"-NOCODE\r\n", "-ERR NOCODE\r\n"},
		{"*2\r\n:1\r\n$1\r\nx\r\n", "*2\r\n:1\r\n$1\r\nx\r\n"},
		{"%1\r\n$1\r\nk\r\n:1\r\n", "%1\r\n$1\r\nk\r\n:1\r\n"},
		{"~1\r\n$1\r\nm\r\n", "~1\r\n$1\r\nm\r\n"},
		{",1.5\r\n", ",1.5\r\n"},
		{",inf\r\n", ",inf\r\n"},
		{"(123\r\n", "(123\r\n"},
		{"#t\r\n", "#t\r\n"},
		{"_\r\n", "_\r\n"},
		{"=7\r\ntxt:abc\r\n", "=7\r\ntxt:abc\r\n"},
		{"|1\r\n+a\r\n+b\r\n:5\r\n", ":5\r\n"},
	} {
		v, err := parseReply(L, []byte(c.in))
		if err != nil {
			t.Fatalf("%q: %v", c.in, err)
		}
		w := resp.Writer{Proto: 3}
		rw := replyWriter{w: &w, scriptResp: 3}
		rw.write(v, 0)
		if string(w.Buf) != c.want {
			t.Errorf("%q -> %q, want %q", c.in, w.Buf, c.want)
		}
	}
	for _, bad := range []string{"", ":", ":x\r\n", "$5\r\nab\r\n", "*3\r\n:1\r\n", "?\r\n", "#x\r\n", "=2\r\nab\r\n", ":1\r\n:2\r\n", "*99999999999\r\n"} {
		if _, err := parseReply(L, []byte(bad)); err == nil {
			t.Errorf("%q parsed without error", bad)
		}
	}
}

func FuzzParseReply(f *testing.F) {
	for _, s := range []string{":1\r\n", "$3\r\nabc\r\n", "*2\r\n+a\r\n-b c\r\n", "%1\r\n_\r\n#t\r\n", "~1\r\n,1e3\r\n", "|1\r\n:1\r\n:2\r\n(9\r\n", "=5\r\ntxt:a\r\n", ">1\r\n$-1\r\n"} {
		f.Add([]byte(s))
	}
	L := lua.NewState(lua.Options{SkipOpenLibs: true})
	f.Fuzz(func(t *testing.T, b []byte) {
		v, err := parseReply(L, b)
		if err != nil {
			return
		}
		// Whatever parses converts back without panicking.
		for _, proto := range []int{2, 3} {
			w := resp.Writer{Proto: proto}
			rw := replyWriter{w: &w, scriptResp: proto}
			rw.write(v, 0)
		}
	})
}

func TestTruncate(t *testing.T) {
	for _, c := range []struct {
		f    float64
		want int64
	}{{3.99, 3}, {-3.99, -3}, {1e300, -9223372036854775808}, {-1e300, -9223372036854775808}, {0, 0}} {
		if got := truncate(c.f); got != c.want {
			t.Errorf("truncate(%v) = %d, want %d", c.f, got, c.want)
		}
	}
}
