package diff

import (
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

var recordFlag = flag.Bool("record", false, "record the goldens from the Valkey at $VALKEY_SERVER (or set DIFF_RECORD=1)")

const rerecord = "make golden VALKEY_SERVER=/path/to/valkey-server"

// startPetrel starts an in-process Petrel and returns its address (nil
// when built with -tags diffrecord; see petrel_test.go).
var startPetrel func(t *testing.T) string

// petrelLacks names the first command of a case that Petrel does not
// implement yet (a Valkey command listed as "not yet" in
// docs/compatibility.md), or "". Such a case is reported as pending and
// skipped: it compares again, unchanged, once the command exists.
var petrelLacks func(c *Case) string

// TestDiff runs every case of cases/*.txt (one subtest per family and
// case: TestDiff/strings/set_nx). By default it compares Petrel with the
// goldens. With $VALKEY_SERVER it also runs each case on that Valkey and
// fails where the golden no longer matches it (built with -tags
// diffrecord, only that check runs). With -record (or
// DIFF_RECORD=1) it runs the cases on Valkey only and rewrites the goldens
// of the cases it ran.
func TestDiff(t *testing.T) {
	record := *recordFlag || os.Getenv("DIFF_RECORD") == "1"
	valkeyPath := os.Getenv("VALKEY_SERVER")
	if record && valkeyPath == "" {
		t.Fatal("recording needs VALKEY_SERVER=/path/to/valkey-server")
	}

	switch {
	case record || startPetrel != nil:
	case valkeyPath == "":
		t.Fatal("built with -tags diffrecord (no Petrel): set VALKEY_SERVER, and DIFF_RECORD=1 to record")
	default:
		t.Log("built with -tags diffrecord: checking the goldens against live Valkey only")
	}

	fams, err := LoadFamilies("cases")
	if err != nil {
		t.Fatal(err)
	}
	if len(fams) == 0 {
		t.Fatal("no case files in cases/")
	}
	for _, f := range fams {
		t.Run(f.Name, func(t *testing.T) {
			if f.Err != nil {
				t.Fatalf("case file does not parse: %v", f.Err)
			}
			goldenPath := filepath.Join("golden", f.Name+".golden")
			g, err := ReadGolden(goldenPath)
			if err != nil {
				t.Fatal(err)
			}
			recorded := map[string]*Transcript{}
			for name, tr := range g.Cases {
				recorded[name] = tr
			}
			// Fresh servers for each family: FLUSHALL does not undo
			// everything (databases' tables, stats, allocator state), so
			// a family's replies must not depend on which families ran
			// before it.
			var petrel, valkey *Target
			if valkeyPath != "" {
				v, err := StartValkey(valkeyPath, t.TempDir())
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(v.Stop)
				valkey = NewTarget("valkey", v.Addr)
				t.Cleanup(valkey.Close)
			}
			if !record && startPetrel != nil {
				petrel = NewTarget("petrel", startPetrel(t))
				t.Cleanup(petrel.Close)
			}
			ran := false
			for _, c := range f.Cases {
				t.Run(c.Name, func(t *testing.T) {
					if record {
						tr, err := valkey.RunCase(c, nil)
						if err != nil {
							t.Fatal(err)
						}
						for i, r := range tr.Results {
							if r.Timeout {
								t.Fatalf("line %d: %s: no reply within %v (a blocking command needs @N> and @N<); golden not updated", c.Steps[i].Line, r.Text, valkey.Timeout)
							}
						}
						recorded[c.Name] = tr
						ran = true
						return
					}
					want := g.Cases[c.Name]
					if want == nil {
						t.Fatalf("no golden for this case; record it: %s", rerecord)
					}
					if !slices.Equal(want.Texts(), c.Texts()) {
						t.Fatalf("the case changed since its golden was recorded (%s); re-record: %s", firstTextDiff(want.Texts(), c.Texts()), rerecord)
					}
					if valkey != nil {
						got, err := valkey.RunCase(c, want)
						if err != nil {
							t.Fatalf("valkey: %v", err)
						}
						if d := Compare(c, want, got); d != nil {
							t.Errorf("the golden no longer matches live Valkey (%s:%d); re-record: %s\n%s", f.Path, c.Line, rerecord, strings.Join(d, "\n"))
						}
					}
					if petrel == nil {
						return
					}
					if missing := petrelLacks(c); missing != "" {
						t.Skipf("pending: needs %s, which Petrel does not implement yet", strings.ToUpper(missing))
					}
					got, err := petrel.RunCase(c, want)
					if err != nil {
						t.Fatalf("petrel: %v", err)
					}
					if d := Compare(c, want, got); d != nil {
						t.Errorf("Petrel differs from Valkey (%s:%d):\n%s", f.Path, c.Line, strings.Join(d, "\n"))
					}
				})
			}
			if record && ran {
				header := "Recorded from " + valkey.Version() + " by test/diff from cases/" + f.Name + ".txt.\n" +
					"Written only by the harness: re-record with " + rerecord + "."
				if err := WriteGolden(goldenPath, header, f, recorded); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

func firstTextDiff(want, got []string) string {
	for i := 0; i < min(len(want), len(got)); i++ {
		if want[i] != got[i] {
			return "golden step " + want[i] + ", case step " + got[i]
		}
	}
	if len(want) != len(got) {
		return "the golden has " + strconv.Itoa(len(want)) + " steps, the case " + strconv.Itoa(len(got))
	}
	return "no difference"
}

// TestParseFamily checks the case format's corners (no server needed).
func TestParseFamily(t *testing.T) {
	src := `# comment
=== one
proto 3
server requirepass foo
SET "a b" "\x00\r\n"
!sort !range 1 5 @2 KEYS *
@2> BLPOP q 0
@2<
raw3 "PING\r\n" 2*"PING\r\n"
raw0 "*1\r\n"
sleep 5
cleanup DEBUG SET-ACTIVE-EXPIRE 1
!mask 'id=\d+' CLIENT INFO
!range 0 10
!sort
@3 TTL k
`
	f, err := ParseFamily("x", "x.txt", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	c := f.Cases[0]
	if c.Proto != 3 || len(c.Server) != 1 || c.Server[0] != [2]string{"requirepass", "foo"} || len(c.Cleanup) != 1 {
		t.Fatalf("header lines: %+v", c)
	}
	want := []struct {
		kind    StepKind
		text    string
		conn    int
		args    int
		replies int
		rules   int
	}{
		{StepHeader, "proto 3", 1, 0, 0, 0},
		{StepHeader, "server requirepass foo", 1, 0, 0, 0},
		{StepCommand, `SET "a b" "\x00\r\n"`, 1, 3, 0, 0},
		{StepCommand, "@2 KEYS *", 2, 2, 0, 2},
		{StepSend, "@2> BLPOP q 0", 2, 3, 0, 0},
		{StepRecv, "@2<", 2, 0, 0, 0},
		{StepRaw, `raw3 "PING\r\n" 2*"PING\r\n"`, 1, 0, 3, 0},
		{StepRaw, `raw0 "*1\r\n"`, 1, 0, 0, 0},
		{StepSleep, "sleep 5", 1, 0, 0, 0},
		{StepHeader, "cleanup DEBUG SET-ACTIVE-EXPIRE 1", 1, 0, 0, 0},
		{StepCommand, "CLIENT INFO", 1, 2, 0, 1},
		{StepCommand, "@3 TTL k", 3, 2, 0, 2},
	}
	if len(c.Steps) != len(want) {
		t.Fatalf("%d steps, want %d", len(c.Steps), len(want))
	}
	for i, w := range want {
		s := c.Steps[i]
		if s.Kind != w.kind || s.Text != w.text || s.Conn != w.conn || len(s.Args) != w.args || s.Replies != w.replies || len(s.Rules) != w.rules {
			t.Errorf("step %d: %+v, want %+v", i, s, w)
		}
	}
	if got := c.Steps[2].Args[2]; got != "\x00\r\n" {
		t.Errorf("quoted arg %q", got)
	}
	if got := string(c.Steps[6].Raw); got != "PING\r\nPING\r\nPING\r\n" {
		t.Errorf("raw bytes %q", got)
	}
	if got := c.Steps[10].Rules[0].Re.String(); got != `id=\d+` {
		t.Errorf("mask regexp %q", got)
	}

	for _, bad := range []string{
		"PING",                       // outside a case
		"=== a\n=== a\nPING",         // duplicate
		"=== a\nPING\nproto 3",       // header after a command
		"=== a\n!nosuch PING",        // unknown directive
		"=== a\n!range 1 PING",       // bad range
		"=== a\nECHO \"open",         // unbalanced
		"=== a\nraw",                 // no bytes
		"=== a\nraw200000 \"x\"",     // too many replies
		"=== a",                      // empty case
		"=== a\n@0 PING",             // bad connection
		"=== a\nsleep x",             // bad sleep
		"=== a\n@2> raw \"x\"",       // raw with send prefix
		"=== a\nPING\n!sort",         // directives at the end
		"=== a\n!sort\nsleep 1",      // directives on a line that reads nothing
		"=== a\n!sort @2> BLPOP q 0", // ... the @2< line takes them
	} {
		if _, err := ParseFamily("x", "x.txt", []byte(bad)); err == nil {
			t.Errorf("no error for %q", bad)
		}
	}
}

// TestNormalize checks each rule on both sides of a comparison.
func TestNormalize(t *testing.T) {
	step := func(line string) *Step {
		f, err := ParseFamily("x", "x.txt", []byte("=== c\n"+line))
		if err != nil {
			t.Fatal(err)
		}
		return f.Cases[0].Steps[0]
	}
	for _, tc := range []struct {
		line      string
		a, b      string
		wantEqual bool
	}{
		{"!sort SMEMBERS s", "*2\r\n$1\r\na\r\n$1\r\nb\r\n", "*2\r\n$1\r\nb\r\n$1\r\na\r\n", true},
		{"SMEMBERS s", "*2\r\n$1\r\na\r\n$1\r\nb\r\n", "*2\r\n$1\r\nb\r\n$1\r\na\r\n", false},
		{"!sort SMEMBERS s", "~2\r\n$1\r\na\r\n$1\r\nb\r\n", "~2\r\n$1\r\nb\r\n$1\r\na\r\n", true},
		{"!sort SCAN 0", "*2\r\n$1\r\n0\r\n*2\r\n$1\r\nk\r\n$1\r\nj\r\n", "*2\r\n$1\r\n0\r\n*2\r\n$1\r\nj\r\n$1\r\nk\r\n", true},
		{"!sortmap HGETALL h", "*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n", "*4\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\na\r\n$1\r\n1\r\n", true},
		{"!sortmap HGETALL h", "*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n", "*4\r\n$1\r\nb\r\n$1\r\n1\r\n$1\r\na\r\n$1\r\n2\r\n", false},
		{"!sortmap HGETALL h", "%2\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n:2\r\n", "%2\r\n$1\r\nb\r\n:2\r\n$1\r\na\r\n:1\r\n", true},
		{"!type TIME", "*2\r\n$10\r\n1700000000\r\n$6\r\n123456\r\n", "*2\r\n$10\r\n1700000001\r\n$5\r\n12345\r\n", true},
		{"!type TIME", "*2\r\n$10\r\n1700000000\r\n$6\r\n123456\r\n", "*1\r\n$10\r\n1700000001\r\n", false},
		{"!type TIME", "$1\r\nx\r\n", "$-1\r\n", false},
		{"!range 90 100 TTL k", ":100\r\n", ":97\r\n", true},
		{"!range 90 100 TTL k", ":100\r\n", ":-1\r\n", false},
		{"!mask 'id=\\d+' CLIENT INFO", "$8\r\nid=1 a=b\r\n", "$10\r\nid=123 a=c\r\n", false},
		{"!mask 'id=\\d+' CLIENT INFO", "$8\r\nid=1 a=b\r\n", "$10\r\nid=123 a=b\r\n", true},
		{"!lines '^x:' INFO", "$13\r\nx:1\r\ny:2\r\nz:3\r\n", "$8\r\ny:9\r\nx:1\r\n", true},
		{"!lines '^x:' INFO", "$3\r\nx:1\r\n", "$3\r\nx:2\r\n", false},
		{"!ignore DEBUG RELOAD", "+OK\r\n", "$3\r\nabc\r\n", true},
		{"!ignore DEBUG RELOAD", "+OK\r\n", "-ERR no\r\n", false},
		{"HELLO 3", "%2\r\n$2\r\nid\r\n:5\r\n$4\r\nmode\r\n$1\r\ns\r\n", "%2\r\n$2\r\nid\r\n:9\r\n$4\r\nmode\r\n$1\r\ns\r\n", true},
		{"HELLO", "*4\r\n$2\r\nid\r\n:5\r\n$4\r\nmode\r\n$1\r\ns\r\n", "*4\r\n$2\r\nid\r\n:9\r\n$4\r\nmode\r\n$1\r\nt\r\n", false},
		{"COMMAND DOCS get", "*2\r\n$3\r\nget\r\n*2\r\n$7\r\nsummary\r\n$3\r\nabc\r\n", "*2\r\n$3\r\nget\r\n*2\r\n$7\r\nsummary\r\n$2\r\nxy\r\n", true},
		{"GET k", "$3\r\nabc\r\n", "$3\r\nab", false}, // a reply cut short compares raw
	} {
		st := step(tc.line)
		na, nb := Normalize(st, tc.a), Normalize(st, tc.b)
		if (na == nb) != tc.wantEqual {
			t.Errorf("%s: %q vs %q: normalised %q and %q, want equal=%v", tc.line, tc.a, tc.b, na, nb, tc.wantEqual)
		}
	}
}

// TestGoldenRoundTrip writes and reads back a golden file.
func TestGoldenRoundTrip(t *testing.T) {
	f, err := ParseFamily("x", "x.txt", []byte("=== c\nraw3 \"PING\\r\\n\"\n@2> BLPOP q 0\nQUIT\n"))
	if err != nil {
		t.Fatal(err)
	}
	tr := &Transcript{Name: "c", Results: []*Result{
		{Text: f.Cases[0].Steps[0].Text, Replies: []string{"+PONG\r\n", "+PONG\r\n", "-ERR x\r\n"}, Closed: true},
		{Text: f.Cases[0].Steps[1].Text},
		{Text: f.Cases[0].Steps[2].Text, Replies: []string{"\x00\xff"}, Timeout: true},
	}}
	path := filepath.Join(t.TempDir(), "x.golden")
	if err := WriteGolden(path, "header\nline 2", f, map[string]*Transcript{"c": tr}); err != nil {
		t.Fatal(err)
	}
	g, err := ReadGolden(path)
	if err != nil {
		t.Fatal(err)
	}
	back := g.Cases["c"]
	if back == nil || len(back.Results) != 3 {
		t.Fatalf("read back %+v", back)
	}
	for i, r := range tr.Results {
		b := back.Results[i]
		if b.Text != r.Text || !slices.Equal(b.Replies, r.Replies) || b.Closed != r.Closed || b.Timeout != r.Timeout {
			t.Errorf("result %d: %+v, want %+v", i, b, r)
		}
	}
	if d := Compare(f.Cases[0], tr, back); d != nil {
		t.Errorf("round trip differs: %v", d)
	}
}

func TestFirstDifference(t *testing.T) {
	a := strings.Repeat("x", 100) + "abc" + strings.Repeat("y", 100)
	b := strings.Repeat("x", 100) + "abd" + strings.Repeat("y", 100)
	got := firstDifference(a, b)
	if !strings.Contains(got, "byte 102") || !strings.Contains(got, `xabcyy`) || !strings.Contains(got, `xabdyy`) {
		t.Errorf("firstDifference: %s", got)
	}
}
