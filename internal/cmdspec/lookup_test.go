package cmdspec

import (
	"slices"
	"strings"
	"testing"
)

func TestLookup(t *testing.T) {
	for _, name := range []string{"get", "GET", "gEt"} {
		if s := Lookup([]byte(name)); s == nil || s.Name != "get" || s.Arity != 2 {
			t.Errorf("Lookup(%q) = %v", name, s)
		}
	}
	for _, name := range []string{"", "ge", "gett", "get\x00", "client|kill", "sentinel", strings.Repeat("a", 100)} {
		if s := Lookup([]byte(name)); s != nil {
			t.Errorf("Lookup(%q) = %s", name, s.Name)
		}
	}
	client := Lookup([]byte("CLIENT"))
	for _, name := range []string{"kill", "KILL", "Kill"} {
		if s := client.Sub([]byte(name)); s == nil || s.Name != "client|kill" || s.Container != "client" || s.SubName() != "kill" {
			t.Errorf("Sub(%q) = %v", name, s)
		}
	}
	for _, name := range []string{"", "kil", "killx", "client|kill"} {
		if s := client.Sub([]byte(name)); s != nil {
			t.Errorf("Sub(%q) = %s", name, s.Name)
		}
	}
	// Every subcommand is found by its name.
	for _, s := range All() {
		if Lookup([]byte(strings.ToUpper(s.Name))) != s {
			t.Errorf("%s not found", s.Name)
		}
		for _, sub := range s.Subcommands {
			if s.Sub([]byte(strings.ToUpper(sub.SubName()))) != sub || LookupFullName([]byte(sub.Name)) != sub {
				t.Errorf("%s not found", sub.Name)
			}
		}
	}
}

func TestLookupArgs(t *testing.T) {
	tests := []struct {
		args string
		want string // "" for nil
	}{
		{"get k", "get"},
		{"client kill x", "client|kill"},
		{"CLIENT KILL", "client|kill"},
		{"client", "client"}, // alone: the arity check rejects it
		{"client nope", ""},
		{"get k extra", "get"},
		{"nope", ""},
	}
	for _, tt := range tests {
		s := LookupArgs(byteArgs(split(tt.args)))
		if (s == nil && tt.want != "") || (s != nil && s.Name != tt.want) {
			t.Errorf("LookupArgs(%q) = %v, want %q", tt.args, s, tt.want)
		}
	}
	if LookupArgs(nil) != nil {
		t.Error("LookupArgs(nil)")
	}
}

func TestLookupFullName(t *testing.T) {
	for name, want := range map[string]string{
		"get": "get", "CLIENT|KILL": "client|kill", "client": "client",
		"get|x": "", "client|": "", "|kill": "", "client|kill|x": "", "": "", "nope|x": "",
	} {
		s := LookupFullName([]byte(name))
		if (s == nil && want != "") || (s != nil && s.Name != want) {
			t.Errorf("LookupFullName(%q) = %v, want %q", name, s, want)
		}
	}
}

func TestLookupZeroAllocs(t *testing.T) {
	get, client, kill := []byte("GET"), []byte("client"), []byte("KILL")
	args := [][]byte{client, kill, []byte("x")}
	allocs := testing.AllocsPerRun(100, func() {
		if Lookup(get) == nil || Lookup(client).Sub(kill) == nil || LookupArgs(args) == nil {
			panic("not found")
		}
	})
	if allocs != 0 {
		t.Errorf("lookups allocate %v times", allocs)
	}
}

func TestTable(t *testing.T) {
	if Count() != len(All()) || Count() != 254 {
		t.Errorf("Count() = %d, len(All()) = %d", Count(), len(All()))
	}
	if !slices.IsSortedFunc(All(), func(a, b *Spec) int { return strings.Compare(a.Name, b.Name) }) {
		t.Error("All() is not sorted")
	}
	n := 0
	for _, s := range All() {
		n += 1 + len(s.Subcommands)
		if s.Flags&FlagOnlySentinel != 0 {
			t.Errorf("%s is sentinel-only", s.Name)
		}
		if !slices.IsSortedFunc(s.Subcommands, func(a, b *Spec) int { return strings.Compare(a.Name, b.Name) }) {
			t.Errorf("%s: subcommands not sorted", s.Name)
		}
		for _, sub := range s.Subcommands {
			if sub.Container != s.Name || sub.Group != s.Group || !strings.HasPrefix(sub.Name, s.Name+"|") {
				t.Errorf("%s: bad subcommand %s", s.Name, sub.Name)
			}
		}
	}
	for _, s := range SentinelOnly() {
		n += 1 + len(s.Subcommands)
	}
	if n != 422 { // one spec file per command or subcommand
		t.Errorf("%d commands and subcommands, want 422", n)
	}
	for _, s := range All() {
		if s.Summary == "" {
			t.Errorf("%s has no summary", s.Name)
		}
	}
}

func TestSpecFacts(t *testing.T) {
	set := Lookup([]byte("set"))
	if set.Flags != FlagWrite|FlagDenyOOM || set.Categories != CatWrite|CatString|CatSlow ||
		set.FirstKey != 1 || set.LastKey != 1 || set.KeyStep != 1 || set.KeysProc != KeysProcSet {
		t.Errorf("set: %+v", set)
	}
	// movablekeys as Valkey derives it.
	for name, movable := range map[string]bool{
		"get": false, "mset": false, "zunionstore": true, "eval": true, "migrate": true,
		"xread": true, "sort": true, "georadius": true, "rename": false, "spublish": false,
	} {
		if got := Lookup([]byte(name)).Flags&FlagMovableKeys != 0; got != movable {
			t.Errorf("%s: movablekeys %v", name, got)
		}
	}
	if !Lookup([]byte("eval")).HasKeys() || Lookup([]byte("spublish")).HasKeys() || Lookup([]byte("ping")).HasKeys() {
		t.Error("HasKeys")
	}
	if CategoryByName([]byte("SortedSet")) != CatSortedSet || CategoryByName([]byte("nope")) != 0 {
		t.Error("CategoryByName")
	}
	if got := (CatRead | CatFast).Names(); !slices.Equal(got, []string{"@read", "@fast"}) {
		t.Errorf("Names() = %v", got)
	}
	if names := CategoryNames(); len(names) != 21 || names[0] != "keyspace" {
		t.Errorf("CategoryNames() = %v", names)
	}
	if (KeyRW | KeyAccess | KeyUpdate).String() != "RW|access|update" {
		t.Error("KeyFlag.String")
	}
}

func BenchmarkLookup(b *testing.B) {
	names := [][]byte{[]byte("GET"), []byte("set"), []byte("zrangebyscore"), []byte("nope")}
	for i := 0; b.Loop(); i++ {
		Lookup(names[i&3])
	}
}
