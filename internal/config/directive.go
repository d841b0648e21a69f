package config

import "strings"

// Type is the kind of value a directive holds.
type Type uint8

const (
	// Bool is "yes" or "no" (any case on input).
	Bool Type = iota
	// String is free text, sometimes validated.
	String
	// Enum is one name from a fixed list, or several for bit-flag enums.
	Enum
	// Int is any numeric directive: plain integers, memory sizes with
	// units, percentages and octal modes.
	Int
	// Special directives have their own syntax: save, bind,
	// client-output-buffer-limit, notify-keyspace-events, replicaof, ...
	Special
)

// Flag describes how a directive may be changed and shown.
type Flag uint16

const (
	// Immutable directives are set at startup only; CONFIG SET refuses them.
	Immutable Flag = 1 << iota
	// Protected directives (dir, dbfilename, ...) are refused by CONFIG SET
	// unless enable-protected-configs allows the client.
	Protected
	// DebugConfig directives are listed by DebugInfo.
	DebugConfig
	// Hidden directives are returned by CONFIG GET only when named exactly.
	Hidden
	// DenyLoading directives cannot be set while the dataset is loading.
	DenyLoading
	// Sensitive directives hold secrets: redact their CONFIG SET values
	// from logs, SLOWLOG and MONITOR.
	Sensitive
	// MultiArg directives take several words: the config file passes them
	// as separate arguments and CONFIG SET splits its value on spaces.
	MultiArg
	// Volatile directives name files whose contents may change: setting the
	// same value again still runs the change hooks (TLS certificates).
	Volatile
)

// numFlag says how a numeric directive's text is parsed and printed.
type numFlag uint8

const (
	memoryNum  numFlag = 1 << iota // accepts 1kb, 5m, 2gb ...; printed as bytes
	percentNum                     // accepts "n%"; stored negated
	octalNum                       // parsed and printed in base 8
)

// EnumItem is one accepted name of an enum directive and its value.
type EnumItem struct {
	Name  string
	Value int64
}

// Directive describes one configuration directive. The table of
// directives is static; values live in a Config.
type Directive struct {
	Name  string // canonical name, lower case
	Alias string // older name accepted everywhere ("" if none)
	Type  Type
	Flags Flag
	// Default is the default value as CONFIG GET prints it ("" for dir,
	// whose default is the working directory at startup).
	Default string
	// Min and Max bound Int directives. For unsigned C types Max is to be
	// read as a uint64 (math.MaxUint64 is stored as -1).
	Min, Max int64
	// Unsigned is true for directives Valkey stores in an unsigned C type;
	// their bounds compare as unsigned numbers.
	Unsigned bool
	// Enum lists the accepted names of an Enum directive in Valkey's order.
	Enum []EnumItem

	index       int     // position in the table, and in Config values
	defText     string  // default as config file text (not Special)
	num         numFlag // Int only
	bitflags    bool    // Enum only: several names combine as flags
	emptyIsNull bool    // String only: "" means unset (no default line on rewrite)
	def         any     // parsed default
	// validate rejects a parsed value with the reason Valkey gives. c is
	// nil when the table's defaults are checked.
	validate func(c *Config, v any) error
	// clamp adjusts a valid value the way Valkey's apply function does
	// (hz is clamped to 1..500).
	clamp func(v int64) int64
	// setClamp is a clamp that only CONFIG SET applies (Valkey does it in
	// an apply function that loading does not run): repl-backlog-size.
	setClamp func(v int64) int64
	// apply is a built-in change hook that runs before the caller's hooks
	// (the RDMA directives always fail: no RDMA support, as in a stock
	// Valkey build).
	apply func(c *Config) error
	// sp implements a Special directive.
	sp *specialOps
}

// IsAlias reports whether name is this directive's alias.
func (d *Directive) IsAlias(name string) bool {
	return d.Alias != "" && strings.EqualFold(name, d.Alias)
}

// Lookup finds a directive by name or alias, without regard to case.
func Lookup(name string) (*Directive, bool) {
	d, ok := byName[strings.ToLower(name)]
	return d, ok
}

// Directives returns the table in Valkey's order. Callers must not modify it.
func Directives() []*Directive { return table }

// byName maps lower-case names and aliases to directives. It is built in
// init, not in its declaration, because the table's functions look
// directives up by name.
var byName map[string]*Directive

func init() {
	byName = make(map[string]*Directive, 2*len(table))
	for i, d := range table {
		d.index = i
		for _, n := range []string{d.Name, d.Alias} {
			if n == "" {
				continue
			}
			if _, dup := byName[n]; dup {
				panic("config: duplicate directive " + n)
			}
			byName[n] = d
		}
		if d.Type == Special && d.sp.defArgs == nil {
			continue // dir: the working directory, known only at run time
		}
		v, err := d.parse(nil, nil, defaultArgs(d), false)
		if err != nil {
			panic("config: bad default for " + d.Name + ": " + err.Error())
		}
		d.def = v
		d.Default = d.format(v)
	}
	hotByIndex = make([]func(*Hot, any), len(table))
	for name, fn := range hotBindings {
		hotByIndex[lookupIndex(name)] = fn
	}
}

// hotByIndex gives, by directive index, the function that mirrors the
// directive's value into Hot (nil for directives not in Hot).
var hotByIndex []func(*Hot, any)

// lookupDirective returns the directive with this exact lower-case name.
func lookupDirective(name string) *Directive {
	d, ok := byName[name]
	if !ok {
		panic("config: no directive " + name)
	}
	return d
}

func lookupIndex(name string) int { return lookupDirective(name).index }

// defaultArgs gives the default of a directive as the arguments a config
// file would pass.
func defaultArgs(d *Directive) []string {
	if d.Type == Special {
		return d.sp.defArgs
	}
	return []string{d.defText}
}
