package cmdspec

import (
	"errors"
	"slices"
	"testing"
)

type keysCase struct {
	Args          []string `json:"args"`
	GetKeys2      string   `json:"getkeys_resp2"`
	GetKeysFlags2 string   `json:"getkeysandflags_resp2"`
	GetKeysFlags3 string   `json:"getkeysandflags_resp3"`
}

// TestGetKeys compares COMMAND GETKEYS and GETKEYSANDFLAGS, and so
// KeyIndexes, with Valkey's replies for many requests.
func TestGetKeys(t *testing.T) {
	for _, c := range loadCases[keysCase](t, "testdata/getkeys.json") {
		args := byteArgs(c.Args)
		for _, p := range []struct {
			proto     int
			withFlags bool
			want      string
		}{{2, false, c.GetKeys2}, {2, true, c.GetKeysFlags2}, {3, true, c.GetKeysFlags3}} {
			w := writer(p.proto)
			GetKeys(w, args, p.withFlags)
			if got := string(w.Buf); got != p.want {
				t.Errorf("%q flags=%v RESP%d:\n got %q\nwant %q", c.Args, p.withFlags, p.proto, got, p.want)
			}
		}
	}
}

func TestKeyIndexes(t *testing.T) {
	tests := []struct {
		args string
		want []KeyPos
		err  error
	}{
		{"GET k", []KeyPos{{1, KeyRO | KeyAccess}}, nil},
		{"MSET a 1 b 2 c 3", []KeyPos{{1, KeyOW | KeyUpdate}, {3, KeyOW | KeyUpdate}, {5, KeyOW | KeyUpdate}}, nil},
		{"ZUNIONSTORE d 2 a b", []KeyPos{{1, KeyOW | KeyUpdate}, {3, KeyRO | KeyAccess}, {4, KeyRO | KeyAccess}}, nil},
		{"ZUNIONSTORE d 0 a", nil, ErrKeyArgs},
		{"EVAL s 0", nil, nil}, // no keys, and none needed
		{"XREAD COUNT 2 STREAMS a b 0 0", []KeyPos{{4, KeyRO | KeyAccess}, {5, KeyRO | KeyAccess}}, nil},
		{"OBJECT ENCODING k", []KeyPos{{2, KeyRO}}, nil},
		{"PING", nil, nil},
		{"SPUBLISH ch m", nil, nil}, // the channel is not a key
	}
	for _, tt := range tests {
		args := byteArgs(split(tt.args))
		s := LookupArgs(args)
		dst := make([]KeyPos, 1, 8) // KeyIndexes appends after what is there
		got, err := s.KeyIndexes(args, dst)
		if !errors.Is(err, tt.err) || !slices.Equal(got[1:], tt.want) {
			t.Errorf("%s: got %v, %v; want %v, %v", tt.args, got[1:], err, tt.want, tt.err)
		}
	}
}

func TestKeyIndexesZeroAllocs(t *testing.T) {
	reqs := [][][]byte{
		byteArgs(split("GET key")),
		byteArgs(split("MSET a 1 b 2 c 3")),
		byteArgs(split("ZUNIONSTORE d 2 a b")),
		byteArgs(split("XREADGROUP GROUP g c STREAMS a b 0 0")),
		byteArgs(split("SET k v GET")),
		byteArgs(split("SORT k BY x STORE d")),
	}
	specs := make([]*Spec, len(reqs))
	for i, r := range reqs {
		specs[i] = LookupArgs(r)
	}
	dst := make([]KeyPos, 0, 16)
	allocs := testing.AllocsPerRun(100, func() {
		for i, r := range reqs {
			dst, _ = specs[i].KeyIndexes(r, dst[:0])
		}
	})
	if allocs != 0 {
		t.Errorf("KeyIndexes allocates %v times", allocs)
	}
}

// TestKeyIndexesNeverPanics runs every command over argument lists of
// every length up to 8, with numbers, keywords and junk.
func TestKeyIndexesNeverPanics(t *testing.T) {
	words := [][]byte{[]byte("1"), []byte("-1"), []byte("0"), []byte("STREAMS"), []byte("KEYS"),
		[]byte("STORE"), []byte("2147483647"), []byte(""), []byte("x"), []byte("GET")}
	var all []*Spec
	for _, s := range All() {
		all = append(all, s)
		all = append(all, s.Subcommands...)
	}
	dst := make([]KeyPos, 0, 64)
	for _, s := range all {
		for n := 1; n <= 8; n++ {
			for _, w := range words {
				args := make([][]byte, n)
				args[0] = []byte(s.Name)
				for i := 1; i < n; i++ {
					args[i] = w
				}
				if n > 2 {
					args[n/2] = words[(n*7)%len(words)]
				}
				keys, _ := s.KeyIndexes(args, dst[:0])
				for _, k := range keys {
					if k.Pos < 1 || k.Pos >= n {
						t.Fatalf("%s %q: key position %d out of range", s.Name, args, k.Pos)
					}
				}
			}
		}
	}
}

func TestAtoi(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{"12", 12}, {" 12", 12}, {"\t-3x", -3}, {"+7", 7}, {"", 0}, {"x", 0}, {"1.5", 1},
		{"4294967297", 1}, {"2147483648", -2147483648}, {"99999999999999999999", -1},
		{"-99999999999999999999", 0}, {"9223372036854775807", -1},
	}
	for _, tt := range tests {
		if got := atoi([]byte(tt.in)); got != tt.want {
			t.Errorf("atoi(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

func TestCstrEqualFold(t *testing.T) {
	for _, tt := range []struct {
		a    string
		want bool
	}{{"get", true}, {"GeT", true}, {"get\x00x", true}, {"ge", false}, {"gets", false}, {"", false}} {
		if got := cstrEqualFold([]byte(tt.a), "get"); got != tt.want {
			t.Errorf("%q: %v", tt.a, got)
		}
	}
}

func split(s string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == ' ' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return out
}

func BenchmarkKeyIndexes(b *testing.B) {
	for _, req := range []string{"GET key", "MSET a 1 b 2 c 3", "ZUNIONSTORE d 2 a b"} {
		args := byteArgs(split(req))
		s := LookupArgs(args)
		dst := make([]KeyPos, 0, 8)
		b.Run(s.Name, func(b *testing.B) {
			for b.Loop() {
				dst, _ = s.KeyIndexes(args, dst[:0])
			}
		})
	}
}
