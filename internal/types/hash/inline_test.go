package hash

import (
	"bytes"
	"testing"
)

func TestInlineRoundTrip(t *testing.T) {
	h := New()
	h.Set([]byte("f1"), []byte("v1"), 0, false, DefaultLimits, 0)
	h.Set([]byte("f2"), []byte(""), 0, false, DefaultLimits, 0)
	pk, ok := h.PackedForm()
	if !ok {
		t.Fatal("not packed")
	}
	b, ok := h.AppendInline([]byte("p"), 1<<20)
	if !ok || !bytes.Equal(b[1:], pk) {
		t.Fatalf("AppendInline %v %q", ok, b)
	}
	for _, got := range []*Hash{{}, New()} {
		got.LoadInline(b[1:])
		if v, ok := got.Get([]byte("f1"), 0); !ok || string(v) != "v1" || got.Len() != 2 {
			t.Fatal("round trip differs")
		}
		got.Set([]byte("f3"), []byte("v3"), 0, false, DefaultLimits, 0)
		if got.Len() != 3 || h.Len() != 2 {
			t.Fatal("FromInline shares the original's bytes")
		}
	}
	if _, ok := h.AppendInline(nil, len(pk)-1); ok {
		t.Fatal("AppendInline ignored max")
	}
	// A field TTL converts the hash first: it has no inline form then.
	h.SetExpire([]byte("f1"), 1<<40, 0, 0)
	if _, ok := h.AppendInline(nil, 1<<20); ok || !h.HasFieldExpiry() {
		t.Fatal("a hash with field TTLs has an inline form")
	}
}
