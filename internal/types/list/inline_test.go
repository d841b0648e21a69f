package list

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
)

func TestInlineRoundTrip(t *testing.T) {
	cfg := DefaultConfig
	for _, n := range []int{0, 1, 3, 100, 400} {
		l := New()
		for i := range n {
			v := strconv.Itoa(i) // integers
			if i%3 == 0 {
				v = strings.Repeat("s", i%70) // strings, some of 64+ bytes
			}
			l.Push(&cfg, i%2 == 0, []byte(v))
		}
		lp, ok := l.Listpack()
		if !ok {
			t.Fatalf("%d elements: not a listpack", n)
		}
		b, ok := l.AppendInline([]byte("prefix"), 1<<20)
		if !ok || string(b[:6]) != "prefix" || len(b)-6 != len(lp)-5 {
			t.Fatalf("%d elements: AppendInline %v, %d bytes for a %d-byte listpack", n, ok, len(b)-6, len(lp))
		}
		for _, buf := range [][]byte{nil, make([]byte, 3, 8), make([]byte, 0, 1<<14)} {
			got := &List{lp: buf}
			got.LoadInline(b[6:])
			glp, _ := got.Listpack()
			if !bytes.Equal(glp, lp) || got.Len() != n {
				t.Fatalf("%d elements: round trip differs", n)
			}
			if cap(buf) >= len(lp) && &glp[0] != &buf[:1][0] {
				t.Fatalf("%d elements: a large enough buffer was not reused", n)
			}
			got.Push(&cfg, false, []byte("more")) // the result is a working list
			if v, _ := got.Index(-1); string(v.B) != "more" {
				t.Fatal("push after FromInline")
			}
		}
		if _, ok := l.AppendInline(nil, len(lp)-6); ok {
			t.Fatalf("%d elements: AppendInline ignored max", n)
		}
	}
	q := New()
	big := strings.Repeat("x", 5000)
	q.Push(&cfg, false, []byte(big), []byte(big))
	if _, ok := q.AppendInline(nil, 1<<20); ok || !q.IsQuicklist() {
		t.Fatal("a quicklist has an inline form")
	}
	q.LoadInline([]byte{1, 0, 0x01}) // a quicklist nobody uses can be reloaded
	if q.IsQuicklist() || q.Len() != 1 {
		t.Fatal("LoadInline over a quicklist")
	}
}
