package config

import (
	"bufio"
	"os"
	"strings"
	"testing"
)

// readGolden reads a "name<TAB>value" file, skipping # comments.
func readGolden(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m := make(map[string]string)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, value, _ := strings.Cut(line, "\t")
		m[name] = value
	}
	return m
}

// TestDefaultsMatchValkey checks every directive's default against what a
// real Valkey 9.0.4 prints, and that the table has exactly Valkey's names.
func TestDefaultsMatchValkey(t *testing.T) {
	golden := readGolden(t, "testdata/valkey-9.0.4-defaults.tsv")
	c := New()
	wd, _ := os.Getwd()
	seen := make(map[string]bool)
	for _, d := range Directives() {
		for _, n := range []string{d.Name, d.Alias} {
			if n == "" {
				continue
			}
			seen[n] = true
			want, ok := golden[n]
			if !ok {
				t.Errorf("%s: not a Valkey 9.0.4 directive", n)
				continue
			}
			if n == "dir" {
				want = wd
			}
			got, _ := c.Get(n)
			if got != want {
				t.Errorf("%s = %q, Valkey has %q", n, got, want)
			}
			if n != "dir" && d.Default != got {
				t.Errorf("%s: Default %q, Get %q", n, d.Default, got)
			}
		}
	}
	for n := range golden {
		if !seen[n] {
			t.Errorf("Valkey directive %s is missing", n)
		}
	}
}

// TestGetAllMatchesValkey checks that CONFIG GET * lists the names Valkey
// lists: every name and alias except the hidden ones.
func TestGetAllMatchesValkey(t *testing.T) {
	golden := readGolden(t, "testdata/valkey-9.0.4-defaults.tsv")
	hidden := 0
	for _, d := range Directives() {
		if d.Flags&Hidden != 0 {
			hidden++
			if d.Alias != "" {
				hidden++
			}
		}
	}
	got := New().GetPattern([]string{"*"})
	if len(got) != len(golden)-hidden {
		t.Errorf("CONFIG GET * returned %d names, Valkey %d", len(got), len(golden)-hidden)
	}
	for i := 1; i < len(got); i++ {
		if got[i-1].Name >= got[i].Name {
			t.Errorf("not sorted: %s before %s", got[i-1].Name, got[i].Name)
		}
	}
}
