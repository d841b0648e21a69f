// Package diff is the differential test harness: it runs the command
// scripts in cases/*.txt against Petrel and compares Petrel's raw reply
// bytes with goldens recorded from a real Valkey 9.
//
//	go test ./test/diff                                  compare Petrel with the goldens
//	make golden VALKEY_SERVER=/path/to/valkey-server     re-record the goldens
//	VALKEY_SERVER=/path go test ./test/diff              also check the goldens against live Valkey
//
// A case file holds cases; a case is a list of steps (commands, raw bytes,
// sleeps) run on fresh connections after FLUSHALL. The golden of a case is
// its transcript: every step's line and the raw replies it read. See
// README.md for the case format and cases/protocol.txt for examples.
//
// The pieces: harness.go parses case files, run.go runs a case against a
// Target (any server address) and returns its Transcript, golden.go reads,
// writes and compares transcripts, normalize.go holds the comparison
// rules, valkey.go starts the reference server.
//
// Caller's duties (diff_test.go is the caller):
//  1. Start the targets (Petrel in-process, Valkey with StartValkey) and
//     wrap their addresses with NewTarget.
//  2. Run cases one at a time per target (Target.RunCase): cases share the
//     server's keyspace and config.
//  3. Write goldens (WriteGolden) only from a real Valkey.
package diff

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"petrel/internal/resp"
)

// Family is one case file.
type Family struct {
	Name  string // file name without .txt
	Path  string
	Cases []*Case
	Err   error // the file does not parse (it then has no cases)
}

// Case is one "=== name" block.
type Case struct {
	Name    string
	Line    int         // line number of the "===" header
	Proto   int         // 0 (RESP2, nothing sent) or 3: HELLO 3 on every connection
	Server  [][2]string // "server <param> <value>": CONFIG SET for the case only
	Cleanup [][]string  // "cleanup <command>": run on the admin connection afterwards
	Steps   []*Step
}

// StepKind says what a step does.
type StepKind int

// Step kinds.
const (
	StepCommand StepKind = iota // send a command, read its reply
	StepSend                    // "@N> CMD": send without reading
	StepRecv                    // "@N<": read one pending reply
	StepRaw                     // "rawN ...": send bytes, read N replies
	StepSleep                   // "sleep MS"
	StepHeader                  // proto/server/cleanup lines: no I/O, kept in the transcript

	stepRulesOnly // a line of directives for the next line (parsing only)
)

// Step is one line of a case.
type Step struct {
	Kind    StepKind
	Text    string   // the line as the golden shows it (normalisation directives removed)
	Line    int      // source line number
	Conn    int      // connection number, 1 based
	Args    []string // StepCommand, StepSend
	Raw     []byte   // StepRaw
	Replies int      // StepRaw: replies to read
	Sleep   int      // StepSleep: milliseconds
	Rules   []Rule   // normalisation directives
}

// CommandName is the step's command in lower case ("" for raw steps).
func (s *Step) CommandName() string {
	if len(s.Args) == 0 {
		return ""
	}
	return strings.ToLower(s.Args[0])
}

// LoadFamilies parses every *.txt in dir, sorted by name. A file that
// does not parse is returned with Err set.
func LoadFamilies(dir string) ([]*Family, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	if err != nil {
		return nil, err
	}
	sort.Strings(paths)
	var fams []*Family
	for _, p := range paths {
		name := strings.TrimSuffix(filepath.Base(p), ".txt")
		src, err := os.ReadFile(p)
		if err != nil {
			fams = append(fams, &Family{Name: name, Path: p, Err: err})
			continue
		}
		f, err := ParseFamily(name, p, src)
		f.Err = err
		fams = append(fams, f)
	}
	return fams, nil
}

// ParseFamily parses one case file. On error the family is returned
// without cases.
func ParseFamily(name, path string, src []byte) (*Family, error) {
	f := &Family{Name: name, Path: path}
	seen := map[string]bool{}
	var cur *Case
	var pending []Rule // directives from a line of their own
	pendingLine := 0
	for i, line := range strings.Split(string(src), "\n") {
		ln := i + 1
		line = strings.TrimRight(line, "\r")
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		fail := func(format string, a ...any) (*Family, error) {
			return &Family{Name: name, Path: path}, fmt.Errorf("%s:%d: %s", path, ln, fmt.Sprintf(format, a...))
		}
		if strings.HasPrefix(trimmed, "===") {
			if pending != nil {
				return fail("directives at the end of a case")
			}
			n := strings.TrimSpace(strings.TrimPrefix(trimmed, "==="))
			if n == "" {
				return fail("case without a name")
			}
			if seen[n] {
				return fail("duplicate case name %q", n)
			}
			seen[n] = true
			cur = &Case{Name: n, Line: ln}
			f.Cases = append(f.Cases, cur)
			continue
		}
		if cur == nil {
			return fail("line outside a case (start one with \"=== name\")")
		}
		st, err := parseStep(cur, trimmed)
		if err != nil {
			return fail("%v", err)
		}
		if st.Kind == stepRulesOnly {
			pending = append(pending, st.Rules...)
			pendingLine = ln
			continue
		}
		if pending != nil {
			st.Rules = append(pending, st.Rules...)
			pending = nil
			if err := rejectRules(st); err != nil {
				return fail("%v", err)
			}
		}
		st.Line = ln
		cur.Steps = append(cur.Steps, st)
	}
	if pending != nil {
		return &Family{Name: name, Path: path}, fmt.Errorf("%s:%d: directives at the end of a case", path, pendingLine)
	}
	for _, c := range f.Cases {
		if len(c.Steps) == 0 {
			return &Family{Name: name, Path: path}, fmt.Errorf("%s:%d: case %q has no steps", path, c.Line, c.Name)
		}
	}
	return f, nil
}

// parseStep parses one non-blank line of a case.
func parseStep(c *Case, line string) (*Step, error) {
	st := &Step{Conn: 1}
	rest := line

	// Case-level lines: only before the first command.
	word, after := firstWord(rest)
	switch word {
	case "proto", "server", "cleanup":
		if word != "cleanup" && hasIO(c) {
			return nil, fmt.Errorf("%q must come before the case's first command", word)
		}
		st.Kind, st.Text = StepHeader, line
		args, ok := resp.SplitArgs([]byte(after))
		if !ok {
			return nil, fmt.Errorf("unbalanced quotes")
		}
		sargs := toStrings(args)
		switch word {
		case "proto":
			if len(sargs) != 1 || (sargs[0] != "2" && sargs[0] != "3") {
				return nil, fmt.Errorf("usage: proto 2|3")
			}
			c.Proto, _ = strconv.Atoi(sargs[0])
		case "server":
			if len(sargs) != 2 {
				return nil, fmt.Errorf("usage: server <config-param> <value>")
			}
			c.Server = append(c.Server, [2]string{strings.ToLower(sargs[0]), sargs[1]})
		case "cleanup":
			if len(sargs) == 0 {
				return nil, fmt.Errorf("usage: cleanup <command...>")
			}
			c.Cleanup = append(c.Cleanup, sargs)
		}
		return st, nil
	}

	// Normalisation directives, then an optional connection prefix.
	for {
		rest = strings.TrimLeft(rest, " \t")
		if strings.HasPrefix(rest, "!") {
			r, tail, err := parseRule(rest)
			if err != nil {
				return nil, err
			}
			st.Rules = append(st.Rules, r)
			rest = tail
			continue
		}
		break
	}
	if rest == "" {
		// A line of directives alone applies to the next line.
		st.Kind = stepRulesOnly
		return st, nil
	}
	text := rest
	if strings.HasPrefix(rest, "@") {
		i := 1
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		n, err := strconv.Atoi(rest[1:i])
		if err != nil || n < 1 || n > 64 {
			return nil, fmt.Errorf("bad connection prefix in %q", rest)
		}
		st.Conn = n
		rest = rest[i:]
		switch {
		case strings.HasPrefix(rest, "<"):
			if strings.TrimSpace(rest[1:]) != "" {
				return nil, fmt.Errorf("nothing may follow @%d<", n)
			}
			st.Kind, st.Text = StepRecv, text
			return st, rejectRules(st)
		case strings.HasPrefix(rest, ">"):
			st.Kind = StepSend
			rest = rest[1:]
		case rest == "" || rest[0] == ' ' || rest[0] == '\t':
			st.Kind = StepCommand
		default:
			return nil, fmt.Errorf("bad connection prefix in %q", text)
		}
		rest = strings.TrimSpace(rest)
	} else if rest == "<" {
		st.Kind, st.Text = StepRecv, text
		return st, rejectRules(st)
	} else if strings.HasPrefix(rest, ">") {
		st.Kind = StepSend
		rest = strings.TrimSpace(rest[1:])
	}
	st.Text = text

	word, after = firstWord(rest)
	switch {
	case word == "sleep":
		if st.Conn != 1 || st.Kind != StepCommand {
			return nil, fmt.Errorf("sleep takes no connection prefix")
		}
		ms, err := strconv.Atoi(strings.TrimSpace(after))
		if err != nil || ms < 0 || ms > 10000 {
			return nil, fmt.Errorf("usage: sleep <milliseconds 0..10000>")
		}
		st.Kind, st.Sleep = StepSleep, ms
		return st, rejectRules(st)
	case word == "raw" || isRawN(word):
		if st.Kind == StepSend {
			return nil, fmt.Errorf("use raw0 to send bytes without reading")
		}
		st.Kind = StepRaw
		st.Replies = 1
		if word != "raw" {
			n, err := strconv.Atoi(word[3:])
			if err != nil || n > 100000 {
				return nil, fmt.Errorf("%s: at most 100000 replies", word)
			}
			st.Replies = n
		}
		b, err := parseRawBytes(after)
		if err != nil {
			return nil, err
		}
		st.Raw = b
		return st, rejectRules(st)
	}
	args, ok := resp.SplitArgs([]byte(rest))
	if !ok {
		return nil, fmt.Errorf("unbalanced quotes in %q", rest)
	}
	if len(args) == 0 {
		return nil, fmt.Errorf("empty command")
	}
	st.Args = toStrings(args)
	return st, rejectRules(st)
}

// rejectRules refuses normalisation directives on a line that reads no
// reply (put them on the @N< line that reads it).
func rejectRules(st *Step) error {
	reads := st.Kind == StepCommand || st.Kind == StepRecv || (st.Kind == StepRaw && st.Replies > 0)
	if len(st.Rules) > 0 && !reads {
		return fmt.Errorf("normalisation directives only apply to lines that read replies")
	}
	return nil
}

// hasIO reports whether the case already has a step that talks to the server.
func hasIO(c *Case) bool {
	for _, s := range c.Steps {
		if s.Kind != StepHeader {
			return true
		}
	}
	return false
}

// isRawN reports whether w is "raw" followed by a reply count.
func isRawN(w string) bool {
	return len(w) > 3 && strings.HasPrefix(w, "raw") && isDigits(w[3:])
}

func firstWord(s string) (word, rest string) {
	s = strings.TrimLeft(s, " \t")
	i := strings.IndexAny(s, " \t")
	if i < 0 {
		return s, ""
	}
	return s[:i], s[i:]
}

func toStrings(args [][]byte) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = string(a)
	}
	return out
}

// nextToken cuts one word off s with sdssplitargs quoting: a quoted word
// runs to its closing quote, an unquoted one to the next blank. It returns
// the word's source text.
func nextToken(s string) (tok, rest string, err error) {
	s = strings.TrimLeft(s, " \t")
	if s == "" {
		return "", "", nil
	}
	i := 0
	for i < len(s) && s[i] != ' ' && s[i] != '\t' {
		switch s[i] {
		case '"':
			i++
			for i < len(s) && s[i] != '"' {
				if s[i] == '\\' {
					i++
				}
				i++
			}
			if i >= len(s) {
				return "", "", fmt.Errorf("unbalanced quotes in %q", s)
			}
		case '\'':
			i++
			for i < len(s) && s[i] != '\'' {
				if s[i] == '\\' && i+1 < len(s) && s[i+1] == '\'' {
					i++
				}
				i++
			}
			if i >= len(s) {
				return "", "", fmt.Errorf("unbalanced quotes in %q", s)
			}
		}
		i++
	}
	return s[:i], s[i:], nil
}

// decodeToken decodes one token's quoting into its bytes.
func decodeToken(tok string) ([]byte, error) {
	args, ok := resp.SplitArgs([]byte(tok))
	if !ok || len(args) != 1 {
		return nil, fmt.Errorf("bad word %q", tok)
	}
	return args[0], nil
}

// parseRawBytes decodes the payload of a raw line: words (usually quoted,
// with \xHH \r \n escapes) concatenated without separators, where a word
// N*"text" stands for text repeated N times (for inputs past the 64 KB
// inline limit).
func parseRawBytes(s string) ([]byte, error) {
	var out []byte
	for {
		tok, rest, err := nextToken(s)
		if err != nil {
			return nil, err
		}
		if tok == "" {
			break
		}
		s = rest
		count := 1
		if i := strings.IndexByte(tok, '*'); i > 0 && isDigits(tok[:i]) && i+1 < len(tok) && (tok[i+1] == '"' || tok[i+1] == '\'') {
			count, err = strconv.Atoi(tok[:i])
			if err != nil || count > 64<<20 {
				return nil, fmt.Errorf("bad repeat count in %q", tok)
			}
			tok = tok[i+1:]
		}
		b, err := decodeToken(tok)
		if err != nil {
			return nil, err
		}
		out = append(out, bytes.Repeat(b, count)...)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("raw line without bytes")
	}
	return out, nil
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
