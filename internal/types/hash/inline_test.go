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
	if !ok || !bytes.Equal(b[1:], pk[1:]) { // the count goes
		t.Fatalf("AppendInline %v %q", ok, b)
	}
	for _, got := range []*Hash{{}, New()} {
		got.LoadInline(b[1:])
		if v, ok := got.Get([]byte("f1"), 0); !ok || string(v) != "v1" || got.Len() != 2 {
			t.Fatal("round trip differs")
		}
		if gpk, _ := got.PackedForm(); !bytes.Equal(gpk, pk) {
			t.Fatalf("packed form %q, want %q", gpk, pk)
		}
		got.Set([]byte("f3"), []byte("v3"), 0, false, DefaultLimits, 0)
		if got.Len() != 3 || h.Len() != 2 {
			t.Fatal("FromInline shares the original's bytes")
		}
	}
	if _, ok := h.AppendInline(nil, len(pk)-2); ok {
		t.Fatal("AppendInline ignored max")
	}
	// Counts of 128 and more take two bytes: the count is rebuilt right.
	big := New()
	for i := range 200 {
		big.Set([]byte{byte(i), 'k'}, []byte{byte(i)}, 0, false, Limits{MaxEntries: 1000, MaxValue: 64}, 0)
	}
	bb, _ := big.AppendInline(nil, 1<<20)
	var back Hash
	back.LoadInline(bb)
	if bpk, _ := big.PackedForm(); back.Len() != 200 || !bytes.Equal(back.lp, bpk) {
		t.Fatalf("200 pairs: %d after LoadInline", back.Len())
	}
	var empty Hash
	empty.LoadInline(nil)
	if empty.Len() != 0 || !empty.Packed() {
		t.Fatal("empty hash")
	}
	// A field TTL converts the hash first: it has no inline form then.
	h.SetExpire([]byte("f1"), 1<<40, 0, 0)
	if _, ok := h.AppendInline(nil, 1<<20); ok || !h.HasFieldExpiry() {
		t.Fatal("a hash with field TTLs has an inline form")
	}
}
