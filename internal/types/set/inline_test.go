package set

import (
	"bytes"
	"slices"
	"strconv"
	"testing"
)

func members(s *Set) []string {
	var out []string
	s.Each(func(m []byte) bool {
		out = append(out, string(m))
		return true
	})
	slices.Sort(out)
	return out
}

func TestInlineRoundTrip(t *testing.T) {
	lim := DefaultLimits
	build := func(ms ...string) *Set {
		s := New([]byte(ms[0]), len(ms), lim)
		for _, m := range ms {
			s.Add([]byte(m), lim)
		}
		return s
	}
	cases := map[string]*Set{
		"intset16": build("1", "2", "-3"),
		"intset32": build("1", "100000"),
		"intset64": build("1", strconv.FormatInt(1<<40, 10)),
		"listpack": build("a", "1", "bcd"),
		"empty":    NewIntset(),
	}
	for name, s := range cases {
		b, enc, ok := s.AppendInline(nil, 1<<20)
		if !ok || enc != s.Encoding() {
			t.Fatalf("%s: AppendInline %v %v", name, ok, enc)
		}
		for _, reuse := range []*Set{{}, build("z", "y"), NewIntset(), NewHashtable(2)} {
			got := reuse
			got.LoadInline(enc, b)
			if got.Encoding() != s.Encoding() || !slices.Equal(members(got), members(s)) {
				t.Fatalf("%s: round trip %v %v", name, members(got), members(s))
			}
			b2, _, _ := got.AppendInline(nil, 1<<20)
			if !bytes.Equal(b2, b) {
				t.Fatalf("%s: inline forms differ", name)
			}
			got.Add([]byte("x"), lim) // the result is a working set
			if !got.Contains([]byte("x")) {
				t.Fatalf("%s: add after FromInline", name)
			}
		}
		if len(b) > 0 {
			if _, _, ok := s.AppendInline(nil, len(b)-1); ok {
				t.Fatalf("%s: AppendInline ignored max", name)
			}
		}
	}
	h := NewHashtable(4)
	h.Add([]byte("a"), lim)
	if _, _, ok := h.AppendInline(nil, 1<<20); ok {
		t.Fatal("a hashtable has an inline form")
	}
}
