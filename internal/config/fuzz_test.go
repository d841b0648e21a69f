package config

import (
	"strings"
	"testing"
)

func FuzzSplitArgs(f *testing.F) {
	for _, s := range []string{"a b", `"a\x41" 'b\'c'`, `"open`, "x\x00y", `"a"b`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		args, err := SplitArgs(line)
		if err != nil {
			return
		}
		// Quoting every argument and splitting again gives them back.
		quoted := make([]string, len(args))
		for i, a := range args {
			quoted[i] = Quote(a)
		}
		again, err := SplitArgs(strings.Join(quoted, " "))
		if err != nil || len(again) != len(args) {
			t.Fatalf("round trip of %q: %q, %v", args, again, err)
		}
		for i := range args {
			if again[i] != args[i] {
				t.Fatalf("round trip of %q: %q", args, again)
			}
		}
	})
}

func FuzzSet(f *testing.F) {
	f.Add("maxmemory", "1gb")
	f.Add("save", "1 1 2")
	f.Add("client-output-buffer-limit", "normal 1 2 3")
	f.Add("latency-tracking-info-percentiles", "0x1p-3 5")
	f.Add("shutdown-on-sigterm", "save now")
	f.Add("unixsocketperm", "0777")
	f.Fuzz(func(t *testing.T, name, value string) {
		if d, ok := Lookup(name); ok && d.Name == "dir" {
			return // changes the working directory
		}
		c := New()
		before := c.GetPattern([]string{"*"})
		if err := c.SetManyWith([][2]string{{name, value}}, SetOptions{Local: true}); err != nil {
			after := c.GetPattern([]string{"*"})
			for i := range before {
				if before[i] != after[i] {
					t.Fatalf("failed SET %q %q changed %s", name, value, before[i].Name)
				}
			}
			return
		}
		// A value that was accepted reads back and is accepted again.
		got, _ := c.Get(name)
		if err := c.Set(name, got); err != nil && !strings.Contains(err.Error(), "immutable") &&
			!strings.Contains(err.Error(), "protected") && !strings.Contains(err.Error(), "RDMA") {
			t.Fatalf("SET %q %q, GET %q, SET again: %v", name, value, got, err)
		}
	})
}

func FuzzLoadString(f *testing.F) {
	f.Add("port 7000\nsave 1 1\n# c\nbind '1 2'\n")
	f.Add("client-output-buffer-limit \"normal 1 2 3\"\nsentinel\nrename-command a b\n")
	f.Fuzz(func(t *testing.T, text string) {
		lower := strings.ToLower(text)
		for _, risky := range []string{"include", "logfile", "dir"} {
			if strings.Contains(lower, risky) {
				return // reads or creates files, changes directory
			}
		}
		c := New()
		_ = c.LoadString(text)
		_ = c.GetPattern([]string{"*"})
	})
}
