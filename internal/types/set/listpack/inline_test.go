package listpack

import (
	"bytes"
	"testing"
)

func TestInlineRoundTrip(t *testing.T) {
	lp := New()
	for _, s := range []string{"a", "12", "hello", ""} {
		lp = Append(lp, []byte(s))
	}
	b := AppendInline(nil, lp)
	if len(b) != InlineLen(lp) || InlineLen(lp) != len(lp)-5 {
		t.Fatalf("inline form of %d bytes for a %d-byte listpack", len(b), len(lp))
	}
	for _, buf := range [][]byte{nil, make([]byte, 2), make([]byte, 0, 64)} {
		got := FromInline(b, buf)
		if !bytes.Equal(got, lp) || Len(got) != 4 {
			t.Fatalf("round trip %q, want %q", got, lp)
		}
		if err := Validate(got); err != nil {
			t.Fatal(err)
		}
	}
}
