package cmdspec

import (
	"bytes"
	"slices"
	"sort"
	"strings"
	"testing"
)

type commandCase struct {
	Name  string `json:"name"`
	Info2 string `json:"info_resp2"`
	Info3 string `json:"info_resp3"`
	Docs2 string `json:"docs_resp2"`
	Docs3 string `json:"docs_resp3"`
}

// TestWriteInfo compares COMMAND INFO <name> byte for byte with Valkey.
func TestWriteInfo(t *testing.T) {
	for _, c := range loadCases[commandCase](t, "testdata/commands.json") {
		s := LookupFullName([]byte(c.Name))
		if s == nil {
			t.Fatalf("%s: not found", c.Name)
		}
		for _, p := range []struct {
			proto int
			want  string
		}{{2, c.Info2}, {3, c.Info3}} {
			w := writer(p.proto)
			w.Array(1)
			WriteInfo(w, s)
			if got := string(w.Buf); got != p.want {
				t.Errorf("COMMAND INFO %s, RESP%d:\n got %q\nwant %q", c.Name, p.proto, got, p.want)
			}
		}
	}
}

// TestWriteDocs compares COMMAND DOCS <name> with Valkey, byte for byte
// once the summaries (ours differ by design) are masked.
func TestWriteDocs(t *testing.T) {
	for _, c := range loadCases[commandCase](t, "testdata/commands.json") {
		s := LookupFullName([]byte(c.Name))
		for _, p := range []struct {
			proto int
			want  string
		}{{2, c.Docs2}, {3, c.Docs3}} {
			w := writer(p.proto)
			w.Map(1)
			w.BulkString(s.Name)
			WriteDocs(w, s)
			got := parseReply(t, w.Buf)
			want := parseReply(t, []byte(p.want))
			maskDocs(got.elems[1])
			maskDocs(want.elems[1])
			if got.String() != want.String() {
				t.Errorf("COMMAND DOCS %s, RESP%d (summaries masked):\n got %q\nwant %q", c.Name, p.proto, got, want)
			}
		}
	}
}

// maskDocs blanks the command summaries and drops argument summaries in a
// COMMAND DOCS map, recursively.
func maskDocs(docs *node) {
	if sum := docs.mapGet("summary"); sum != nil {
		sum.s = "<summary>"
	}
	if args := docs.mapGet("arguments"); args != nil {
		maskArgs(args)
	}
	if subs := docs.mapGet("subcommands"); subs != nil {
		for i := 1; i < len(subs.elems); i += 2 {
			maskDocs(subs.elems[i])
		}
	}
}

func maskArgs(args *node) {
	for _, a := range args.elems {
		a.mapDelete("summary")
		if sub := a.mapGet("arguments"); sub != nil {
			maskArgs(sub)
		}
	}
}

// TestWriteInfoAll compares the INFO entry of every command with Valkey's
// full COMMAND INFO reply. Valkey lists commands and subcommands in hash
// order; both sides are sorted before comparing.
func TestWriteInfoAll(t *testing.T) {
	want := parseReply(t, readGzip(t, "testdata/command-info.resp2.gz"))
	w := writer(2)
	w.Array(Count())
	for _, s := range All() {
		WriteInfo(w, s)
	}
	got := parseReply(t, w.Buf)
	compareEntries(t, "COMMAND INFO", sortInfo(want), sortInfo(got))
}

func sortInfo(n *node) map[string]string {
	out := map[string]string{}
	for _, e := range n.elems {
		sortInfoSubs(e)
		out[e.elems[0].s] = e.String()
	}
	return out
}

func sortInfoSubs(e *node) {
	subs := e.elems[9].elems
	for _, s := range subs {
		sortInfoSubs(s)
	}
	sort.Slice(subs, func(i, j int) bool { return subs[i].elems[0].s < subs[j].elems[0].s })
}

// specSkew lists the commands whose complexity text changed between the
// 9.0.0 specs we generate from and the 9.0.4 server the replies come from.
var specSkew = []string{"hexpiretime", "hgetex", "hpersist", "hpexpiretime", "hpttl", "hsetex", "httl"}

// TestWriteDocsAll compares the DOCS of every command with Valkey's full
// COMMAND DOCS reply (RESP2), summaries masked and order normalised.
func TestWriteDocsAll(t *testing.T) {
	want := parseReply(t, readGzip(t, "testdata/command-docs.resp2.gz"))
	w := writer(2)
	w.Map(Count())
	for _, s := range All() {
		w.BulkString(s.Name)
		WriteDocs(w, s)
	}
	got := parseReply(t, w.Buf)
	compareEntries(t, "COMMAND DOCS", sortDocs(want), sortDocs(got))
}

func sortDocs(n *node) map[string]string {
	out := map[string]string{}
	for i := 0; i+1 < len(n.elems); i += 2 {
		name, docs := n.elems[i].s, n.elems[i+1]
		maskDocs(docs)
		if slices.Contains(specSkew, name) {
			docs.mapGet("complexity").s = "<skew>"
		}
		sortDocsSubs(docs)
		out[name] = docs.String()
	}
	return out
}

func sortDocsSubs(docs *node) {
	subs := docs.mapGet("subcommands")
	if subs == nil {
		return
	}
	type pair struct{ k, v *node }
	var pairs []pair
	for i := 0; i+1 < len(subs.elems); i += 2 {
		sortDocsSubs(subs.elems[i+1])
		pairs = append(pairs, pair{subs.elems[i], subs.elems[i+1]})
	}
	sort.Slice(pairs, func(i, j int) bool { return pairs[i].k.s < pairs[j].k.s })
	subs.elems = subs.elems[:0]
	for _, p := range pairs {
		subs.elems = append(subs.elems, p.k, p.v)
	}
}

func compareEntries(t *testing.T, what string, want, got map[string]string) {
	t.Helper()
	if len(want) != len(got) {
		t.Errorf("%s: %d commands, want %d", what, len(got), len(want))
	}
	names := make([]string, 0, len(want))
	for n := range want {
		names = append(names, n)
	}
	sort.Strings(names)
	bad := 0
	for _, n := range names {
		if got[n] != want[n] {
			bad++
			if bad <= 5 {
				t.Errorf("%s %s:\n got %q\nwant %q", what, n, got[n], want[n])
			}
		}
	}
	if bad > 5 {
		t.Errorf("%s: %d commands differ in all", what, bad)
	}
}

func TestWriteInfoNil(t *testing.T) {
	for proto, want := range map[int]string{2: "$-1\r\n", 3: "_\r\n"} {
		w := writer(proto)
		WriteInfo(w, nil)
		if string(w.Buf) != want {
			t.Errorf("RESP%d: %q", proto, w.Buf)
		}
	}
}

type listCase struct {
	Args  []string `json:"args"`
	Names []string `json:"names"`
}

// TestList compares COMMAND LIST (with each filter) and COMMAND COUNT.
func TestList(t *testing.T) {
	for _, c := range loadCases[listCase](t, "testdata/list.json") {
		if strings.EqualFold(c.Args[1], "COUNT") {
			w := writer(2)
			w.Int(int64(Count()))
			if string(w.Buf) != c.Names[0] {
				t.Errorf("COMMAND COUNT: %q, want %q", w.Buf, c.Names[0])
			}
			continue
		}
		var f ListFilter
		if len(c.Args) == 5 {
			f.Arg = []byte(c.Args[4])
			switch strings.ToUpper(c.Args[3]) {
			case "MODULE":
				f.By = ListModule
			case "ACLCAT":
				f.By = ListACLCat
			case "PATTERN":
				f.By = ListPattern
			}
		}
		got := List(f)
		sorted := slices.Clone(got)
		sort.Strings(sorted)
		if !slices.Equal(sorted, c.Names) {
			t.Errorf("%v: got %d names, want %d\n got %v\nwant %v", c.Args, len(got), len(c.Names), sorted, c.Names)
		}
		// Each container comes right before its subcommands.
		for i, n := range got {
			if parent, _, ok := strings.Cut(n, "|"); ok && f.By == ListAll {
				if i == 0 || !(got[i-1] == parent || strings.HasPrefix(got[i-1], parent+"|")) {
					t.Errorf("%s is not after its container", n)
				}
			}
		}
	}
}

func TestWriteKeyFlagsEmpty(t *testing.T) {
	w := writer(3)
	WriteKeyFlags(w, 0)
	if !bytes.Equal(w.Buf, []byte("~0\r\n")) {
		t.Errorf("%q", w.Buf)
	}
}
