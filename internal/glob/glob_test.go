package glob

import (
	"strings"
	"testing"
	"time"
)

// Every case with nocase=false was checked against Valkey 9.0.4 with KEYS;
// nocase cases against COMMAND LIST FILTERBY PATTERN and CONFIG GET.
var matchCases = []struct {
	pattern, s string
	nocase     bool
	want       bool
}{
	{"", "", false, true},
	{"", "a", false, false},
	{"*", "", false, false}, // the loop never runs on an empty string (KEYS special-cases "*")
	{"**", "", false, false},
	{"a*", "a", false, true},
	{"*", "anything", false, true},
	{"h?llo", "hello", false, true},
	{"h?llo", "hllo", false, false},
	{"h*llo", "heeeello", false, true},
	{"h*llo", "hllo", false, true},
	{"h[ae]llo", "hallo", false, true},
	{"h[ae]llo", "hillo", false, false},
	{"h[^e]llo", "hallo", false, true},
	{"h[^e]llo", "hello", false, false},
	{"h[a-b]llo", "hbllo", false, true},
	{"h[b-a]llo", "hallo", false, true}, // reversed range
	{"h[a-b]llo", "hcllo", false, false},
	{"[a-]", "]", false, true}, // "a-]" is a range up to ']'
	{"[a-]", "a", false, true},
	{"[a-]", "-", false, false},
	{"[", "[", false, false}, // a lone '[' matches nothing
	{"[^", "x", false, true}, // unterminated negated empty set: any byte
	{"[abc", "b", false, true},
	{"[abc", "bc", false, false},
	{"a[", "a", false, false},
	{"[\\]]", "]", false, true},
	{"[\\", "\\", false, true},
	{"\\*", "*", false, true},
	{"\\*", "a", false, false},
	{"\\", "\\", false, true},
	{"a\\", "a\\", false, true},
	{"\\?", "?", false, true},
	{"*\\", "ab\\", false, true},
	{"[]", "]", false, false},
	{"[]a]", "]", false, false}, // the set closes at the first ']'
	{"[]a]", "a", false, false},
	{"a*b*c", "axxbyyc", false, true},
	{"a*b*c", "axxbyy", false, false},
	{"*a*a*a", "aaa", false, true},
	{"*?", "", false, false},
	{"?*", "x", false, true},
	{"[\x80-\xff]", "\x90", false, true},
	{"[a-\xff]", "\x01", false, true}, // signed: 0xff is -1, so the range is -1..'a'
	{"[a-\xff]", "b", false, false},
	{"HELLO", "hello", true, true},
	{"HELLO", "hello", false, false},
	{"h[A-Z]llo", "hello", true, true},
	{"h[Z-a]llo", "hello", true, false}, // swapped before lowering: 'z'..'a' is empty
	{"[\\E]", "e", true, false},         // escaped set bytes are exact
	{"[E]", "e", true, true},
	{"*MAX*", "maxmemory", true, true},
	{"max?memory", "maxmemory", true, false},
}

func TestMatch(t *testing.T) {
	for _, c := range matchCases {
		if got := Match([]byte(c.pattern), []byte(c.s), c.nocase); got != c.want {
			t.Errorf("Match(%q, %q, %v) = %v, want %v", c.pattern, c.s, c.nocase, got, c.want)
		}
		if got := MatchString(c.pattern, c.s, c.nocase); got != c.want {
			t.Errorf("MatchString(%q, %q, %v) = %v, want %v", c.pattern, c.s, c.nocase, got, c.want)
		}
	}
}

func TestNestingLimit(t *testing.T) {
	s := strings.Repeat("a", 1100)
	// Checked against Valkey 9.0.4: 1000 nested stars match, 1001 do not.
	for n, want := range map[int]bool{999: true, 1000: true, 1001: false, 1002: false} {
		if got := MatchString(strings.Repeat("*a", n), s, false); got != want {
			t.Errorf("%d nested stars: got %v, want %v", n, got, want)
		}
	}
}

func TestPathologicalIsFast(t *testing.T) {
	cases := []struct{ p, s string }{
		{strings.Repeat("*?", 50000), strings.Repeat("x", 100000)}, // from Valkey's keyspace.tcl
		{strings.Repeat("a*", 3000) + "b", strings.Repeat("a", 5000)},
		{strings.Repeat("*a", 900) + "b", strings.Repeat("a", 5000)},
	}
	for _, c := range cases {
		start := time.Now()
		Match([]byte(c.p), []byte(c.s), false)
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("pattern of %d bytes took %v", len(c.p), d)
		}
	}
}

func FuzzMatch(f *testing.F) {
	for _, c := range matchCases {
		f.Add(c.pattern, c.s, c.nocase)
	}
	f.Add(strings.Repeat("*a", 1200), strings.Repeat("a", 1300), false)
	f.Fuzz(func(t *testing.T, pattern, s string, nocase bool) {
		start := time.Now()
		got := MatchString(pattern, s, nocase)
		if d := time.Since(start); d > time.Second {
			t.Fatalf("Match(%q, %q) took %v", pattern, s, d)
		}
		// Sanity: a literal pattern without metacharacters matches itself.
		if !strings.ContainsAny(s, "*?[\\") && s != "" && !MatchString(s, s, nocase) {
			t.Fatalf("literal %q does not match itself", s)
		}
		_ = got
	})
}
