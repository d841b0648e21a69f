package config

import (
	"os"
	"sort"
	"strings"
	"sync"

	"petrel/internal/glob"
)

// Config holds the value of every directive of one server.
//
// Concurrency: any goroutine may read (Get, GetPattern, the typed getters,
// Hot) at any time. Changes (SetMany, the loaders, Rewrite, OnChange) are
// serialized by one writer lock, and change hooks run while it is held: a
// hook may read the Config but must not change it. Values are swapped under
// an RWMutex, so a reader sees each directive either before or after a
// change, never half of one.
type Config struct {
	// Hot mirrors the directives read on hot paths as atomics.
	Hot Hot
	// Hooks connect the directives this package does not own (users,
	// modules, renamed commands) to the server. Set them before loading.
	Hooks Hooks

	// wmu serializes changes. It guards the fields below it.
	wmu         sync.Mutex
	onChange    [][]ChangeFunc // by directive index
	saveLoaded  bool           // a config file's first "save" line replaced the defaults
	readingFile bool           // a config file is being read ("save" lines then append)

	// mu guards what readers may see. Writers hold wmu too, so they may
	// read these fields without mu; they take mu to write them.
	mu struct {
		sync.RWMutex
		vals          []any // by directive index
		file          string
		renames       [][2]string
		users         [][]string
		modules       []Module
		moduleConfigs []Pair
	}

	chdir func(dir string) error
	getwd func() (string, error)
}

// ChangeFunc reacts to a directive's change. old and new are CONFIG GET's
// text. An error fails the CONFIG SET and rolls every change back; its
// text becomes the reason in the reply.
type ChangeFunc func(old, new string) error

// Hooks let the server take part in loading and rewriting.
type Hooks struct {
	// RenameCommand checks a config file's "rename-command from to";
	// an error aborts the load with its text as the reason ("No such
	// command in rename-command"). When nil, renames are only recorded.
	RenameCommand func(from, to string) error
	// User checks a config file's "user name rules..." line (the whole
	// argument list, "user" first). Its error text is the reason, e.g.
	// "Error in user declaration 'user': Syntax error".
	User func(args []string) error
	// LoadModule checks a "loadmodule path args..." line.
	LoadModule func(path string, args []string) error
	// RewriteUsers returns the "user ..." lines CONFIG REWRITE writes
	// (ACL SETUSER state). When nil, the file's user lines are kept as
	// they are, unless aclfile is set (then they are removed, as Valkey
	// does).
	RewriteUsers func() []string
	// RewriteModules returns the "loadmodule ..." lines of loaded
	// modules. When nil, the file's loadmodule lines are kept.
	RewriteModules func() []string
	// Warn receives warnings Valkey would log (a rollback that failed).
	Warn func(msg string)
}

// Module is a "loadmodule" directive.
type Module struct {
	Path string
	Args []string
}

// Pair is a directive name and its value as CONFIG GET prints it.
type Pair struct {
	Name, Value string
}

// New returns a Config holding Valkey's defaults, with dir set to the
// current working directory.
func New() *Config {
	c := &Config{chdir: os.Chdir, getwd: os.Getwd}
	c.onChange = make([][]ChangeFunc, len(table))
	c.mu.vals = make([]any, len(table))
	for _, d := range table {
		v := d.def
		if d.Type == Special && d.sp.defArgs == nil { // dir
			wd, _ := c.getwd()
			v = wd
		}
		c.storeLocked(d, v)
	}
	return c
}

// storeLocked sets a value and its Hot mirror. The caller holds wmu and mu
// (or owns c exclusively).
func (c *Config) storeLocked(d *Directive, v any) {
	c.mu.vals[d.index] = v
	if set := hotByIndex[d.index]; set != nil {
		set(&c.Hot, v)
	}
}

// valueLocked reads a value; the caller holds wmu or mu.
func (c *Config) valueLocked(i int) any { return c.mu.vals[i] }

// Get returns a directive's value as CONFIG GET prints it. name may be an
// alias, in any case. Hidden directives are found too.
func (c *Config) Get(name string) (string, bool) {
	d, ok := Lookup(name)
	if !ok {
		return "", false
	}
	c.mu.RLock()
	v := c.mu.vals[d.index]
	c.mu.RUnlock()
	return d.format(v), true
}

// Int returns the value of a Bool (0 or 1), Enum or Int directive.
func (c *Config) Int(name string) (int64, bool) {
	d, ok := Lookup(name)
	if !ok {
		return 0, false
	}
	c.mu.RLock()
	v := c.mu.vals[d.index]
	c.mu.RUnlock()
	switch v := v.(type) {
	case int64:
		return v, true
	case bool:
		if v {
			return 1, true
		}
		return 0, true
	}
	return 0, false
}

// Replicaof returns the primary set by replicaof (Host empty if none).
func (c *Config) Replicaof() Replicaof {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.mu.vals[lookupIndex("replicaof")].(Replicaof)
}

// Bind returns the bind addresses.
func (c *Config) Bind() []string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return append([]string(nil), c.mu.vals[lookupIndex("bind")].([]string)...)
}

// LatencyPercentiles returns latency-tracking-info-percentiles.
func (c *Config) LatencyPercentiles() []float64 {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return append([]float64(nil), c.mu.vals[lookupIndex("latency-tracking-info-percentiles")].([]float64)...)
}

// OOMScoreAdjValues returns oom-score-adj-values (primary, replica, child).
func (c *Config) OOMScoreAdjValues() [3]int64 {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.mu.vals[lookupIndex("oom-score-adj-values")].([3]int64)
}

// GetPattern implements CONFIG GET pattern [pattern ...]. A pattern without
// glob characters is looked up by name or alias, in any case, and reported
// with the caller's spelling; it finds hidden directives too. Other
// patterns are matched without case against every name and alias, hidden
// directives excepted (so "*max-*-entries*" returns both
// hash-max-listpack-entries and hash-max-ziplist-entries). Each name
// appears once (compared without case), and the result is sorted by name
// in byte order, as Valkey sorts its reply.
func (c *Config) GetPattern(patterns []string) []Pair {
	seen := make(map[string]bool)
	var out []Pair
	c.mu.RLock()
	add := func(name string, d *Directive) {
		seen[strings.ToLower(name)] = true
		out = append(out, Pair{name, d.format(c.mu.vals[d.index])})
	}
	for _, p := range patterns {
		if !strings.ContainsAny(p, "[*?") {
			if d, ok := Lookup(p); ok && !seen[strings.ToLower(p)] {
				add(p, d)
			}
			continue
		}
		for _, d := range table {
			if d.Flags&Hidden != 0 {
				continue
			}
			for _, n := range []string{d.Name, d.Alias} {
				if n != "" && !seen[n] && glob.MatchString(p, n, true) {
					add(n, d)
				}
			}
		}
	}
	c.mu.RUnlock()
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// OnChange registers fn to run when CONFIG SET changes the directive name
// (or its alias). Hooks run in registration order after every value of the
// CONFIG SET is stored, and only for directives whose value changed, as
// Valkey runs its apply functions: Volatile directives and the Special
// ones (bind, save, ...) but oom-score-adj-values count as changed on
// every CONFIG SET. Loading a config file runs no hooks: read the
// Config once loading is done.
func (c *Config) OnChange(name string, fn ChangeFunc) {
	d, ok := Lookup(name)
	if !ok {
		panic("config: OnChange for unknown directive " + name)
	}
	c.wmu.Lock()
	c.onChange[d.index] = append(c.onChange[d.index], fn)
	c.wmu.Unlock()
}

// SetOptions describe the client of a CONFIG SET.
type SetOptions struct {
	// Local is true for a client on a loopback or unix socket connection,
	// for enable-protected-configs local.
	Local bool
	// Loading is true while the server loads its dataset.
	Loading bool
}

// Set is SetMany with one directive.
func (c *Config) Set(name, value string) error {
	return c.SetMany([][2]string{{name, value}})
}

// SetMany implements CONFIG SET name value [name value ...] for a client
// that is not local, while not loading. See SetManyWith.
func (c *Config) SetMany(pairs [][2]string) error {
	return c.SetManyWith(pairs, SetOptions{})
}

// entry is one name of a CONFIG SET, resolved.
type entry struct {
	d       *Directive
	name    string // the name Valkey reports: canonical, or the alias used
	args    []string
	old     any
	new     any
	changed bool
}

// SetManyWith implements CONFIG SET atomically: every name is checked, then
// every value parsed, then all are stored, then the change hooks run. If a
// value is refused nothing changes; if a hook fails, every value is
// restored and the hooks that ran are run again from new to old. Errors are
// *Error with Valkey's exact text.
func (c *Config) SetManyWith(pairs [][2]string, opt SetOptions) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()

	// Check the names, reporting the first problem as Valkey does: an
	// unknown name wins over every other error, a LOADING error over the
	// rest.
	entries := make([]entry, len(pairs))
	var unknown, errArg, errWhy string
	invalid, loading := false, false
	for i, p := range pairs {
		d, ok := Lookup(p[0])
		if !ok {
			if !invalid {
				unknown, invalid = p[0], true
			}
			continue
		}
		if invalid {
			continue
		}
		if d.Flags&Immutable != 0 || (d.Flags&Protected != 0 && !c.allowedLocked("enable-protected-configs", opt.Local)) {
			errWhy = reasonImmutable
			if d.Flags&Immutable == 0 {
				errWhy = reasonProtected
			}
			errArg, invalid = p[0], true
			continue
		}
		if opt.Loading && d.Flags&DenyLoading != 0 {
			loading, invalid = true, true
			continue
		}
		name := d.Name
		if d.IsAlias(p[0]) {
			name = d.Alias
		}
		for j := 0; j < i; j++ {
			// A directive and its alias are distinct entries for Valkey.
			if entries[j].d == d && entries[j].name == name {
				errArg, errWhy, invalid = p[0], reasonDuplicate, true
				break
			}
		}
		args := []string{p[1]}
		if d.Flags&MultiArg != 0 {
			args = splitSpaces(p[1])
		}
		entries[i] = entry{d: d, name: name, args: args}
	}
	switch {
	case loading:
		return errLoading(c.valueLocked(lookupIndex("extended-redis-compatibility")).(bool))
	case unknown != "":
		return errUnknownOption(unknown)
	case invalid:
		return errSetFailed(errArg, errWhy)
	}

	// Parse every value against the values set before it in this call.
	work := make(map[int]any, len(entries))
	current := func(d *Directive) any {
		if v, ok := work[d.index]; ok {
			return v
		}
		return c.valueLocked(d.index)
	}
	for i := range entries {
		e := &entries[i]
		e.old = current(e.d)
		v, err := e.d.parse(c, e.old, e.args, false)
		if err != nil {
			return errSetFailed(e.name, err.Error())
		}
		if e.d.setClamp != nil {
			v = e.d.setClamp(v.(int64))
		}
		e.new = v
		e.changed = e.d.Flags&Volatile != 0 || e.d.format(e.old) != e.d.format(v) ||
			(e.d.Type == Special && !e.d.sp.detectsNoChange)
		work[e.d.index] = v
	}

	// Store them all.
	if err := c.commit(entries); err != nil {
		return err
	}

	// Run the hooks; on failure restore the old values and undo the hooks
	// that ran, newest first.
	var ran []int
	for i := range entries {
		e := &entries[i]
		if !e.changed {
			continue
		}
		ran = append(ran, i)
		if err := c.runHooks(e.d, e.old, e.new); err != nil {
			c.warn("Failed applying new configuration. Possibly related to new " + e.name + " setting. Restoring previous settings.")
			c.restore(entries, len(entries))
			for k := len(ran) - 1; k >= 0; k-- {
				r := &entries[ran[k]]
				if err := c.runHooks(r.d, r.new, r.old); err != nil {
					c.warn("Failed applying restored failed CONFIG SET command: " + err.Error())
				}
			}
			return errSetFailed(e.name, err.Error())
		}
	}
	return nil
}

// commit stores parsed values in order, running the side effect of those
// that have one (dir). If one fails, the values stored before it are
// restored and its error is returned.
func (c *Config) commit(entries []entry) error {
	for i := range entries {
		e := &entries[i]
		if e.d.Type == Special && e.d.sp.commit != nil {
			v, err := e.d.sp.commit(c, e.new)
			if err != nil {
				c.restore(entries, i)
				return errSetFailed(e.name, err.Error())
			}
			e.new = v
		}
		c.mu.Lock()
		c.storeLocked(e.d, e.new)
		c.mu.Unlock()
	}
	return nil
}

// restore puts back the old values of the first n entries, last first so
// that a directive named twice ends with its value from before the call.
func (c *Config) restore(entries []entry, n int) {
	for i := n - 1; i >= 0; i-- {
		e := &entries[i]
		if e.d.Type == Special && e.d.sp.commit != nil {
			if _, err := e.d.sp.commit(c, e.old); err != nil {
				c.warn("Failed restoring failed CONFIG SET command. Error setting " + e.name + " to '" + e.d.format(e.old) + "': " + err.Error())
			}
		}
		c.mu.Lock()
		c.storeLocked(e.d, e.old)
		c.mu.Unlock()
	}
}

func (c *Config) runHooks(d *Directive, old, new any) error {
	if d.apply != nil {
		if err := d.apply(c); err != nil {
			return err
		}
	}
	o, n := d.format(old), d.format(new)
	for _, fn := range c.onChange[d.index] {
		if err := fn(o, n); err != nil {
			return err
		}
	}
	return nil
}

// allowedLocked evaluates an enable-*-command style directive (no, yes,
// local) for a client. The caller holds wmu or mu.
func (c *Config) allowedLocked(name string, local bool) bool {
	switch c.valueLocked(lookupIndex(name)).(int64) {
	case AllowedYes:
		return true
	case AllowedLocal:
		return local
	}
	return false
}

// Allowed reports whether enable-protected-configs, enable-debug-command
// or enable-module-command lets a client (local or not) go ahead.
func (c *Config) Allowed(name string, local bool) bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.allowedLocked(name, local)
}

func (c *Config) warn(msg string) {
	if c.Hooks.Warn != nil {
		c.Hooks.Warn(msg)
	}
}

// File returns the absolute path of the config file loaded at startup, or
// "" when there is none.
func (c *Config) File() string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.mu.file
}

// RenamedCommands returns the config file's rename-command pairs, in order.
// An empty new name removes the command.
func (c *Config) RenamedCommands() [][2]string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return append([][2]string(nil), c.mu.renames...)
}

// Users returns the config file's "user" lines as argument lists ("user"
// first), in order.
func (c *Config) Users() [][]string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return append([][]string(nil), c.mu.users...)
}

// Modules returns the config file's loadmodule directives, in order.
func (c *Config) Modules() []Module {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return append([]Module(nil), c.mu.modules...)
}

// ModuleConfigs returns the module directives ("module.name value") met
// while loading, in first-seen order, the last value winning. Valkey
// refuses to start when one belongs to no loaded module ("Module
// Configuration detected without loadmodule directive or no ApplyConfig
// call: aborting").
func (c *Config) ModuleConfigs() []Pair {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return append([]Pair(nil), c.mu.moduleConfigs...)
}

// DebugInfo returns the directives flagged DebugConfig as config file
// lines, as Valkey's getConfigDebugInfo does for crash reports.
func (c *Config) DebugInfo() string {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	st := newRewriteState()
	st.forceAll, st.needSignature = true, false
	for _, d := range table {
		if d.Flags&DebugConfig != 0 {
			c.rewriteDirective(st, d)
		}
	}
	return st.content()
}
