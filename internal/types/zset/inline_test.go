package zset

import (
	"bytes"
	"testing"
)

func TestInlineRoundTrip(t *testing.T) {
	z := New(3, 3, DefaultLimits)
	z.Add(1, []byte("a"), 0, DefaultLimits)
	z.Add(2.5, []byte("b"), 0, DefaultLimits)
	z.Add(-7, []byte("c"), 0, DefaultLimits)
	lp, ok := z.Listpack()
	if !ok {
		t.Fatal("not a listpack")
	}
	b, ok := z.AppendInline(nil, 1<<20)
	if !ok || len(b) != len(lp)-5 {
		t.Fatalf("AppendInline %v, %d bytes for %d", ok, len(b), len(lp))
	}
	for _, got := range []*ZSet{{}, New(1, 1, DefaultLimits), NewSkiplist(2)} {
		got.LoadInline(b)
		glp, _ := got.Listpack()
		if !bytes.Equal(glp, lp) || got.Len() != 3 {
			t.Fatal("round trip differs")
		}
		if s, ok := got.Score([]byte("b")); !ok || s != 2.5 {
			t.Fatal("score lost")
		}
	}
	if _, ok := z.AppendInline(nil, len(b)-1); ok {
		t.Fatal("AppendInline ignored max")
	}
	sk := NewSkiplist(1)
	sk.Add(1, []byte("a"), 0, DefaultLimits)
	if _, ok := sk.AppendInline(nil, 1<<20); ok {
		t.Fatal("a skiplist has an inline form")
	}
}
