package config

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Loading a configuration the way valkey-server does: the config file,
// then standard input, then the --name value options of the command line,
// concatenated into one text and read line by line. Line numbers in errors
// count across that whole text.

// Action is what a valkey-server command line asks for.
type Action int

const (
	// ActionRun starts the server.
	ActionRun Action = iota
	// ActionVersion prints "Valkey server v=..." and exits 0 (-v, --version).
	ActionVersion
	// ActionHelp prints Usage to stdout and exits 0 (-h, --help).
	ActionHelp
	// ActionTestMemory runs the memory test (--test-memory <megabytes>).
	ActionTestMemory
	// ActionCheckSystem runs the system checks (--check-system).
	ActionCheckSystem
)

// Usage is valkey-server's --help text for a program name such as
// "./petrel-server".
func Usage(program string) string {
	return strings.NewReplacer("PROG", program).Replace(`Usage: PROG [/path/to/valkey.conf] [options] [-]
       PROG - (read config from stdin)
       PROG -v or --version
       PROG -h or --help
       PROG --test-memory <megabytes>
       PROG --check-system

Examples:
       PROG (run the server with default conf)
       echo 'maxmemory 128mb' | PROG -
       PROG /etc/valkey/6379.conf
       PROG --port 7777
       PROG --port 7777 --replicaof 127.0.0.1 8888
       PROG /etc/myvalkey.conf --loglevel verbose -
       PROG /etc/myvalkey.conf --loglevel verbose

Sentinel mode:
       PROG /etc/sentinel.conf --sentinel
`)
}

// CommandLine is a parsed valkey-server command line.
type CommandLine struct {
	Action Action
	// TestMemoryMB is the argument of --test-memory.
	TestMemoryMB int
	// ConfigFile is the absolute path of the config file, "" if none.
	ConfigFile string
	// Stdin is set when "-" asks for configuration on standard input.
	Stdin bool
	// Options holds the --name value arguments as config file lines.
	Options string
	// empty is set when there were no arguments at all: Valkey then reads
	// no configuration.
	empty bool
}

// ParseCommandLine parses valkey-server's arguments (without the program
// name) as Valkey's main does. Only the first argument can ask for
// something other than running: -v/--version, -h/--help, --test-memory N,
// --check-system. Then an optional config file path (an argument not
// starting with '-'), "-" (first or last) to read standard input, and
// --name value [value ...] options.
func (c *Config) ParseCommandLine(args []string) (*CommandLine, error) {
	cl := &CommandLine{empty: len(args) == 0}
	if len(args) == 0 {
		return cl, nil
	}
	switch args[0] {
	case "-v", "--version":
		cl.Action = ActionVersion
		return cl, nil
	case "--help", "-h":
		cl.Action = ActionHelp
		return cl, nil
	case "--test-memory":
		if len(args) != 2 {
			return nil, ErrTestMemoryUsage
		}
		n, _, _ := cStrtoll(args[1], 10) // atoi
		cl.Action, cl.TestMemoryMB = ActionTestMemory, int(int32(n))
		return cl, nil
	case "--check-system":
		cl.Action = ActionCheckSystem
		return cl, nil
	}
	j := 0
	if !strings.HasPrefix(args[0], "-") {
		cl.ConfigFile = c.absolutePath(args[0])
		j = 1
	}
	var opts strings.Builder
	handledLast := true // the previous option name got at least one value
	for ; j < len(args); j++ {
		a := args[j]
		last := j == len(args)-1
		switch {
		case a == "-" && (j == 0 || last):
			cl.Stdin = true
		case handledLast && strings.HasPrefix(a, "--"):
			if opts.Len() > 0 {
				opts.WriteByte('\n')
			}
			opts.WriteString(a[2:])
			opts.WriteByte(' ')
			words, err := SplitArgs(a)
			if err != nil || len(words) != 1 {
				// "--port 6380" in one argument carries its value.
				handledLast = true
				continue
			}
			handledLast = false
			nextIsOption := !last && strings.HasPrefix(args[j+1], "--")
			switch {
			case strings.EqualFold(a, "--save") && nextIsOption:
				// "--save --port 1": an empty save, as before Valkey 7.0.1.
				opts.WriteString(`""`)
				handledLast = true
			case strings.EqualFold(a, "--save") && last:
				opts.WriteString(`""`)
			case strings.EqualFold(a, "--sentinel") && nextIsOption:
				handledLast = true
			}
		default:
			opts.WriteString(Quote(a))
			opts.WriteByte(' ')
			handledLast = true
		}
	}
	cl.Options = opts.String()
	return cl, nil
}

// ParseArgs loads the configuration a valkey-server command line names
// (config file, standard input, options), reading standard input from
// os.Stdin. It is ParseArgsFrom(args, os.Stdin).
func (c *Config) ParseArgs(args []string) error {
	return c.ParseArgsFrom(args, os.Stdin)
}

// ParseArgsFrom loads the configuration a command line names. The caller
// must first handle ParseCommandLine's Action: ParseArgsFrom refuses a
// command line that does not ask to run. Errors are *LoadError (print its
// Stderr() and exit 1), *OpenError (log it and exit 1) or
// ErrTestMemoryUsage.
func (c *Config) ParseArgsFrom(args []string, stdin io.Reader) error {
	cl, err := c.ParseCommandLine(args)
	if err != nil {
		return err
	}
	if cl.Action != ActionRun {
		return errors.New("config: the command line does not ask to run the server")
	}
	return c.LoadCommandLine(cl, stdin)
}

// LoadCommandLine loads what a parsed command line names.
func (c *Config) LoadCommandLine(cl *CommandLine, stdin io.Reader) error {
	if cl.empty {
		return nil
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	var text strings.Builder
	if cl.ConfigFile != "" {
		c.mu.Lock()
		c.mu.file = cl.ConfigFile
		c.mu.Unlock()
		if err := readConfigFiles(&text, cl.ConfigFile); err != nil {
			return err
		}
	}
	if cl.Stdin && stdin != nil {
		data, err := io.ReadAll(stdin)
		if err != nil {
			return err
		}
		text.Write(data)
	}
	text.WriteByte('\n')
	text.WriteString(cl.Options)
	return c.loadTextLocked(text.String())
}

// LoadFile loads a config file as "valkey-server path" does and remembers
// its absolute path for Rewrite. Errors are *LoadError or *OpenError.
func (c *Config) LoadFile(path string) error {
	return c.LoadCommandLine(&CommandLine{ConfigFile: c.absolutePath(path)}, nil)
}

// LoadString loads configuration text as if read from a config file (with
// no file to rewrite). Errors are *LoadError or *OpenError (include).
func (c *Config) LoadString(text string) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	return c.loadTextLocked(text)
}

// readConfigFiles appends a config file's text. A path with glob
// characters reads every match in order and none is not an error, so that
// "include /etc/valkey/conf.d/*.conf" works on an empty directory.
func readConfigFiles(dst *strings.Builder, path string) error {
	paths := []string{path}
	if strings.ContainsAny(path, "*?[") {
		matches, _ := filepath.Glob(path)
		paths = paths[:0]
		hiddenOK := strings.HasPrefix(filepath.Base(path), ".")
		for _, m := range matches {
			if !hiddenOK && strings.HasPrefix(filepath.Base(m), ".") {
				continue // glob(3) does not let '*' match a leading dot
			}
			paths = append(paths, m)
		}
	}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return &OpenError{Path: p, Err: err}
		}
		dst.Write(data)
	}
	return nil
}

// loadTextLocked reads configuration text, as Valkey's
// loadServerConfigFromString. The caller holds wmu.
func (c *Config) loadTextLocked(text string) error {
	c.readingFile = true
	for i, raw := range strings.Split(text, "\n") {
		line := strings.Trim(raw, " \t\r\n")
		if line == "" || line[0] == '#' {
			continue
		}
		fail := func(why string) error { return &LoadError{Line: i + 1, Text: line, Reason: why} }
		args, err := SplitArgs(line)
		if err != nil {
			return fail(errUnbalancedLine)
		}
		if len(args) == 0 {
			continue
		}
		name := strings.ToLower(args[0])
		if d, ok := Lookup(name); ok {
			if err := c.loadDirectiveLocked(d, args); err != nil {
				return fail(err.Error())
			}
			continue
		}
		if deprecated[name] && len(args) == 2 {
			continue
		}
		switch {
		case name == "include" && len(args) == 2:
			var inc strings.Builder
			if err := readConfigFiles(&inc, args[1]); err != nil {
				return err
			}
			if err := c.loadTextLocked(inc.String()); err != nil {
				return err
			}
		case name == "rename-command" && len(args) == 3:
			if h := c.Hooks.RenameCommand; h != nil {
				if err := h(args[1], args[2]); err != nil {
					return fail(err.Error())
				}
			}
			c.mu.Lock()
			c.mu.renames = append(c.mu.renames, [2]string{args[1], args[2]})
			c.mu.Unlock()
		case name == "user" && len(args) >= 2:
			if h := c.Hooks.User; h != nil {
				if err := h(args); err != nil {
					return fail(err.Error())
				}
			}
			c.mu.Lock()
			c.mu.users = append(c.mu.users, args)
			c.mu.Unlock()
		case name == "loadmodule" && len(args) >= 2:
			if h := c.Hooks.LoadModule; h != nil {
				if err := h(args[1], args[2:]); err != nil {
					return fail(err.Error())
				}
			}
			c.mu.Lock()
			c.mu.modules = append(c.mu.modules, Module{Path: args[1], Args: args[2:]})
			c.mu.Unlock()
		case strings.Contains(name, "."):
			if len(args) < 2 {
				return fail(errModuleNoValue)
			}
			c.addModuleConfig(name, strings.Join(args[1:], " "))
		case name == "sentinel":
			// A bare "sentinel" is how Valkey marks sentinel mode, which
			// Petrel does not implement; it is ignored as in server mode.
			if len(args) != 1 {
				return fail(errSentinel)
			}
		default:
			return fail(errBadDirective)
		}
	}

	// Checks Valkey makes once the text is read.
	if lf := c.valueLocked(lookupIndex("logfile")).(string); lf != "" {
		f, err := os.OpenFile(lf, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o666)
		if err != nil {
			return &LoadError{Reason: errLogfile + strerror(err)}
		}
		f.Close()
	}
	if c.valueLocked(lookupIndex("cluster-enabled")).(bool) && c.valueLocked(lookupIndex("replicaof")).(Replicaof).Host != "" {
		return &LoadError{Reason: errReplicaofCluster}
	}
	// Valkey clears this flag at the end of every text, included files
	// too, so "save" lines after an include replace rather than append.
	c.readingFile = false
	return nil
}

// loadDirectiveLocked sets a directive from a config file line. Values
// take effect at once (dir changes directory); no change hook runs.
func (c *Config) loadDirectiveLocked(d *Directive, args []string) error {
	vals := args[1:]
	if d.Flags&MultiArg == 0 {
		if len(args) != 2 {
			return errWrongArgs
		}
	} else if len(args) == 2 && args[1] != "" {
		// "save '900 1'" and --save "900 1": split the single argument.
		vals, _ = SplitArgs(args[1]) // unbalanced quotes: no arguments, as in C
	}
	isSave := d.Name == "save"
	v, err := d.parse(c, c.valueLocked(d.index), vals, isSave && c.readingFile && c.saveLoaded)
	if err != nil {
		return err
	}
	if isSave && c.readingFile {
		c.saveLoaded = true
	}
	if d.Type == Special && d.sp.commit != nil {
		if v, err = d.sp.commit(c, v); err != nil {
			return err
		}
	}
	c.mu.Lock()
	c.storeLocked(d, v)
	c.mu.Unlock()
	return nil
}

func (c *Config) addModuleConfig(name, value string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i := range c.mu.moduleConfigs {
		if c.mu.moduleConfigs[i].Name == name {
			c.mu.moduleConfigs[i].Value = value
			return
		}
	}
	c.mu.moduleConfigs = append(c.mu.moduleConfigs, Pair{name, value})
}

// absolutePath is Valkey's getAbsolutePath: trimmed, joined to the working
// directory when relative, with leading "../" elements folded into it.
func (c *Config) absolutePath(p string) string {
	p = strings.Trim(p, " \r\n\t")
	if strings.HasPrefix(p, "/") {
		return p
	}
	wd, err := c.getwd()
	if err != nil {
		return p
	}
	if !strings.HasSuffix(wd, "/") {
		wd += "/"
	}
	for strings.HasPrefix(p, "../") {
		p = p[3:]
		if len(wd) > 1 {
			i := strings.LastIndexByte(wd[:len(wd)-1], '/')
			wd = wd[:i+1]
		}
	}
	return wd + p
}
