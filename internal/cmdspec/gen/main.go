// Command gen builds internal/cmdspec/table_gen.go, Petrel's command table,
// from Valkey's command specs: one JSON file per command or subcommand
// (Valkey's src/commands/*.json, BSD 3-Clause, kept in ../shared/commands).
// Only facts are taken from them: names, arity, flags, ACL categories, key
// specs, argument grammar, history, complexity. The command summaries come
// from Petrel's own summaries.txt instead, and argument summaries are left
// out; the generator fails if a command has no summary there.
//
// It is run by go generate in internal/cmdspec:
//
//	go generate ./internal/cmdspec
//
// Flags (each path defaults relative to the module root, found by walking
// up from the working directory to go.mod):
//
//	-specs DIR        the JSON specs (default <root>/../shared/commands)
//	-summaries FILE   name<TAB>summary lines (default <root>/internal/cmdspec/summaries.txt)
//	-out FILE         the Go file to write (default <root>/internal/cmdspec/table_gen.go)
//
// It also derives what Valkey computes at startup: the implied ACL
// categories (setImplicitACLCategories), and the legacy key range and the
// movablekeys flag (populateCommandLegacyRangeSpec). The output is gofmt'ed
// and depends only on its inputs.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"go/format"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

func main() {
	root, err := moduleRoot()
	if err != nil {
		fail(err)
	}
	specs := flag.String("specs", filepath.Join(root, "..", "shared", "commands"), "directory of Valkey command JSON specs")
	summaries := flag.String("summaries", filepath.Join(root, "internal", "cmdspec", "summaries.txt"), "file of name<TAB>summary lines")
	out := flag.String("out", filepath.Join(root, "internal", "cmdspec", "table_gen.go"), "output Go file")
	flag.Parse()

	src, err := generate(*specs, *summaries)
	if err != nil {
		fail(err)
	}
	if err := os.WriteFile(*out, src, 0o644); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "cmdspec/gen:", err)
	os.Exit(1)
}

// moduleRoot walks up from the working directory to the directory holding
// go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}

// The JSON schema (Valkey's src/commands/README.md).

type jsonCommand struct {
	Summary         string          `json:"summary"`
	Complexity      string          `json:"complexity"`
	Group           string          `json:"group"`
	Since           string          `json:"since"`
	Arity           *int            `json:"arity"`
	Container       string          `json:"container"`
	Function        string          `json:"function"`
	GetKeysFunction string          `json:"get_keys_function"`
	History         [][]string      `json:"history"`
	DocFlags        []string        `json:"doc_flags"`
	DeprecatedSince string          `json:"deprecated_since"`
	ReplacedBy      string          `json:"replaced_by"`
	CommandFlags    []string        `json:"command_flags"`
	ACLCategories   []string        `json:"acl_categories"`
	CommandTips     []string        `json:"command_tips"`
	KeySpecs        []jsonKeySpec   `json:"key_specs"`
	Arguments       []jsonArg       `json:"arguments"`
	ReplySchema     json.RawMessage `json:"reply_schema"` // not printed by release builds
}

type jsonKeySpec struct {
	Notes       string                     `json:"notes"`
	Flags       []string                   `json:"flags"`
	BeginSearch map[string]json.RawMessage `json:"begin_search"`
	FindKeys    map[string]json.RawMessage `json:"find_keys"`
}

type jsonArg struct {
	Name            string          `json:"name"`
	Type            string          `json:"type"`
	Display         string          `json:"display"`
	KeySpecIndex    *int            `json:"key_spec_index"`
	Token           string          `json:"token"`
	Summary         string          `json:"summary"` // prose: not copied
	Since           string          `json:"since"`
	DeprecatedSince string          `json:"deprecated_since"`
	Optional        truthy          `json:"optional"`
	Multiple        truthy          `json:"multiple"`
	MultipleToken   truthy          `json:"multiple_token"`
	Arguments       []jsonArg       `json:"arguments"`
	Value           json.RawMessage `json:"value"`       // unused by Valkey's table
	Minimum         json.RawMessage `json:"minimum"`     // unused by Valkey's table
	Description     json.RawMessage `json:"description"` // unused by Valkey's table
	Pattern         json.RawMessage `json:"pattern"`     // unused by Valkey's table

	emptyToken bool // the token is present but empty (see cText)
}

// truthy is a JSON flag read the way Valkey's Python generator reads it:
// any truthy value counts, so client-capa.json's "multiple": "true" (a
// string) sets the flag like true does.
type truthy bool

func (t *truthy) UnmarshalJSON(b []byte) error {
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	switch v := v.(type) {
	case nil:
		*t = false
	case bool:
		*t = truthy(v)
	case string:
		*t = v != ""
	case float64:
		*t = v != 0
	default:
		return fmt.Errorf("cannot read %s as a flag", b)
	}
	return nil
}

// Name tables: JSON spelling -> Go identifier, in bit order.

var commandFlags = []struct{ json, ident string }{
	{"WRITE", "FlagWrite"},
	{"READONLY", "FlagReadonly"},
	{"DENYOOM", "FlagDenyOOM"},
	{"MODULE", "FlagModule"},
	{"ADMIN", "FlagAdmin"},
	{"PUBSUB", "FlagPubsub"},
	{"NOSCRIPT", "FlagNoscript"},
	{"BLOCKING", "FlagBlocking"},
	{"LOADING", "FlagLoading"},
	{"STALE", "FlagStale"},
	{"SKIP_MONITOR", "FlagSkipMonitor"},
	{"SKIP_COMMANDLOG", "FlagSkipCommandlog"},
	{"ASKING", "FlagAsking"},
	{"FAST", "FlagFast"},
	{"NO_AUTH", "FlagNoAuth"},
	{"MAY_REPLICATE", "FlagMayReplicate"},
	{"SENTINEL", "FlagSentinel"},
	{"ONLY_SENTINEL", "FlagOnlySentinel"},
	{"NO_MANDATORY_KEYS", "FlagNoMandatoryKeys"},
	{"PROTECTED", "FlagProtected"},
	{"MODULE_GETKEYS", "FlagModuleGetkeys"},
	{"MODULE_NO_CLUSTER", "FlagModuleNoCluster"},
	{"NO_ASYNC_LOADING", "FlagNoAsyncLoading"},
	{"NO_MULTI", "FlagNoMulti"},
	{"MOVABLE_KEYS", "FlagMovableKeys"},
	{"ALLOW_BUSY", "FlagAllowBusy"},
	{"MODULE_GETCHANNELS", "FlagModuleGetchannels"},
	{"TOUCHES_ARBITRARY_KEYS", "FlagTouchesArbitraryKeys"},
}

var categories = []struct{ json, ident string }{
	{"KEYSPACE", "CatKeyspace"},
	{"READ", "CatRead"},
	{"WRITE", "CatWrite"},
	{"SET", "CatSet"},
	{"SORTEDSET", "CatSortedSet"},
	{"LIST", "CatList"},
	{"HASH", "CatHash"},
	{"STRING", "CatString"},
	{"BITMAP", "CatBitmap"},
	{"HYPERLOGLOG", "CatHyperLogLog"},
	{"GEO", "CatGeo"},
	{"STREAM", "CatStream"},
	{"PUBSUB", "CatPubsub"},
	{"ADMIN", "CatAdmin"},
	{"FAST", "CatFast"},
	{"SLOW", "CatSlow"},
	{"BLOCKING", "CatBlocking"},
	{"DANGEROUS", "CatDangerous"},
	{"CONNECTION", "CatConnection"},
	{"TRANSACTION", "CatTransaction"},
	{"SCRIPTING", "CatScripting"},
}

var keyFlags = []struct{ json, ident string }{
	{"RO", "KeyRO"},
	{"RW", "KeyRW"},
	{"OW", "KeyOW"},
	{"RM", "KeyRM"},
	{"ACCESS", "KeyAccess"},
	{"UPDATE", "KeyUpdate"},
	{"INSERT", "KeyInsert"},
	{"DELETE", "KeyDelete"},
	{"NOT_KEY", "KeyNotKey"},
	{"INCOMPLETE", "KeyIncomplete"},
	{"VARIABLE_FLAGS", "KeyVariableFlags"},
}

var docFlags = []struct{ json, ident string }{
	{"DEPRECATED", "DocDeprecated"},
	{"SYSCMD", "DocSyscmd"},
}

var argTypes = map[string]string{
	"string":     "ArgString",
	"integer":    "ArgInteger",
	"double":     "ArgDouble",
	"key":        "ArgKey",
	"pattern":    "ArgPattern",
	"unix-time":  "ArgUnixTime",
	"pure-token": "ArgPureToken",
	"oneof":      "ArgOneOf",
	"block":      "ArgBlock",
}

// groups maps the JSON group to the name COMMAND DOCS prints.
var groups = map[string]string{
	"generic": "generic", "string": "string", "list": "list", "set": "set",
	"sorted_set": "sorted-set", "hash": "hash", "pubsub": "pubsub",
	"transactions": "transactions", "connection": "connection", "server": "server",
	"scripting": "scripting", "hyperloglog": "hyperloglog", "cluster": "cluster",
	"sentinel": "sentinel", "geo": "geo", "stream": "stream", "bitmap": "bitmap",
}

var keysProcs = map[string]string{
	"bitfieldGetKeys":             "KeysProcBitfield",
	"blmpopGetKeys":               "KeysProcBlmpop",
	"bzmpopGetKeys":               "KeysProcBzmpop",
	"evalGetKeys":                 "KeysProcEval",
	"functionGetKeys":             "KeysProcFunction",
	"georadiusGetKeys":            "KeysProcGeoradius",
	"lmpopGetKeys":                "KeysProcLmpop",
	"migrateGetKeys":              "KeysProcMigrate",
	"setGetKeys":                  "KeysProcSet",
	"sintercardGetKeys":           "KeysProcSintercard",
	"sortGetKeys":                 "KeysProcSort",
	"sortROGetKeys":               "KeysProcSortRO",
	"xreadGetKeys":                "KeysProcXread",
	"zmpopGetKeys":                "KeysProcZmpop",
	"zunionInterDiffGetKeys":      "KeysProcZunionInterDiff",
	"zunionInterDiffStoreGetKeys": "KeysProcZunionInterDiffStore",
}

// command is one parsed spec, ready to print.
type command struct {
	name      string // full name, lower case
	container string
	file      string
	j         jsonCommand
	flags     uint64 // bits in commandFlags order
	cats      uint64 // bits in categories order
	keySpecs  []keySpec
	firstKey  int
	lastKey   int
	keyStep   int
	summary   string
	subs      []*command
}

type keySpec struct {
	notes    string
	flags    uint64
	bsKind   string // "SearchIndex", "SearchKeyword", "SearchUnknown"
	pos      int
	keyword  string
	start    int
	fkKind   string // "FindRange", "FindKeynum", "FindUnknown"
	lastKey  int
	step     int
	limit    int
	keyNum   int
	firstKey int
}

func generate(specDir, summaryFile string) ([]byte, error) {
	files, err := filepath.Glob(filepath.Join(specDir, "*.json"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no JSON specs in %s", specDir)
	}
	sort.Strings(files)
	byName := map[string]*command{}
	var all []*command
	for _, f := range files {
		cmds, err := load(f)
		if err != nil {
			return nil, err
		}
		for _, c := range cmds {
			if byName[c.name] != nil {
				return nil, fmt.Errorf("%s: command %q defined twice", f, c.name)
			}
			byName[c.name] = c
			all = append(all, c)
		}
	}

	// Link subcommands to their containers.
	var top []*command
	for _, c := range all {
		if c.container == "" {
			top = append(top, c)
			continue
		}
		parent := byName[c.container]
		if parent == nil || parent.container != "" {
			return nil, fmt.Errorf("%s: container %q is not a top-level command", c.file, c.container)
		}
		if c.j.Group != "" && c.j.Group != parent.j.Group {
			return nil, fmt.Errorf("%s: group %q differs from the container's %q", c.file, c.j.Group, parent.j.Group)
		}
		parent.subs = append(parent.subs, c)
	}
	sort.Slice(top, func(i, k int) bool { return top[i].name < top[k].name })
	for _, c := range top {
		sort.Slice(c.subs, func(i, k int) bool { return c.subs[i].name < c.subs[k].name })
		for _, s := range c.subs {
			s.j.Group = c.j.Group
		}
	}

	if err := readSummaries(summaryFile, byName); err != nil {
		return nil, err
	}
	for _, c := range all {
		if err := derive(c); err != nil {
			return nil, err
		}
	}
	return emit(top)
}

func load(file string) ([]*command, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	var out []*command
	for _, n := range names {
		dec := json.NewDecoder(bytes.NewReader(m[n]))
		dec.DisallowUnknownFields() // a new schema field must be looked at
		c := &command{file: filepath.Base(file)}
		if err := dec.Decode(&c.j); err != nil {
			return nil, fmt.Errorf("%s: %s: %w", file, n, err)
		}
		if c.j.Arity == nil {
			return nil, fmt.Errorf("%s: %s has no arity", file, n)
		}
		if err := cStrings(&c.j); err != nil {
			return nil, fmt.Errorf("%s: %s: %w", file, n, err)
		}
		c.container = strings.ToLower(c.j.Container)
		c.name = strings.ToLower(n)
		if c.container != "" {
			c.name = c.container + "|" + c.name
		}
		out = append(out, c)
	}
	return out, nil
}

// cText returns the string C sees when Valkey's generator pastes v between
// double quotes into commands.def: a quote inside v closes the literal and
// the next one opens another, which C concatenates. MIGRATE's empty-string
// token, written `""` in the JSON, is thus "" on the wire. Backslashes and
// text between such literals would need more of C; they fail.
func cText(v string) (string, error) {
	if strings.ContainsAny(v, "\\\n") {
		return "", fmt.Errorf("cannot read %q as C would", v)
	}
	parts := strings.Split(`"`+v+`"`, `"`)
	var b strings.Builder
	for i, p := range parts {
		switch {
		case i%2 == 1:
			b.WriteString(p)
		case strings.TrimSpace(p) != "":
			return "", fmt.Errorf("cannot read %q as C would", v)
		}
	}
	return b.String(), nil
}

// cStrings applies cText to every string Valkey's table keeps.
func cStrings(j *jsonCommand) error {
	var err error
	fix := func(p *string) {
		if err == nil {
			*p, err = cText(*p)
		}
	}
	for _, p := range []*string{&j.Complexity, &j.Since, &j.DeprecatedSince, &j.ReplacedBy} {
		fix(p)
	}
	for _, h := range j.History {
		for i := range h {
			fix(&h[i])
		}
	}
	for i := range j.CommandTips {
		fix(&j.CommandTips[i])
	}
	for i := range j.KeySpecs {
		fix(&j.KeySpecs[i].Notes)
	}
	var args func([]jsonArg)
	args = func(as []jsonArg) {
		for i := range as {
			a := &as[i]
			hadToken := a.Token != ""
			for _, p := range []*string{&a.Name, &a.Display, &a.Token, &a.Since, &a.DeprecatedSince} {
				fix(p)
			}
			a.emptyToken = hadToken && a.Token == ""
			args(a.Arguments)
		}
	}
	args(j.Arguments)
	return err
}

// readSummaries fills in each command's summary from the name<TAB>summary
// file. Blank lines and lines starting with '#' are skipped. Every command
// needs exactly one summary, and no summary may name an unknown command or
// repeat the spec's own text.
func readSummaries(file string, byName map[string]*command) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		if text == "" || text[0] == '#' {
			continue
		}
		name, summary, ok := strings.Cut(text, "\t")
		summary = strings.TrimSpace(summary)
		if !ok || summary == "" {
			return fmt.Errorf("%s:%d: want name<TAB>summary", file, line)
		}
		c := byName[name]
		switch {
		case c == nil:
			return fmt.Errorf("%s:%d: no command %q", file, line, name)
		case c.summary != "":
			return fmt.Errorf("%s:%d: second summary for %q", file, line, name)
		case strings.EqualFold(summary, strings.TrimSpace(c.j.Summary)):
			return fmt.Errorf("%s:%d: the summary of %q copies the spec's text; write our own", file, line, name)
		}
		c.summary = summary
	}
	if err := sc.Err(); err != nil {
		return err
	}
	var missing []string
	for name, c := range byName {
		if c.summary == "" {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return fmt.Errorf("%s: no summary for %s", file, strings.Join(missing, ", "))
	}
	return nil
}

func bitsOf(kind string, names []string, table []struct{ json, ident string }) (uint64, error) {
	var b uint64
	for _, n := range names {
		found := false
		for i, t := range table {
			if strings.EqualFold(n, t.json) {
				b |= 1 << i
				found = true
				break
			}
		}
		if !found {
			return 0, fmt.Errorf("unknown %s %q", kind, n)
		}
	}
	return b, nil
}

func bitOf(table []struct{ json, ident string }, name string) uint64 {
	for i, t := range table {
		if t.json == name {
			return 1 << i
		}
	}
	panic("no " + name)
}

// derive computes the flags, categories and key specs, including what
// Valkey adds at startup.
func derive(c *command) error {
	var err error
	if c.flags, err = bitsOf("command flag", c.j.CommandFlags, commandFlags); err != nil {
		return fmt.Errorf("%s: %w", c.file, err)
	}
	if c.cats, err = bitsOf("ACL category", c.j.ACLCategories, categories); err != nil {
		return fmt.Errorf("%s: %w", c.file, err)
	}
	if _, err = bitsOf("doc flag", c.j.DocFlags, docFlags); err != nil {
		return fmt.Errorf("%s: %w", c.file, err)
	}
	if _, ok := groups[c.j.Group]; !ok {
		return fmt.Errorf("%s: unknown group %q", c.file, c.j.Group)
	}
	if c.j.GetKeysFunction != "" && keysProcs[c.j.GetKeysFunction] == "" {
		return fmt.Errorf("%s: unknown getkeys function %q", c.file, c.j.GetKeysFunction)
	}
	for _, h := range c.j.History {
		if len(h) != 2 {
			return fmt.Errorf("%s: history entries have two fields", c.file)
		}
	}

	// setImplicitACLCategories.
	flag := func(n string) bool { return c.flags&bitOf(commandFlags, n) != 0 }
	cat := func(n string) uint64 { return bitOf(categories, n) }
	if flag("WRITE") {
		c.cats |= cat("WRITE")
	}
	if flag("READONLY") && c.cats&cat("SCRIPTING") == 0 {
		c.cats |= cat("READ")
	}
	if flag("ADMIN") {
		c.cats |= cat("ADMIN") | cat("DANGEROUS")
	}
	if flag("PUBSUB") {
		c.cats |= cat("PUBSUB")
	}
	if flag("FAST") {
		c.cats |= cat("FAST")
	}
	if flag("BLOCKING") {
		c.cats |= cat("BLOCKING")
	}
	if c.cats&cat("FAST") == 0 {
		c.cats |= cat("SLOW")
	}

	for i, js := range c.j.KeySpecs {
		ks, err := parseKeySpec(js)
		if err != nil {
			return fmt.Errorf("%s: key spec %d: %w", c.file, i, err)
		}
		c.keySpecs = append(c.keySpecs, ks)
	}
	if err := checkArgs(c.j.Arguments, len(c.keySpecs)); err != nil {
		return fmt.Errorf("%s: %w", c.file, err)
	}
	legacyRange(c)
	return nil
}

func parseKeySpec(js jsonKeySpec) (keySpec, error) {
	ks := keySpec{notes: js.Notes}
	var err error
	if ks.flags, err = bitsOf("key flag", js.Flags, keyFlags); err != nil {
		return ks, err
	}
	if len(js.BeginSearch) != 1 || len(js.FindKeys) != 1 {
		return ks, errors.New("begin_search and find_keys need exactly one kind")
	}
	for kind, raw := range js.BeginSearch {
		switch kind {
		case "index":
			var v struct{ Pos *int }
			if err := strictDecode(raw, &v); err != nil || v.Pos == nil {
				return ks, fmt.Errorf("bad index begin_search %s", raw)
			}
			ks.bsKind, ks.pos = "SearchIndex", *v.Pos
		case "keyword":
			var v struct {
				Keyword   *string
				Startfrom *int
			}
			if err := strictDecode(raw, &v); err != nil || v.Keyword == nil || v.Startfrom == nil {
				return ks, fmt.Errorf("bad keyword begin_search %s", raw)
			}
			ks.bsKind, ks.keyword, ks.start = "SearchKeyword", *v.Keyword, *v.Startfrom
		case "unknown":
			ks.bsKind = "SearchUnknown"
		default:
			return ks, fmt.Errorf("unknown begin_search %q", kind)
		}
	}
	for kind, raw := range js.FindKeys {
		switch kind {
		case "range":
			var v struct{ Lastkey, Step, Limit *int }
			if err := strictDecode(raw, &v); err != nil || v.Lastkey == nil || v.Step == nil || v.Limit == nil {
				return ks, fmt.Errorf("bad range find_keys %s", raw)
			}
			ks.fkKind, ks.lastKey, ks.step, ks.limit = "FindRange", *v.Lastkey, *v.Step, *v.Limit
			if ks.limit != 0 && ks.lastKey != -1 {
				return ks, errors.New("a range limit needs lastkey -1")
			}
		case "keynum":
			var v struct{ Keynumidx, Firstkey, Step *int }
			if err := strictDecode(raw, &v); err != nil || v.Keynumidx == nil || v.Firstkey == nil || v.Step == nil {
				return ks, fmt.Errorf("bad keynum find_keys %s", raw)
			}
			ks.fkKind, ks.keyNum, ks.firstKey, ks.step = "FindKeynum", *v.Keynumidx, *v.Firstkey, *v.Step
		case "unknown":
			ks.fkKind = "FindUnknown"
		default:
			return ks, fmt.Errorf("unknown find_keys %q", kind)
		}
	}
	if ks.fkKind != "FindUnknown" && ks.step < 1 {
		return ks, errors.New("key step below 1")
	}
	return ks, nil
}

func strictDecode(raw json.RawMessage, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

func checkArgs(args []jsonArg, nspecs int) error {
	for _, a := range args {
		if argTypes[a.Type] == "" {
			return fmt.Errorf("argument %q: unknown type %q", a.Name, a.Type)
		}
		nested := a.Type == "oneof" || a.Type == "block"
		if nested != (len(a.Arguments) > 0) {
			return fmt.Errorf("argument %q: only oneof and block have subarguments", a.Name)
		}
		if a.KeySpecIndex != nil && (*a.KeySpecIndex < 0 || *a.KeySpecIndex >= nspecs) {
			return fmt.Errorf("argument %q: key_spec_index out of range", a.Name)
		}
		if a.MultipleToken && !a.Multiple {
			return fmt.Errorf("argument %q: multiple_token without multiple", a.Name)
		}
		if err := checkArgs(a.Arguments, nspecs); err != nil {
			return err
		}
	}
	return nil
}

// legacyRange is Valkey's populateCommandLegacyRangeSpec: the first, last
// and step COMMAND INFO prints, and whether the keys are "movable" (not
// all covered by that one range).
func legacyRange(c *command) {
	movable := func() { c.flags |= bitOf(commandFlags, "MOVABLE_KEYS") }
	incomplete := bitOf(keyFlags, "INCOMPLETE")
	specs := c.keySpecs
	if len(specs) == 0 {
		return
	}
	setRange := func(pos, last, step int) {
		c.firstKey, c.keyStep = pos, step
		c.lastKey = last
		if last >= 0 {
			c.lastKey = pos + last
		}
	}
	if len(specs) == 1 && specs[0].bsKind == "SearchIndex" && specs[0].fkKind == "FindRange" {
		if specs[0].flags&incomplete != 0 {
			movable()
		}
		setRange(specs[0].pos, specs[0].lastKey, specs[0].step)
		return
	}
	first, last, prevLast := math.MaxInt32, int32(0), int32(0)
	for _, ks := range specs {
		if ks.bsKind != "SearchIndex" || ks.fkKind != "FindRange" {
			movable()
			continue
		}
		if ks.step != 1 || (prevLast != 0 && int(prevLast) != ks.pos-1) {
			movable()
			continue
		}
		if ks.flags&incomplete != 0 {
			movable()
		}
		first = min(first, ks.pos)
		abs := int32(ks.lastKey)
		if abs >= 0 {
			abs += int32(ks.pos)
		}
		if uint32(abs) > uint32(last) { // Valkey compares as unsigned: -1 is the largest
			last = abs
		}
		prevLast = last
	}
	if first == math.MaxInt32 {
		movable()
		return
	}
	rel := int(last)
	if last >= 0 {
		rel = int(last) - first
	}
	setRange(first, rel, 1)
}

// Output.

func emit(top []*command) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(`// Code generated by "go run ./gen"; DO NOT EDIT.

// The facts in this file (names, arity, flags, ACL categories, key specs,
// argument grammar, history, complexity, tips) come from Valkey's command
// specs, src/commands/*.json, Copyright (c) Valkey contributors, under the
// BSD 3-Clause license (see ../shared/commands/COPYING). The summaries are
// Petrel's own, from summaries.txt.

package cmdspec

`)
	idents := map[string]string{}
	var walk func(c *command) error
	walk = func(c *command) error {
		id := ident(c.name)
		if other, ok := idents[id]; ok {
			return fmt.Errorf("commands %q and %q both map to %s", other, c.name, id)
		}
		idents[id] = c.name
		for _, s := range c.subs {
			if err := walk(s); err != nil {
				return err
			}
		}
		return nil
	}
	maxLen := 0
	for _, c := range top {
		if err := walk(c); err != nil {
			return nil, err
		}
		maxLen = max(maxLen, len(c.name))
	}

	onlySentinel := bitOf(commandFlags, "ONLY_SENTINEL")
	var server, sentinel []*command
	for _, c := range top {
		if c.flags&onlySentinel != 0 {
			sentinel = append(sentinel, c)
		} else {
			server = append(server, c)
		}
	}

	fmt.Fprintf(&b, "// maxNameLen is the length of the longest top-level command name.\nconst maxNameLen = %d\n\n", maxLen)
	b.WriteString("// commands are the top-level commands of a server (not a sentinel), sorted.\nvar commands = []*Spec{\n")
	for _, c := range server {
		fmt.Fprintf(&b, "%s,\n", ident(c.name))
	}
	b.WriteString("}\n\n// sentinelCommands exist only in sentinel mode.\nvar sentinelCommands = []*Spec{\n")
	for _, c := range sentinel {
		fmt.Fprintf(&b, "%s,\n", ident(c.name))
	}
	b.WriteString("}\n\n// byName indexes commands by lower-case name.\nvar byName = map[string]*Spec{\n")
	for _, c := range server {
		fmt.Fprintf(&b, "%q: %s,\n", c.name, ident(c.name))
	}
	b.WriteString("}\n")

	for _, c := range top {
		emitCommand(&b, c)
		for _, s := range c.subs {
			emitCommand(&b, s)
		}
	}
	src, err := format.Source(b.Bytes())
	if err != nil {
		return nil, fmt.Errorf("formatting the output: %w", err)
	}
	return src, nil
}

// ident is the Go variable of a command: "client|no-evict" -> cmdClientNoEvict.
func ident(name string) string {
	var b strings.Builder
	b.WriteString("cmd")
	up := true
	for _, r := range name {
		if !('a' <= r && r <= 'z' || '0' <= r && r <= '9') {
			up = true
			continue
		}
		if up && 'a' <= r && r <= 'z' {
			r -= 'a' - 'A'
		}
		up = false
		b.WriteRune(r)
	}
	return b.String()
}

func bitExpr(bits uint64, table []struct{ json, ident string }) string {
	var parts []string
	for i, t := range table {
		if bits&(1<<i) != 0 {
			parts = append(parts, t.ident)
		}
	}
	return strings.Join(parts, " | ")
}

func namesExpr(names []string, table []struct{ json, ident string }) string {
	b, err := bitsOf("flag", names, table)
	if err != nil {
		panic(err) // checked in derive
	}
	return bitExpr(b, table)
}

func emitCommand(b *bytes.Buffer, c *command) {
	j := &c.j
	fmt.Fprintf(b, "\nvar %s = &Spec{\n", ident(c.name))
	fmt.Fprintf(b, "Name: %q,\n", c.name)
	if c.container != "" {
		fmt.Fprintf(b, "Container: %q,\n", c.container)
	}
	fmt.Fprintf(b, "Arity: %d,\n", *j.Arity)
	if c.flags != 0 {
		fmt.Fprintf(b, "Flags: %s,\n", bitExpr(c.flags, commandFlags))
	}
	fmt.Fprintf(b, "Categories: %s,\n", bitExpr(c.cats, categories))
	if c.firstKey != 0 || c.lastKey != 0 || c.keyStep != 0 {
		fmt.Fprintf(b, "FirstKey: %d, LastKey: %d, KeyStep: %d,\n", c.firstKey, c.lastKey, c.keyStep)
	}
	if len(c.keySpecs) > 0 {
		b.WriteString("KeySpecs: []KeySpec{\n")
		for _, ks := range c.keySpecs {
			b.WriteString("{")
			if ks.notes != "" {
				fmt.Fprintf(b, "Notes: %q, ", ks.notes)
			}
			fmt.Fprintf(b, "Flags: %s,\n", bitExpr(ks.flags, keyFlags))
			switch ks.bsKind {
			case "SearchIndex":
				fmt.Fprintf(b, "BeginSearch: BeginSearch{Kind: SearchIndex, Pos: %d},\n", ks.pos)
			case "SearchKeyword":
				fmt.Fprintf(b, "BeginSearch: BeginSearch{Kind: SearchKeyword, Keyword: %q, StartFrom: %d},\n", ks.keyword, ks.start)
			default:
				b.WriteString("BeginSearch: BeginSearch{Kind: SearchUnknown},\n")
			}
			switch ks.fkKind {
			case "FindRange":
				fmt.Fprintf(b, "FindKeys: FindKeys{Kind: FindRange, LastKey: %d, KeyStep: %d, Limit: %d},\n", ks.lastKey, ks.step, ks.limit)
			case "FindKeynum":
				fmt.Fprintf(b, "FindKeys: FindKeys{Kind: FindKeynum, KeyNumIdx: %d, FirstKey: %d, KeyStep: %d},\n", ks.keyNum, ks.firstKey, ks.step)
			default:
				b.WriteString("FindKeys: FindKeys{Kind: FindUnknown},\n")
			}
			b.WriteString("},\n")
		}
		b.WriteString("},\n")
	}
	if j.GetKeysFunction != "" {
		fmt.Fprintf(b, "KeysProc: %s,\n", keysProcs[j.GetKeysFunction])
	}
	if len(c.subs) > 0 {
		b.WriteString("Subcommands: []*Spec{")
		for i, s := range c.subs {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(ident(s.name))
		}
		b.WriteString("},\n")
	}
	fmt.Fprintf(b, "Group: %q,\n", groups[j.Group])
	if j.Since != "" {
		fmt.Fprintf(b, "Since: %q,\n", j.Since)
	}
	if j.Complexity != "" {
		fmt.Fprintf(b, "Complexity: %q,\n", j.Complexity)
	}
	fmt.Fprintf(b, "Summary: %q,\n", c.summary)
	if len(j.DocFlags) > 0 {
		fmt.Fprintf(b, "DocFlags: %s,\n", namesExpr(j.DocFlags, docFlags))
	}
	if j.DeprecatedSince != "" {
		fmt.Fprintf(b, "DeprecatedSince: %q,\n", j.DeprecatedSince)
	}
	if j.ReplacedBy != "" {
		fmt.Fprintf(b, "ReplacedBy: %q,\n", j.ReplacedBy)
	}
	if len(j.History) > 0 {
		b.WriteString("History: [][2]string{\n")
		for _, h := range j.History {
			fmt.Fprintf(b, "{%q, %q},\n", h[0], h[1])
		}
		b.WriteString("},\n")
	}
	if len(j.Arguments) > 0 {
		b.WriteString("Arguments: []Arg{\n")
		emitArgs(b, j.Arguments)
		b.WriteString("},\n")
	}
	if len(j.CommandTips) > 0 {
		b.WriteString("Tips: []string{")
		for i, t := range j.CommandTips {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(b, "%q", strings.ToLower(t))
		}
		b.WriteString("},\n")
	}
	b.WriteString("}\n")
}

func emitArgs(b *bytes.Buffer, args []jsonArg) {
	for _, a := range args {
		fmt.Fprintf(b, "{Name: %q, Type: %s", strings.ToLower(a.Name), argTypes[a.Type])
		nested := a.Type == "oneof" || a.Type == "block"
		if a.Display != "" && !nested {
			fmt.Fprintf(b, ", DisplayText: %q", strings.ToLower(a.Display))
		}
		if a.KeySpecIndex != nil {
			fmt.Fprintf(b, ", KeySpecIndex: %d", *a.KeySpecIndex)
		} else {
			b.WriteString(", KeySpecIndex: -1")
		}
		if a.Token != "" {
			fmt.Fprintf(b, ", Token: %q", strings.ToUpper(a.Token))
		}
		if a.emptyToken {
			b.WriteString(", EmptyToken: true")
		}
		if a.Since != "" {
			fmt.Fprintf(b, ", Since: %q", a.Since)
		}
		if a.DeprecatedSince != "" {
			fmt.Fprintf(b, ", DeprecatedSince: %q", a.DeprecatedSince)
		}
		var fl []string
		if a.Optional {
			fl = append(fl, "ArgOptional")
		}
		if a.Multiple {
			fl = append(fl, "ArgMultiple")
		}
		if a.MultipleToken {
			fl = append(fl, "ArgMultipleToken")
		}
		if len(fl) > 0 {
			fmt.Fprintf(b, ", Flags: %s", strings.Join(fl, " | "))
		}
		if nested {
			b.WriteString(", Subargs: []Arg{\n")
			emitArgs(b, a.Arguments)
			b.WriteString("}")
		}
		b.WriteString("},\n")
	}
}
