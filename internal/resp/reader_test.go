package resp

import (
	"errors"
	"strings"
	"testing"
)

func parseAll(t *testing.T, r *Reader) ([][]string, error) {
	t.Helper()
	var out [][]string
	for {
		args, err := r.Next()
		if err == ErrIncomplete {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		cmd := make([]string, len(args))
		for i, a := range args {
			cmd[i] = string(a)
		}
		out = append(out, cmd)
	}
}

func TestReaderMultibulkAndInline(t *testing.T) {
	r := NewReader(Limits{MaxBulkLen: 512 << 20})
	r.Feed([]byte("*2\r\n$3\r\nGET\r\n$1\r\nk\r\nPING\r\n  set 'a b' \"c\\x41\\n\"\r\n\r\n*0\r\n*-1\r\n*1\r\n$4\r\nPING\r\n"))
	got, err := parseAll(t, r)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"GET", "k"}, {"PING"}, {"set", "a b", "cA\n"}, {"PING"}}
	if len(got) != len(want) {
		t.Fatalf("got %q want %q", got, want)
	}
	for i := range want {
		if strings.Join(got[i], "|") != strings.Join(want[i], "|") {
			t.Fatalf("cmd %d: got %q want %q", i, got[i], want[i])
		}
	}
}

func TestReaderByteAtATime(t *testing.T) {
	in := []byte("*3\r\n$3\r\nSET\r\n$5\r\nhello\r\n$10\r\n0123456789\r\nECHO x\n")
	r := NewReader(Limits{MaxBulkLen: 1 << 20})
	var got [][]string
	for _, b := range in {
		r.Feed([]byte{b})
		cmds, err := parseAll(t, r)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, cmds...)
	}
	if len(got) != 2 || strings.Join(got[0], " ") != "SET hello 0123456789" || strings.Join(got[1], " ") != "ECHO x" {
		t.Fatalf("got %q", got)
	}
}

func TestReaderProtocolErrors(t *testing.T) {
	cases := []struct {
		in, want string
		auth     bool
	}{
		{"*abc\r\n", "ERR Protocol error: invalid multibulk length", false},
		{"*3000000000\r\n", "ERR Protocol error: invalid multibulk length", false},
		{"*1\r\n$-1\r\n", "ERR Protocol error: invalid bulk length", false},
		{"*1\r\n$600000000\r\n", "ERR Protocol error: invalid bulk length", false},
		{"*1\r\nfoo\r\n", "ERR Protocol error: expected '$', got 'f'", false},
		{"set \"abc\r\n", "ERR Protocol error: unbalanced quotes in request", false},
		{"*11\r\n", "ERR Protocol error: unauthenticated multibulk length", true},
		{"*1\r\n$16385\r\n", "ERR Protocol error: unauthenticated bulk length", true},
		{"*" + strings.Repeat("1", 70000), "ERR Protocol error: too big mbulk count string", false},
		{"*1\r\n$" + strings.Repeat("1", 70000), "ERR Protocol error: too big bulk count string", false},
		{strings.Repeat("a", 70000), "ERR Protocol error: too big inline request", false},
		// Headers the short path (shortHeader) leaves to the general one.
		{"*1\r\n$03\r\nabc\r\n", "ERR Protocol error: invalid bulk length", false},
		{"*1\r\n$+3\r\nabc\r\n", "ERR Protocol error: invalid bulk length", false},
		{"*1\r\n$3x\r\nabc\r\n", "ERR Protocol error: invalid bulk length", false},
		{"*1\r\n$\r\n", "ERR Protocol error: invalid bulk length", false},
		{"*1\r\n$1234567890\r\n", "ERR Protocol error: invalid bulk length", false},
		{"*01\r\n", "ERR Protocol error: invalid multibulk length", false},
		{"*\r\n", "ERR Protocol error: invalid multibulk length", false},
		{"*999999999\r\n*", "ERR Protocol error: unauthenticated multibulk length", true},
	}
	for _, c := range cases {
		r := NewReader(Limits{MaxBulkLen: 512 << 20, AuthRequired: c.auth})
		r.Feed([]byte(c.in))
		_, err := parseAll(t, r)
		var pe *ProtocolError
		if !errors.As(err, &pe) || pe.Msg != c.want {
			t.Errorf("%.20q: got %v want %q", c.in, err, c.want)
		}
	}
}

// Headers of every length parse the same by the short path and the
// general one, including a bulk length of 0 and 9 and 10 digits.
func TestReaderHeaderLengths(t *testing.T) {
	for _, n := range []int{0, 1, 9, 10, 99, 100, 12345, 999999} {
		arg := strings.Repeat("x", n)
		in := "*2\r\n$3\r\nset\r\n$" + itoa(n) + "\r\n" + arg + "\r\n"
		r := NewReader(Limits{MaxBulkLen: 512 << 20})
		for i := 0; i < len(in); i += 7 { // in pieces: headers cut anywhere
			r.Feed([]byte(in[i:min(i+7, len(in))]))
		}
		got, err := parseAll(t, r)
		if err != nil || len(got) != 1 || len(got[0]) != 2 || got[0][1] != arg {
			t.Errorf("bulk of %d bytes: got %d commands, err %v", n, len(got), err)
		}
	}
	r := NewReader(Limits{MaxBulkLen: 512 << 20})
	r.Feed([]byte("*1\r\n$0\r\n\r\n*0\r\n*1\r\n$1\r\na\r\n"))
	got, err := parseAll(t, r)
	if err != nil || len(got) != 2 || got[0][0] != "" || got[1][0] != "a" {
		t.Errorf("got %q, %v", got, err)
	}
}

func TestReaderDoesNotPreallocateDeclaredLength(t *testing.T) {
	r := NewReader(Limits{MaxBulkLen: 512 << 20})
	r.Feed([]byte("*1\r\n$500000000\r\nabc"))
	if _, err := r.Next(); err != ErrIncomplete {
		t.Fatal(err)
	}
	if r.Cap() > 1<<20 {
		t.Fatalf("buffer grew to %d for 3 bytes of a declared 500MB bulk", r.Cap())
	}
}

func TestSplitArgs(t *testing.T) {
	cases := []struct {
		in   string
		want []string
		ok   bool
	}{
		{`a b  c`, []string{"a", "b", "c"}, true},
		{`"a b"c 'd\'e'`, []string{"a bc", "d'e"}, true},
		{`"\x41\x4g"`, []string{"Ax4g"}, true},
		{`"abc`, nil, false},
		{`'abc`, nil, false},
		{"a\x00b c", []string{"a"}, true},
		{``, nil, true},
	}
	for _, c := range cases {
		got, ok := SplitArgs([]byte(c.in))
		if ok != c.ok {
			t.Errorf("%q: ok=%v", c.in, ok)
			continue
		}
		var gs []string
		for _, g := range got {
			gs = append(gs, string(g))
		}
		if strings.Join(gs, "|") != strings.Join(c.want, "|") {
			t.Errorf("%q: got %q want %q", c.in, gs, c.want)
		}
	}
}

func TestWriterShapes(t *testing.T) {
	w := &Writer{Proto: 2}
	w.Map(1)
	w.BulkString("a")
	w.Double(1.5)
	w.Null()
	w.Bool(true)
	if got := string(w.Buf); got != "*2\r\n$1\r\na\r\n$3\r\n1.5\r\n$-1\r\n:1\r\n" {
		t.Fatalf("resp2: %q", got)
	}
	w = &Writer{Proto: 3}
	w.Map(1)
	w.BulkString("a")
	w.Double(1.5)
	w.Null()
	w.Bool(true)
	if got := string(w.Buf); got != "%1\r\n$1\r\na\r\n,1.5\r\n_\r\n#t\r\n" {
		t.Fatalf("resp3: %q", got)
	}
}

func TestWriterDeferred(t *testing.T) {
	w := &Writer{Proto: 2}
	w.Simple("x")
	d := w.DeferMap()
	for i := 0; i < 12; i++ {
		w.Int(int64(i))
		w.Int(int64(i))
	}
	w.Finish(d, 12)
	want := "+x\r\n*24\r\n"
	for i := 0; i < 12; i++ {
		s := ":" + itoa(i) + "\r\n"
		want += s + s
	}
	if string(w.Buf) != want {
		t.Fatalf("got %q", w.Buf)
	}
}

func itoa(i int) string {
	if i >= 10 {
		return itoa(i/10) + string(rune('0'+i%10))
	}
	return string(rune('0' + i))
}

func TestReaderAllocsSteadyState(t *testing.T) {
	r := NewReader(Limits{MaxBulkLen: 512 << 20})
	cmd := []byte("*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n")
	r.Feed(cmd)
	_, _ = r.Next()
	allocs := testing.AllocsPerRun(1000, func() {
		r.Feed(cmd)
		if _, err := r.Next(); err != nil {
			t.Fatal(err)
		}
		_, _ = r.Next()
	})
	if allocs != 0 {
		t.Fatalf("%v allocs per command", allocs)
	}
}

// FuzzReader feeds arbitrary bytes in arbitrary chunks: the reader must
// never panic, never return arguments outside the input, and never grow
// its buffer far beyond what it was given.
func FuzzReader(f *testing.F) {
	f.Add([]byte("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"), uint8(3))
	f.Add([]byte("PING\r\nset \"a\\x00\" 'b'\n"), uint8(1))
	f.Add([]byte("*1\r\n$-1\r\n"), uint8(7))
	f.Add([]byte("*99999999999\r\n"), uint8(2))
	f.Fuzz(func(t *testing.T, data []byte, chunk uint8) {
		r := NewReader(Limits{MaxBulkLen: 1 << 20, AuthRequired: chunk&1 == 1})
		step := int(chunk%16) + 1
		for i := 0; i < len(data); i += step {
			end := min(i+step, len(data))
			r.Feed(data[i:end])
			for {
				args, err := r.Next()
				if err != nil {
					if err != ErrIncomplete {
						return // protocol error: the connection would close
					}
					break
				}
				total := 0
				for _, a := range args {
					total += len(a)
				}
				if total > len(data) {
					t.Fatalf("arguments (%d bytes) larger than the input (%d)", total, len(data))
				}
				if len(args) == 0 {
					t.Fatal("empty command returned")
				}
			}
			if r.Cap() > 4*len(data)+64*1024 {
				t.Fatalf("buffer %d for %d input bytes", r.Cap(), len(data))
			}
		}
	})
}
