package config

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestSplitArgs(t *testing.T) {
	cases := []struct {
		line string
		want []string
		err  bool
	}{
		{"", nil, false},
		{"   \t ", nil, false},
		{"set a b", []string{"set", "a", "b"}, false},
		{"  set   a\tb  ", []string{"set", "a", "b"}, false},
		{`"a b" c`, []string{"a b", "c"}, false},
		{`"\x41\x4a\x4B" "\n\r\t\b\a\z\\\""`, []string{"AJK", "\n\r\t\b\a" + `z\"`}, false},
		{`"\x4g"`, []string{"x4g"}, false},
		{`'a\'b' 'c\nd'`, []string{"a'b", `c\nd`}, false},
		{`"a"b 'c'"d"e`, []string{"ab", "cde"}, false}, // quotes do not end a word
		{`""`, []string{""}, false},
		{`''`, []string{""}, false},
		{`"unterminated`, nil, true},
		{`'unterminated`, nil, true},
		{`"ends with backslash\`, nil, true},
		{"a\x00b c", []string{"a"}, false}, // the line ends at NUL
		{"a\vb", []string{"a\vb"}, false},  // \v separates only between words
		{"\va", []string{"a"}, false},
	}
	for _, tc := range cases {
		got, err := SplitArgs(tc.line)
		if (err != nil) != tc.err {
			t.Errorf("SplitArgs(%q) error %v, want error %v", tc.line, err, tc.err)
			continue
		}
		if err != nil && !errors.Is(err, ErrUnbalancedQuotes) {
			t.Errorf("SplitArgs(%q) error %v", tc.line, err)
		}
		if !tc.err && !reflect.DeepEqual(got, tc.want) {
			t.Errorf("SplitArgs(%q) = %q, want %q", tc.line, got, tc.want)
		}
	}
}

func TestQuoteRoundTrip(t *testing.T) {
	for _, s := range []string{"", "plain", `a"b c`, "tab\there\n", "\x00\x01\xff\\", "{title} {listen-addr}"} {
		args, err := SplitArgs(Quote(s))
		if err != nil || len(args) != 1 || args[0] != s {
			t.Errorf("SplitArgs(Quote(%q)) = %q, %v", s, args, err)
		}
	}
	if got := Quote("a\"b c"); got != `"a\"b c"` {
		t.Errorf("Quote = %s", got)
	}
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// Every error text here is what valkey-server 9.0.4 prints for the same
// file or command line.
func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name string
		file string   // config file content ("" for none)
		args []string // command line after the file
		want string   // Error() text
	}{
		{"unknown directive", "port 7712\n# comment\n\n  foo bar  \n", nil,
			"*** FATAL CONFIG FILE ERROR (Version 9.0.4) ***\nReading the configuration file, at line 4\n>>> 'foo bar'\nBad directive or wrong number of arguments"},
		{"too many arguments", "port 7712 7713\n", nil,
			"*** FATAL CONFIG FILE ERROR (Version 9.0.4) ***\nReading the configuration file, at line 1\n>>> 'port 7712 7713'\nwrong number of arguments"},
		{"unbalanced quotes", "port \"7712\n", nil,
			"*** FATAL CONFIG FILE ERROR (Version 9.0.4) ***\nReading the configuration file, at line 1\n>>> 'port \"7712'\nUnbalanced quotes in configuration line"},
		{"bad bool", "daemonize maybe\n", nil,
			"*** FATAL CONFIG FILE ERROR (Version 9.0.4) ***\nReading the configuration file, at line 1\n>>> 'daemonize maybe'\nargument must be 'yes' or 'no'"},
		{"option value", "", []string{"--port", "abc"},
			"*** FATAL CONFIG FILE ERROR (Version 9.0.4) ***\nReading the configuration file, at line 2\n>>> 'port \"abc\"'\nargument couldn't be parsed into an integer"},
		{"option without value", "", []string{"--port", "1", "--hz"},
			"*** FATAL CONFIG FILE ERROR (Version 9.0.4) ***\nReading the configuration file, at line 3\n>>> 'hz'\nwrong number of arguments"},
		{"unknown option", "", []string{"--hz", "10", "--foo"},
			"*** FATAL CONFIG FILE ERROR (Version 9.0.4) ***\nReading the configuration file, at line 3\n>>> 'foo'\nBad directive or wrong number of arguments"},
		{"lone option", "", []string{"--port"},
			"*** FATAL CONFIG FILE ERROR (Version 9.0.4) ***\nReading the configuration file, at line 2\n>>> 'port'\nwrong number of arguments"},
		{"file then option", "port 7712\n# comment\n\n  foo bar  \n", []string{"--port", "abc"},
			"*** FATAL CONFIG FILE ERROR (Version 9.0.4) ***\nReading the configuration file, at line 4\n>>> 'foo bar'\nBad directive or wrong number of arguments"},
		{"module config without value", "", []string{"--port", "7719", "--foo.bar"},
			"*** FATAL CONFIG FILE ERROR (Version 9.0.4) ***\nReading the configuration file, at line 3\n>>> 'foo.bar'\nModule config specified without value"},
		{"loadmodule without path", "", []string{"--port", "7719", "--loadmodule"},
			"*** FATAL CONFIG FILE ERROR (Version 9.0.4) ***\nReading the configuration file, at line 3\n>>> 'loadmodule'\nBad directive or wrong number of arguments"},
		{"user without name", "", []string{"--port", "7719", "--user"},
			"*** FATAL CONFIG FILE ERROR (Version 9.0.4) ***\nReading the configuration file, at line 3\n>>> 'user'\nBad directive or wrong number of arguments"},
		{"sentinel directive", "sentinel monitor x 127.0.0.1 1 1\n", nil,
			"*** FATAL CONFIG FILE ERROR (Version 9.0.4) ***\nReading the configuration file, at line 1\n>>> 'sentinel monitor x 127.0.0.1 1 1'\nsentinel directive while not in sentinel mode"},
		{"bad logfile", "", []string{"--port", "7719", "--include", "/nonexist*", "--logfile", "/nonexist/x"},
			"*** FATAL CONFIG FILE ERROR (Version 9.0.4) ***\nCan't open the log file: No such file or directory"},
		{"replicaof in cluster mode", "", []string{"--port", "7719", "--cluster-enabled", "yes", "--replicaof", "a", "1"},
			"*** FATAL CONFIG FILE ERROR (Version 9.0.4) ***\nreplicaof directive not allowed in cluster mode"},
		{"bad primary port", "replicaof host 70000\n", nil,
			"*** FATAL CONFIG FILE ERROR (Version 9.0.4) ***\nReading the configuration file, at line 1\n>>> 'replicaof host 70000'\nInvalid primary port"},
		{"include missing file", "", []string{"--port", "7719", "--include", "/nonexist"},
			"Fatal error, can't open config file '/nonexist': No such file or directory"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := newTestConfig(t)
			args := tc.args
			if tc.file != "" {
				args = append([]string{writeFile(t, dir, "c.conf", tc.file)}, args...)
			}
			err := c.ParseArgsFrom(args, nil)
			if err == nil {
				t.Fatalf("no error, want %q", tc.want)
			}
			if err.Error() != tc.want {
				t.Errorf("got\n%s\nwant\n%s", err, tc.want)
			}
		})
	}
}

func TestLoadErrorStderr(t *testing.T) {
	e := &LoadError{Line: 1, Text: "hz", Reason: "wrong number of arguments"}
	want := "\n*** FATAL CONFIG FILE ERROR (Version 9.0.4) ***\nReading the configuration file, at line 1\n>>> 'hz'\nwrong number of arguments\n"
	if e.Stderr() != want {
		t.Errorf("Stderr() = %q", e.Stderr())
	}
}

func TestParseCommandLine(t *testing.T) {
	c := newTestConfig(t)
	wd, _ := c.getwd()
	cases := []struct {
		args []string
		want CommandLine
	}{
		{[]string{"-v"}, CommandLine{Action: ActionVersion}},
		{[]string{"--version", "x"}, CommandLine{Action: ActionVersion}},
		{[]string{"-h"}, CommandLine{Action: ActionHelp}},
		{[]string{"--check-system"}, CommandLine{Action: ActionCheckSystem}},
		{[]string{"--test-memory", "4096"}, CommandLine{Action: ActionTestMemory, TestMemoryMB: 4096}},
		{[]string{"--port", "7000", "--hz", "10"}, CommandLine{Options: "port \"7000\" \nhz \"10\" "}},
		{[]string{"/etc/v.conf", "--port", "7000"}, CommandLine{ConfigFile: "/etc/v.conf", Options: "port \"7000\" "}},
		{[]string{"v.conf"}, CommandLine{ConfigFile: wd + "/v.conf"}},
		{[]string{"../v.conf"}, CommandLine{ConfigFile: filepath.Dir(wd) + "/v.conf"}},
		{[]string{"-", "--port", "1"}, CommandLine{Stdin: true, Options: "port \"1\" "}},
		{[]string{"--port", "1", "-"}, CommandLine{Stdin: true, Options: "port \"1\" "}},
		{[]string{"--save", "100", "1", "--save", "200", "2"}, CommandLine{Options: "save \"100\" \"1\" \nsave \"200\" \"2\" "}},
		{[]string{"--save", "--hz", "20"}, CommandLine{Options: "save \"\"\nhz \"20\" "}},
		{[]string{"--port", "1", "--save"}, CommandLine{Options: "port \"1\" \nsave \"\""}},
		{[]string{"--save 100 1", "--bind", "127.0.0.1", "::1"}, CommandLine{Options: "save 100 1 \nbind \"127.0.0.1\" \"::1\" "}},
		{[]string{"--requirepass", "--not-an-option"}, CommandLine{Options: "requirepass \"--not-an-option\" "}},
		{[]string{"--port", "1", "-", "--hz", "2"}, CommandLine{Options: "port \"1\" \"-\" \nhz \"2\" "}},
	}
	for _, tc := range cases {
		got, err := c.ParseCommandLine(tc.args)
		if err != nil {
			t.Errorf("%q: %v", tc.args, err)
			continue
		}
		got.empty = false
		if !reflect.DeepEqual(*got, tc.want) {
			t.Errorf("%q:\n got %+v\nwant %+v", tc.args, *got, tc.want)
		}
	}
	if _, err := c.ParseCommandLine([]string{"--test-memory"}); err != ErrTestMemoryUsage {
		t.Errorf("--test-memory alone: %v", err)
	}
}

// Results checked against valkey-server 9.0.4 started the same way.
func TestLoadSemantics(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "empty.conf", "")
	writeFile(t, dir, "d/a.conf", "hz 5\nhz 6\n")
	writeFile(t, dir, "d/.hidden.conf", "hz 99\n")
	cases := []struct {
		name  string
		file  string
		args  []string
		stdin string
		want  map[string]string
	}{
		{"save options append", "", []string{"--save", "100", "1", "--save", "200", "2"}, "",
			map[string]string{"save": "100 1 200 2"}},
		{"empty save option", "", []string{"--save", "--hz", "20"}, "",
			map[string]string{"save": "", "hz": "20"}},
		{"multi-arg in one word", "", []string{"--save 100 1", "--bind", "127.0.0.1", "::1"}, "",
			map[string]string{"save": "100 1", "bind": "127.0.0.1 ::1"}},
		{"save lines replace defaults then append", "save 300 3\nsave \"\"\nsave 10 1\n", nil, "",
			map[string]string{"save": "10 1"}},
		{"file, then options", "hz 5\nsave 1 1\nsave 2 2\n", []string{"--save", "3", "3"}, "",
			map[string]string{"save": "1 1 2 2 3 3", "hz": "5"}},
		{"save after include replaces", "hz 5\nsave 1 1\ninclude " + dir + "/empty.conf\nsave 2 2\n", nil, "",
			map[string]string{"save": "2 2"}},
		{"no save line keeps defaults", "hz 5\n", nil, "",
			map[string]string{"save": "3600 1 300 100 60 10000"}},
		{"stdin", "", []string{"-", "--port", "7714"}, "hz 33\n",
			map[string]string{"hz": "33", "port": "7714"}},
		{"hz clamped at load", "hz 1000\n", nil, "", map[string]string{"hz": "500"}},
		{"backlog not clamped at load", "repl-backlog-size 1\n", nil, "", map[string]string{"repl-backlog-size": "1"}},
		{"glob include skips dot files", "include " + dir + "/d/*.conf\n", nil, "", map[string]string{"hz": "6"}},
		{"empty glob include", "include " + dir + "/none/*.conf\nhz 7\n", nil, "", map[string]string{"hz": "7"}},
		{"aliases and case", "SLAVEOF host 6380\nHash-Max-Ziplist-Entries 7\nlua-time-limit 9\n", nil, "",
			map[string]string{"replicaof": "host 6380", "hash-max-listpack-entries": "7", "busy-reply-threshold": "9"}},
		{"replicaof no one", "replicaof host 1\nreplicaof no one\n", nil, "", map[string]string{"replicaof": ""}},
		{"deprecated directives", "dynamic-hz yes\nlist-max-ziplist-entries 512\nio-threads-do-reads yes\n", nil, "",
			map[string]string{"hz": "10"}},
		{"immutable from file", "daemonize yes\ndatabases 4\nunixsocketperm 700\n", nil, "",
			map[string]string{"daemonize": "yes", "databases": "4", "unixsocketperm": "700"}},
		{"quoted values", "requirepass \"a b\\x21\"\nbind '127.0.0.1 ::1'\n", nil, "",
			map[string]string{"requirepass": "a b!", "bind": "127.0.0.1 ::1"}},
		{"bare sentinel is ignored", "sentinel\nhz 8\n", nil, "", map[string]string{"hz": "8"}},
		{"client-output-buffer-limit lines merge", "client-output-buffer-limit normal 1mb 2mb 3\nclient-output-buffer-limit pubsub 0 0 0\n", nil, "",
			map[string]string{"client-output-buffer-limit": "normal 1048576 2097152 3 slave 268435456 67108864 60 pubsub 0 0 0"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := newTestConfig(t)
			args := tc.args
			if tc.file != "" {
				args = append([]string{writeFile(t, dir, "c.conf", tc.file)}, args...)
			}
			if err := c.ParseArgsFrom(args, strings.NewReader(tc.stdin)); err != nil {
				t.Fatal(err)
			}
			for name, want := range tc.want {
				if got, _ := c.Get(name); got != want {
					t.Errorf("%s = %q, want %q", name, got, want)
				}
			}
		})
	}
}

func TestLoadFileOnlyDirectives(t *testing.T) {
	var renames [][2]string
	c := newTestConfig(t)
	c.Hooks.RenameCommand = func(from, to string) error {
		if from == "GETX" {
			return errors.New("No such command in rename-command")
		}
		renames = append(renames, [2]string{from, to})
		return nil
	}
	c.Hooks.User = func(args []string) error {
		if args[2] == "badrule" {
			return errors.New("Error in user declaration 'user': Syntax error")
		}
		return nil
	}
	text := "rename-command FLUSHALL \"\"\nrename-command CONFIG cfg\nuser alice on >pw ~* +@all\n" +
		"loadmodule /lib/m.so a b\nmymod.opt 1 2\nmymod.opt 3\nother.x y\n"
	if err := c.LoadString(text); err != nil {
		t.Fatal(err)
	}
	if want := [][2]string{{"FLUSHALL", ""}, {"CONFIG", "cfg"}}; !reflect.DeepEqual(c.RenamedCommands(), want) || !reflect.DeepEqual(renames, want) {
		t.Errorf("renames %q", c.RenamedCommands())
	}
	if want := [][]string{{"user", "alice", "on", ">pw", "~*", "+@all"}}; !reflect.DeepEqual(c.Users(), want) {
		t.Errorf("users %q", c.Users())
	}
	if want := []Module{{"/lib/m.so", []string{"a", "b"}}}; !reflect.DeepEqual(c.Modules(), want) {
		t.Errorf("modules %q", c.Modules())
	}
	if want := []Pair{{"mymod.opt", "3"}, {"other.x", "y"}}; !reflect.DeepEqual(c.ModuleConfigs(), want) {
		t.Errorf("module configs %q", c.ModuleConfigs())
	}
	for text, want := range map[string]string{
		"rename-command GETX foo\n": "*** FATAL CONFIG FILE ERROR (Version 9.0.4) ***\nReading the configuration file, at line 1\n>>> 'rename-command GETX foo'\nNo such command in rename-command",
		"user foo badrule\n":        "*** FATAL CONFIG FILE ERROR (Version 9.0.4) ***\nReading the configuration file, at line 1\n>>> 'user foo badrule'\nError in user declaration 'user': Syntax error",
	} {
		if err := c.LoadString(text); err == nil || err.Error() != want {
			t.Errorf("%q: %v", text, err)
		}
	}
}

func TestIncludeErrorLineNumbers(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "d/a.conf", "hz 5\nhz 6\n")
	writeFile(t, dir, "d/b.conf", "bogus 1\n")
	main := writeFile(t, dir, "main.conf", "# main\ninclude "+dir+"/d/*.conf\n")
	c := newTestConfig(t)
	err := c.LoadFile(main)
	// Matched files are read as one text: b.conf's first line is line 3.
	want := "*** FATAL CONFIG FILE ERROR (Version 9.0.4) ***\nReading the configuration file, at line 3\n>>> 'bogus 1'\nBad directive or wrong number of arguments"
	if err == nil || err.Error() != want {
		t.Errorf("got %v", err)
	}
}

func TestLoadFileMissing(t *testing.T) {
	c := newTestConfig(t)
	err := c.LoadFile("/nonexistent/valkey.conf")
	var oe *OpenError
	if !errors.As(err, &oe) || err.Error() != "Fatal error, can't open config file '/nonexistent/valkey.conf': No such file or directory" {
		t.Errorf("got %v", err)
	}
}

func TestNoArgumentsLoadsNothing(t *testing.T) {
	c := newTestConfig(t)
	if err := c.ParseArgsFrom(nil, nil); err != nil {
		t.Fatal(err)
	}
	if c.File() != "" {
		t.Errorf("file %q", c.File())
	}
}
