// Package compat keeps docs/compatibility.md's command table true: the
// table is generated from the command specs (every Valkey 9 command) and
// the server's registry (what Petrel implements).
//
//	go test ./test/compat -update   # rewrite the table after adding commands
package compat

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"

	"petrel/internal/cmdspec"
	"petrel/internal/commands"
	"petrel/internal/server"
)

var update = flag.Bool("update", false, "rewrite the generated table in docs/compatibility.md")

const (
	docPath = "../../docs/compatibility.md"
	begin   = "<!-- BEGIN GENERATED COMMAND TABLE (go test ./test/compat -update) -->"
	end     = "<!-- END GENERATED COMMAND TABLE -->"
)

func table(t *testing.T) string {
	st := server.DefaultSettings()
	st.EventLoops = 0
	srv := server.New(st, commands.Register)
	t.Cleanup(srv.Close)
	have := map[string]bool{}
	for _, n := range srv.Registry().Implemented() {
		have[n] = true
	}
	var b strings.Builder
	total, done := 0, 0
	rows := map[string][]string{}
	for _, s := range cmdspec.All() {
		names := []string{s.Name}
		if len(s.Subcommands) > 0 {
			names = names[:0]
			for _, sub := range s.Subcommands {
				names = append(names, sub.Name)
			}
		}
		for _, n := range names {
			total++
			status := "not yet"
			if have[n] {
				status = "yes"
				done++
			}
			rows[s.Group] = append(rows[s.Group], fmt.Sprintf("| `%s` | %s |", strings.ToUpper(strings.ReplaceAll(n, "|", " ")), status))
		}
	}
	groups := make([]string, 0, len(rows))
	for g := range rows {
		groups = append(groups, g)
	}
	sort.Strings(groups)
	fmt.Fprintf(&b, "%s\n\n%d of %d Valkey 9.0 commands and subcommands are implemented.\n", begin, done, total)
	for _, g := range groups {
		fmt.Fprintf(&b, "\n### %s\n\n| Command | Implemented |\n|---|---|\n", g)
		sort.Strings(rows[g])
		for _, r := range rows[g] {
			b.WriteString(r + "\n")
		}
	}
	b.WriteString("\n" + end)
	return b.String()
}

func TestCompatibilityTableIsCurrent(t *testing.T) {
	doc, err := os.ReadFile(docPath)
	if err != nil {
		t.Fatal(err)
	}
	i, j := bytes.Index(doc, []byte(begin)), bytes.Index(doc, []byte(end))
	if i < 0 || j < i {
		t.Fatalf("%s lacks the generated-table markers", docPath)
	}
	want := table(t)
	got := string(doc[i : j+len(end)])
	if got == want {
		return
	}
	if !*update {
		t.Fatalf("docs/compatibility.md's command table is stale: run go test ./test/compat -update")
	}
	out := append(append(append([]byte{}, doc[:i]...), want...), doc[j+len(end):]...)
	if err := os.WriteFile(docPath, out, 0o644); err != nil {
		t.Fatal(err)
	}
}
