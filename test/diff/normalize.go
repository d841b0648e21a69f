package diff

// Normalisation: the few, named ways a reply may legitimately differ
// between two servers. Every rule is applied to BOTH the golden reply and
// the live one before they are compared, so a rule can only hide a
// difference it was written for. A case asks for a rule with a directive
// in front of a command line ("!sort KEYS *"); the built-in rules
// (builtins) apply to every case.
//
// Keep this set small: each new rule is a blind spot.

import (
	"bytes"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Rule is one normalisation directive.
type Rule struct {
	Name  string // "sort", "sortmap", "type", "range", "mask", "lines", "ignore"
	Lo    float64
	Hi    float64
	Re    *regexp.Regexp
	Text  string // the directive as written
	apply func(r Rule, v *Value) *Value
}

// ruleTable lists the directives: how many words each takes after its
// name, and what it does.
var ruleTable = map[string]struct {
	args  int
	apply func(r Rule, v *Value) *Value
}{
	// !sort: the order of an unordered collection (KEYS, SCAN, SMEMBERS,
	// HKEYS of a hashtable, CLIENT LIST of several clients) is the hash
	// table's, which no two implementations share. Elements of every
	// array and set, and the entries of every map, at every depth, are
	// sorted by their encoding (map entries by key).
	"sort": {0, func(_ Rule, v *Value) *Value { sortValue(v); return v }},
	// !sortmap: the same for maps (HGETALL, CONFIG GET with a pattern):
	// RESP3 map entries at every depth, and the key-value pairs of a
	// top-level RESP2 array, are sorted by key.
	"sortmap": {0, func(_ Rule, v *Value) *Value { sortMapValue(v, true); return v }},
	// !type: only the reply's shape is compared (types and aggregate
	// lengths, no payloads): readings of a clock or of memory (TIME,
	// LASTSAVE, MEMORY USAGE, OBJECT IDLETIME).
	"type": {0, func(_ Rule, v *Value) *Value { typeOnly(v); return v }},
	// !range lo hi: integers and doubles within [lo, hi] compare equal
	// (TTL/PTTL after time passed, approximate counters); values outside
	// are compared as they are.
	"range": {2, func(r Rule, v *Value) *Value { rangeValue(r, v); return v }},
	// !mask re: every match of re in a string payload (simple, bulk,
	// verbatim, error) becomes "<masked>": client ids and ports in CLIENT
	// LIST/INFO, run ids, addresses.
	"mask": {1, func(r Rule, v *Value) *Value { maskValue(r.Re, v); return v }},
	// !lines re: multi-line bulk payloads (INFO, CLIENT LIST, LATENCY
	// DOCTOR) keep only the lines matching re: the fields a case is about.
	"lines": {1, func(r Rule, v *Value) *Value { linesValue(r.Re, v); return v }},
	// !ignore: nothing is compared but whether the reply is an error:
	// commands run for their effect whose reply is not reproducible
	// (DEBUG RELOAD timing, OBJECT FREQ under LFU noise).
	"ignore": {0, func(_ Rule, v *Value) *Value {
		if v.Kind == '-' || v.Kind == '!' {
			return &Value{Kind: '+', Str: []byte("<error reply>")}
		}
		return &Value{Kind: '+', Str: []byte("<any reply>")}
	}},
}

// parseRule parses the directive at the start of s ("!range 0 100 TTL k").
func parseRule(s string) (Rule, string, error) {
	name, rest := firstWord(s)
	name = strings.TrimPrefix(name, "!")
	spec, ok := ruleTable[name]
	if !ok {
		return Rule{}, "", fmt.Errorf("unknown directive !%s (see normalize.go)", name)
	}
	r := Rule{Name: name, apply: spec.apply}
	var words []string
	for i := 0; i < spec.args; i++ {
		tok, tail, err := nextToken(rest)
		if err != nil {
			return Rule{}, "", err
		}
		if tok == "" {
			return Rule{}, "", fmt.Errorf("!%s needs %d argument(s)", name, spec.args)
		}
		b, err := decodeToken(tok)
		if err != nil {
			return Rule{}, "", err
		}
		words = append(words, string(b))
		rest = tail
	}
	r.Text = strings.TrimSpace("!" + name + " " + strings.Join(words, " "))
	switch name {
	case "range":
		lo, err1 := strconv.ParseFloat(words[0], 64)
		hi, err2 := strconv.ParseFloat(words[1], 64)
		if err1 != nil || err2 != nil || lo > hi {
			return Rule{}, "", fmt.Errorf("usage: !range <lo> <hi>")
		}
		r.Lo, r.Hi = lo, hi
	case "mask", "lines":
		re, err := regexp.Compile(words[0])
		if err != nil {
			return Rule{}, "", fmt.Errorf("!%s: %v", name, err)
		}
		r.Re = re
	}
	return r, rest, nil
}

// Normalize applies a step's rules and the built-in rules to one raw
// reply and returns the result's encoding. A reply that does not parse
// (cut short by a close) is returned as it is.
func Normalize(st *Step, raw string) string {
	v, rest, err := ParseValue([]byte(raw))
	if err != nil || len(rest) != 0 {
		return raw
	}
	v = builtins(st, v)
	for _, r := range st.Rules {
		v = r.apply(r, v)
	}
	return string(v.Append(nil))
}

// builtins are the always-on rules.
func builtins(st *Step, v *Value) *Value {
	switch st.CommandName() {
	case "hello":
		// HELLO's "id" is the connection's client id: it counts every
		// connection the server ever accepted (the harness's own included).
		replaceAfterKey(v, "id", false, &Value{Kind: ':', Str: []byte("<client id>")})
	case "command":
		// COMMAND DOCS summaries are prose Petrel writes in its own words;
		// everything else in the docs (arguments, since, history) matches.
		if len(st.Args) > 1 && strings.EqualFold(st.Args[1], "docs") {
			replaceAfterKey(v, "summary", true, &Value{Kind: '$', Str: []byte("<summary>")})
		}
	}
	return v
}

// replaceAfterKey replaces the value that follows the bulk/simple string
// key in maps and flat key-value arrays, at the top level or (deep) at
// every depth.
func replaceAfterKey(v *Value, key string, deep bool, with *Value) {
	if !v.aggregate() {
		return
	}
	for i := 0; i+1 < len(v.Elems); i += 2 {
		k := v.Elems[i]
		if (k.Kind == '$' || k.Kind == '+') && string(k.Str) == key {
			v.Elems[i+1] = with
		}
	}
	if deep {
		for _, e := range v.Elems {
			replaceAfterKey(e, key, deep, with)
		}
	}
}

func sortValue(v *Value) {
	for _, e := range v.Elems {
		sortValue(e)
	}
	switch v.Kind {
	case '*', '~':
		sort.SliceStable(v.Elems, func(i, j int) bool {
			return bytes.Compare(v.Elems[i].Append(nil), v.Elems[j].Append(nil)) < 0
		})
	case '%':
		sortPairs(v.Elems)
	}
}

func sortMapValue(v *Value, top bool) {
	for _, e := range v.Elems {
		sortMapValue(e, false)
	}
	if v.Kind == '%' || (top && v.Kind == '*' && len(v.Elems)%2 == 0) {
		sortPairs(v.Elems)
	}
}

// sortPairs sorts a flat k1 v1 k2 v2 ... list by key encoding.
func sortPairs(elems []*Value) {
	type pair struct{ k, v *Value }
	ps := make([]pair, len(elems)/2)
	for i := range ps {
		ps[i] = pair{elems[2*i], elems[2*i+1]}
	}
	sort.SliceStable(ps, func(i, j int) bool {
		return bytes.Compare(ps[i].k.Append(nil), ps[j].k.Append(nil)) < 0
	})
	for i, p := range ps {
		elems[2*i], elems[2*i+1] = p.k, p.v
	}
}

func typeOnly(v *Value) {
	if v.Null {
		return
	}
	if v.aggregate() {
		for _, e := range v.Elems {
			typeOnly(e)
		}
		return
	}
	v.Str = []byte("?")
	if v.Kind == '=' {
		v.Str = []byte("txt:?")
	}
}

func rangeValue(r Rule, v *Value) {
	for _, e := range v.Elems {
		rangeValue(r, e)
	}
	if v.Kind != ':' && v.Kind != ',' {
		return
	}
	f, err := strconv.ParseFloat(string(v.Str), 64)
	if err == nil && f >= r.Lo && f <= r.Hi {
		v.Str = []byte("<in range " + strconv.FormatFloat(r.Lo, 'g', -1, 64) + ".." + strconv.FormatFloat(r.Hi, 'g', -1, 64) + ">")
	}
}

func maskValue(re *regexp.Regexp, v *Value) {
	for _, e := range v.Elems {
		maskValue(re, e)
	}
	if v.Attr != nil {
		maskValue(re, v.Attr)
	}
	switch v.Kind {
	case '+', '-', '$', '=', '!':
		if !v.Null {
			v.Str = re.ReplaceAll(v.Str, []byte("<masked>"))
		}
	}
}

func linesValue(re *regexp.Regexp, v *Value) {
	for _, e := range v.Elems {
		linesValue(re, e)
	}
	if (v.Kind != '$' && v.Kind != '=') || v.Null {
		return
	}
	prefix, body := []byte(nil), v.Str
	if v.Kind == '=' && len(body) >= 4 {
		prefix, body = body[:4], body[4:]
	}
	sep := []byte("\n")
	if bytes.Contains(body, []byte("\r\n")) {
		sep = []byte("\r\n")
	}
	var kept [][]byte
	for _, l := range bytes.Split(body, sep) {
		if re.Match(l) {
			kept = append(kept, l)
		}
	}
	v.Str = append(append([]byte(nil), prefix...), bytes.Join(kept, sep)...)
}

// Value is a parsed RESP2/RESP3 reply.
type Value struct {
	Kind  byte   // the type byte: + - : $ * _ # , ( = ! % ~ > (attributes are Attr)
	Str   []byte // payload of scalar types
	Null  bool   // $-1 or *-1
	Elems []*Value
	Attr  *Value // a RESP3 attribute that preceded the value (a '|' map)
}

func (v *Value) aggregate() bool {
	switch v.Kind {
	case '*', '%', '~', '>':
		return true
	}
	return false
}

// ParseValue parses one reply from the front of b.
func ParseValue(b []byte) (*Value, []byte, error) {
	i := bytes.Index(b, []byte("\r\n"))
	if i < 1 {
		return nil, b, fmt.Errorf("incomplete reply")
	}
	kind, line, rest := b[0], b[1:i], b[i+2:]
	switch kind {
	case '+', '-', ':', '_', '#', ',', '(':
		return &Value{Kind: kind, Str: append([]byte(nil), line...)}, rest, nil
	case '$', '=', '!':
		n, err := strconv.Atoi(string(line))
		if err != nil {
			return nil, b, err
		}
		if n < 0 {
			return &Value{Kind: kind, Null: true}, rest, nil
		}
		if len(rest) < n+2 || rest[n] != '\r' || rest[n+1] != '\n' {
			return nil, b, fmt.Errorf("incomplete bulk")
		}
		return &Value{Kind: kind, Str: append([]byte(nil), rest[:n]...)}, rest[n+2:], nil
	case '*', '~', '>', '%', '|':
		n, err := strconv.Atoi(string(line))
		if err != nil {
			return nil, b, err
		}
		if n < 0 {
			return &Value{Kind: kind, Null: true}, rest, nil
		}
		count := n
		if kind == '%' || kind == '|' {
			count *= 2
		}
		v := &Value{Kind: kind, Elems: make([]*Value, 0, count)}
		for j := 0; j < count; j++ {
			var e *Value
			e, rest, err = ParseValue(rest)
			if err != nil {
				return nil, b, err
			}
			v.Elems = append(v.Elems, e)
		}
		if kind == '|' {
			inner, rest2, err := ParseValue(rest)
			if err != nil {
				return nil, b, err
			}
			v.Kind = '%'
			inner.Attr = v
			return inner, rest2, nil
		}
		return v, rest, nil
	}
	return nil, b, fmt.Errorf("unknown reply type %q", kind)
}

// Append encodes v.
func (v *Value) Append(b []byte) []byte {
	if v.Attr != nil {
		b = append(b, '|')
		b = strconv.AppendInt(b, int64(len(v.Attr.Elems)/2), 10)
		b = append(b, '\r', '\n')
		for _, e := range v.Attr.Elems {
			b = e.Append(b)
		}
	}
	b = append(b, v.Kind)
	switch {
	case v.Null:
		b = append(b, '-', '1')
	case v.Kind == '$' || v.Kind == '=' || v.Kind == '!':
		b = strconv.AppendInt(b, int64(len(v.Str)), 10)
		b = append(b, '\r', '\n')
		b = append(b, v.Str...)
	case v.aggregate():
		n := len(v.Elems)
		if v.Kind == '%' {
			n /= 2
		}
		b = strconv.AppendInt(b, int64(n), 10)
		b = append(b, '\r', '\n')
		for _, e := range v.Elems {
			b = e.Append(b)
		}
		return b
	default:
		b = append(b, v.Str...)
	}
	return append(b, '\r', '\n')
}
