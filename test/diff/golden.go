package diff

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Golden file format (written only by the harness, from a real Valkey):
//
//	# header comment
//	=== case name
//	> SET foo bar                 a step's line (directives removed)
//	< "+OK\r\n"                   one raw reply, Go-quoted
//	< 3*"+PONG\r\n"               three identical replies in a row
//	> raw "PING\r\n"
//	< "+PONG\r\n"
//	<closed>                      the server closed the connection
//	<timeout>                     no (complete) reply within the read timeout
//
// A step that reads nothing (@2> ..., sleep, proto, server) has no reply
// lines.

// Result is what one step read.
type Result struct {
	Text    string
	Replies []string
	Closed  bool
	Timeout bool
}

// Transcript is a case's recorded run.
type Transcript struct {
	Name    string
	Results []*Result
}

// Golden is one family's golden file.
type Golden struct {
	Header string
	Cases  map[string]*Transcript
}

// ReadGolden reads a golden file; a missing file is an empty golden.
func ReadGolden(path string) (*Golden, error) {
	g := &Golden{Cases: map[string]*Transcript{}}
	src, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return g, nil
	}
	if err != nil {
		return nil, err
	}
	var cur *Transcript
	var res *Result
	sc := bufio.NewScanner(bytes.NewReader(src))
	sc.Buffer(make([]byte, 1<<20), 256<<20)
	ln := 0
	for sc.Scan() {
		ln++
		line := sc.Text()
		bad := func(why string) error { return fmt.Errorf("%s:%d: %s", path, ln, why) }
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "=== "):
			cur = &Transcript{Name: line[4:]}
			res = nil
			g.Cases[cur.Name] = cur
		case cur == nil:
			return nil, bad("line outside a case")
		case strings.HasPrefix(line, "> "):
			res = &Result{Text: line[2:]}
			cur.Results = append(cur.Results, res)
		case res == nil:
			return nil, bad("reply before any step")
		case line == "<closed>":
			res.Closed = true
		case line == "<timeout>":
			res.Timeout = true
		case strings.HasPrefix(line, "< "):
			q, count := line[2:], 1
			if i := strings.IndexByte(q, '*'); i > 0 && isDigits(q[:i]) {
				count, _ = strconv.Atoi(q[:i])
				q = q[i+1:]
			}
			s, err := strconv.Unquote(q)
			if err != nil {
				return nil, bad("bad quoted reply: " + err.Error())
			}
			for ; count > 0; count-- {
				res.Replies = append(res.Replies, s)
			}
		default:
			return nil, bad("unrecognised line")
		}
	}
	return g, sc.Err()
}

// WriteGolden writes the transcripts of a family's cases, in case order.
// Cases without a transcript are left out.
func WriteGolden(path, header string, f *Family, ts map[string]*Transcript) error {
	var b bytes.Buffer
	for _, l := range strings.Split(strings.TrimRight(header, "\n"), "\n") {
		b.WriteString("# " + l + "\n")
	}
	for _, c := range f.Cases {
		t := ts[c.Name]
		if t == nil {
			continue
		}
		b.WriteString("\n=== " + c.Name + "\n")
		for _, r := range t.Results {
			b.WriteString("> " + r.Text + "\n")
			for j := 0; j < len(r.Replies); {
				// A run of identical replies (pipelines) is written once,
				// with its count: < 100*"+PONG\r\n".
				k := j + 1
				for k < len(r.Replies) && r.Replies[k] == r.Replies[j] {
					k++
				}
				b.WriteString("< ")
				if k-j > 1 {
					b.WriteString(strconv.Itoa(k-j) + "*")
				}
				b.WriteString(strconv.Quote(r.Replies[j]) + "\n")
				j = k
			}
			if r.Closed {
				b.WriteString("<closed>\n")
			}
			if r.Timeout {
				b.WriteString("<timeout>\n")
			}
		}
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b.Bytes(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// Texts lists the step lines of a transcript.
func (t *Transcript) Texts() []string {
	out := make([]string, len(t.Results))
	for i, r := range t.Results {
		out[i] = r.Text
	}
	return out
}

// Texts lists the step lines a case's golden must have.
func (c *Case) Texts() []string {
	out := make([]string, len(c.Steps))
	for i, s := range c.Steps {
		out[i] = s.Text
	}
	return out
}

// Compare checks a run against the golden transcript of the same case,
// after normalisation, and describes the differences (nil if none). Only
// the first few differing steps are shown in full: once replies diverge,
// later steps usually differ as a consequence.
func Compare(c *Case, want, got *Transcript) []string {
	var out []string
	extra := 0
	for i, st := range c.Steps {
		if i >= len(want.Results) || i >= len(got.Results) {
			break
		}
		w, g := want.Results[i], got.Results[i]
		if d := compareStep(st, w, g); d != "" {
			if len(out) >= 3 {
				extra++
				continue
			}
			out = append(out, fmt.Sprintf("line %d: %s\n%s", st.Line, st.Text, d))
		}
	}
	if extra > 0 {
		out = append(out, fmt.Sprintf("... and %d later step(s) differ too", extra))
	}
	return out
}

func compareStep(st *Step, w, g *Result) string {
	var b strings.Builder
	n := max(len(w.Replies), len(g.Replies))
	for j := 0; j < n; j++ {
		var wr, gr string
		wok, gok := j < len(w.Replies), j < len(g.Replies)
		if wok {
			wr = w.Replies[j]
		}
		if gok {
			gr = g.Replies[j]
		}
		wn, gn := Normalize(st, wr), Normalize(st, gr)
		if wok == gok && wn == gn {
			continue
		}
		label := ""
		if n > 1 {
			label = fmt.Sprintf(" (reply %d)", j+1)
		}
		fmt.Fprintf(&b, "  want%s: %s\n  got%s:  %s\n", label, quoteOr(wr, wok), label, quoteOr(gr, gok))
		if wok && gok && (wn != wr || gn != gr) {
			fmt.Fprintf(&b, "  normalised (%s): want %s, got %s\n", ruleNames(st), strconv.Quote(wn), strconv.Quote(gn))
		}
		if wok && gok && len(wn)+len(gn) > 160 {
			b.WriteString("  " + firstDifference(wn, gn) + "\n")
		}
	}
	if w.Closed != g.Closed {
		fmt.Fprintf(&b, "  want closed=%v, got closed=%v\n", w.Closed, g.Closed)
	}
	if w.Timeout != g.Timeout {
		fmt.Fprintf(&b, "  want timeout=%v, got timeout=%v (no complete reply within the read timeout)\n", w.Timeout, g.Timeout)
	}
	return strings.TrimRight(b.String(), "\n")
}

func quoteOr(s string, ok bool) string {
	if !ok {
		return "(no reply)"
	}
	return strconv.Quote(s)
}

func ruleNames(st *Step) string {
	var names []string
	for _, r := range st.Rules {
		names = append(names, r.Text)
	}
	if len(names) == 0 {
		return "built-in rules"
	}
	return strings.Join(names, " ")
}

// firstDifference points at where two long (normalised) replies part.
func firstDifference(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	from := max(0, i-30)
	cut := func(s string) string { return strconv.Quote(s[from:min(len(s), i+50)]) }
	return fmt.Sprintf("first difference at byte %d: want ...%s..., got ...%s...", i, cut(a), cut(b))
}
