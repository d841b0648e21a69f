package config

import (
	"errors"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// Special directives: their own syntax, value type, CONFIG GET text and
// CONFIG REWRITE lines, one specialOps each.

type specialOps struct {
	// defArgs is the default as config file arguments; nil for dir, whose
	// default is the working directory at startup.
	defArgs []string
	parse   func(c *Config, old any, args []string, appendSave bool) (any, error)
	format  func(v any) string
	rewrite func(c *Config, st *rewriteState, name string, v any)
	// commit, if set, performs the side effect of storing v (dir changes
	// the working directory) and returns the value to store.
	commit func(c *Config, v any) (any, error)
	// detectsNoChange is set for the one special directive whose Valkey
	// setter reports an unchanged value (oom-score-adj-values); for the
	// others every CONFIG SET counts as a change and runs the hooks.
	detectsNoChange bool
}

func special(name, alias string, f Flag, ops *specialOps) *Directive {
	return &Directive{Name: name, Alias: alias, Type: Special, Flags: f, sp: ops}
}

// SavePoint is one "save <seconds> <changes>" rule.
type SavePoint struct {
	Seconds int64
	Changes int64
}

// Client classes of client-output-buffer-limit, in Valkey's order.
const (
	ClientNormal = iota
	ClientReplica
	ClientPubsub
	clientClasses
)

// OutputBufferLimit is one class of client-output-buffer-limit.
type OutputBufferLimit struct {
	Hard, Soft  uint64 // bytes; 0 is no limit
	SoftSeconds int64
}

// OutputBufferLimits holds the limits of every client class, indexed by
// ClientNormal, ClientReplica and ClientPubsub.
type OutputBufferLimits [clientClasses]OutputBufferLimit

// Replicaof is the primary a replica follows; Host is empty on a primary.
type Replicaof struct {
	Host string
	Port int64
}

// Keyspace notification classes of notify-keyspace-events (Valkey's bits).
const (
	NotifyKeyspace int64 = 1 << iota // K
	NotifyKeyevent                   // E
	NotifyGeneric                    // g
	NotifyString                     // $
	NotifyList                       // l
	NotifySet                        // s
	NotifyHash                       // h
	NotifyZset                       // z
	NotifyExpired                    // x
	NotifyEvicted                    // e
	NotifyStream                     // t
	NotifyKeyMiss                    // m (not part of A)
	NotifyLoaded                     // module only
	NotifyModule                     // d
	NotifyNew                        // n
	// NotifyAll is what 'A' stands for.
	NotifyAll = NotifyGeneric | NotifyString | NotifyList | NotifySet | NotifyHash | NotifyZset |
		NotifyExpired | NotifyEvicted | NotifyStream | NotifyModule
)

// ---- dir ----

var dirOps = &specialOps{
	parse: func(c *Config, _ any, args []string, _ bool) (any, error) {
		if len(args) != 1 {
			return nil, errWrongArgs
		}
		if args[0] == "" {
			return nil, errDirEmpty
		}
		if c != nil {
			// Valkey calls chdir here; we check what we can without
			// changing directory, and chdir when the value is stored.
			st, err := os.Stat(args[0])
			if err != nil {
				return nil, reason(strerror(err))
			}
			if !st.IsDir() {
				return nil, reason(strerror(syscall.ENOTDIR))
			}
		}
		return args[0], nil
	},
	format: func(v any) string { return v.(string) },
	rewrite: func(c *Config, st *rewriteState, name string, _ any) {
		wd, err := c.getwd()
		if err != nil {
			st.markProcessed(name)
			return
		}
		st.line(name, name+" "+Quote(wd), true)
	},
	commit: func(c *Config, v any) (any, error) {
		if err := c.chdir(v.(string)); err != nil {
			return nil, reason(strerror(err))
		}
		wd, err := c.getwd()
		if err != nil {
			return "", nil // Valkey prints an empty dir when getcwd fails
		}
		return wd, nil
	},
}

// strerror gives C's text for the errno inside err ("No such file or
// directory"), which Valkey puts in its replies.
func strerror(err error) string {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		s := errno.Error()
		if s != "" {
			return strings.ToUpper(s[:1]) + s[1:]
		}
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// ---- save ----

var saveOps = &specialOps{
	defArgs: []string{"3600", "1", "300", "100", "60", "10000"},
	parse: func(_ *Config, old any, args []string, appendSave bool) (any, error) {
		reset := false
		if len(args) == 1 && args[0] == "" {
			reset, args = true, nil
		}
		if len(args)%2 != 0 {
			return nil, errSaveParams
		}
		points := make([]SavePoint, 0, len(args)/2)
		for j := 0; j < len(args); j += 2 {
			secs, whole1, _ := cStrtoll(args[j], 10)
			changes, whole2, _ := cStrtoll(args[j+1], 10)
			if !whole1 || !whole2 || secs < 1 || changes < 0 {
				return nil, errSaveParams
			}
			// Valkey keeps changes in a C int.
			points = append(points, SavePoint{Seconds: secs, Changes: int64(int32(changes))})
		}
		if appendSave && !reset {
			prev, _ := old.([]SavePoint)
			points = append(append([]SavePoint(nil), prev...), points...)
		}
		return points, nil
	},
	format: formatSave,
	rewrite: func(c *Config, st *rewriteState, name string, v any) {
		points := v.([]SavePoint)
		if len(points) == 0 {
			st.line(name, `save ""`, true)
		} else {
			st.line(name, name+" "+formatSave(v), true)
		}
		st.markProcessed(name)
	},
}

func formatSave(v any) string {
	var b strings.Builder
	for i, p := range v.([]SavePoint) {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(strconv.FormatInt(p.Seconds, 10))
		b.WriteByte(' ')
		b.WriteString(strconv.FormatInt(p.Changes, 10))
	}
	return b.String()
}

// ---- client-output-buffer-limit ----

var obufOps = &specialOps{
	defArgs: []string{
		"normal", "0", "0", "0",
		"slave", "268435456", "67108864", "60",
		"pubsub", "33554432", "8388608", "60",
	},
	parse: func(_ *Config, old any, args []string, _ bool) (any, error) {
		if len(args)%4 != 0 {
			return nil, errObufArgs
		}
		var limits OutputBufferLimits
		if prev, ok := old.(OutputBufferLimits); ok {
			limits = prev
		}
		for j := 0; j < len(args); j += 4 {
			class := clientClass(args[j])
			if class < 0 {
				return nil, errObufClass
			}
			hard, ok1 := parseMemory(args[j+1])
			soft, ok2 := parseMemory(args[j+2])
			secs, whole, _ := cStrtoll(args[j+3], 10)
			secs = int64(int32(secs)) // Valkey reads it into a C int
			if !ok1 || !ok2 || secs < 0 || !whole {
				return nil, errObufValues
			}
			limits[class] = OutputBufferLimit{Hard: hard, Soft: soft, SoftSeconds: secs}
		}
		return limits, nil
	},
	format: func(v any) string {
		limits := v.(OutputBufferLimits)
		var b strings.Builder
		for i, l := range limits {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(classNames[i])
			b.WriteByte(' ')
			b.WriteString(strconv.FormatUint(l.Hard, 10))
			b.WriteByte(' ')
			b.WriteString(strconv.FormatUint(l.Soft, 10))
			b.WriteByte(' ')
			b.WriteString(strconv.FormatInt(l.SoftSeconds, 10))
		}
		return b.String()
	},
	rewrite: func(c *Config, st *rewriteState, name string, v any) {
		limits := v.(OutputBufferLimits)
		def := lookupDirective(name).def.(OutputBufferLimits)
		for i, l := range limits {
			class := classNames[i]
			if class == "slave" {
				class = "replica"
			}
			line := name + " " + class + " " + formatMemory(int64(l.Hard)) + " " +
				formatMemory(int64(l.Soft)) + " " + strconv.FormatInt(l.SoftSeconds, 10)
			st.line(name, line, l != def[i])
		}
	},
}

// classNames are the names CONFIG GET prints for each client class.
var classNames = [clientClasses]string{"normal", "slave", "pubsub"}

// clientClass maps a class name to its index; primary connections have no
// limits to configure, so master and primary are refused like unknown names.
func clientClass(name string) int {
	switch strings.ToLower(name) {
	case "normal":
		return ClientNormal
	case "slave", "replica":
		return ClientReplica
	case "pubsub":
		return ClientPubsub
	}
	return -1
}

// ---- oom-score-adj-values ----

var oomValuesOps = &specialOps{
	defArgs:         []string{"0", "200", "800"},
	detectsNoChange: true,
	parse: func(_ *Config, _ any, args []string, _ bool) (any, error) {
		if len(args) != 3 {
			return nil, errWrongArgs
		}
		var vals [3]int64
		for i, a := range args {
			v, whole, _ := cStrtoll(a, 10)
			if !whole || v < -2000 || v > 2000 {
				return nil, errOOMValues
			}
			vals[i] = v
		}
		return vals, nil
	},
	format: formatOOMValues,
	rewrite: func(c *Config, st *rewriteState, name string, v any) {
		def := lookupDirective(name).def
		st.line(name, name+" "+formatOOMValues(v), v.([3]int64) != def.([3]int64))
	},
}

func formatOOMValues(v any) string {
	vals := v.([3]int64)
	return strconv.FormatInt(vals[0], 10) + " " + strconv.FormatInt(vals[1], 10) + " " + strconv.FormatInt(vals[2], 10)
}

// ---- notify-keyspace-events ----

var notifyOps = &specialOps{
	defArgs: []string{""},
	parse: func(_ *Config, _ any, args []string, _ bool) (any, error) {
		if len(args) != 1 {
			return nil, errWrongArgs
		}
		flags, ok := ParseNotifyFlags(args[0])
		if !ok {
			return nil, errNotifyClass
		}
		return flags, nil
	},
	format: func(v any) string { return FormatNotifyFlags(v.(int64)) },
	rewrite: func(c *Config, st *rewriteState, name string, v any) {
		flags := v.(int64)
		st.line(name, name+" "+Quote(FormatNotifyFlags(flags)), flags != 0)
	},
}

// ParseNotifyFlags parses notify-keyspace-events classes ("KEA", "Elg",
// ...). ok is false on an unknown character.
func ParseNotifyFlags(s string) (flags int64, ok bool) {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case 'A':
			flags |= NotifyAll
		case 'g':
			flags |= NotifyGeneric
		case '$':
			flags |= NotifyString
		case 'l':
			flags |= NotifyList
		case 's':
			flags |= NotifySet
		case 'h':
			flags |= NotifyHash
		case 'z':
			flags |= NotifyZset
		case 'x':
			flags |= NotifyExpired
		case 'e':
			flags |= NotifyEvicted
		case 'K':
			flags |= NotifyKeyspace
		case 'E':
			flags |= NotifyKeyevent
		case 't':
			flags |= NotifyStream
		case 'm':
			flags |= NotifyKeyMiss
		case 'd':
			flags |= NotifyModule
		case 'n':
			flags |= NotifyNew
		default:
			return 0, false
		}
	}
	return flags, true
}

// FormatNotifyFlags prints notification classes as CONFIG GET does.
func FormatNotifyFlags(flags int64) string {
	var b []byte
	if flags&NotifyAll == NotifyAll {
		b = append(b, 'A')
	} else {
		for _, f := range []struct {
			bit int64
			c   byte
		}{
			{NotifyGeneric, 'g'}, {NotifyString, '$'}, {NotifyList, 'l'}, {NotifySet, 's'},
			{NotifyHash, 'h'}, {NotifyZset, 'z'}, {NotifyExpired, 'x'}, {NotifyEvicted, 'e'},
			{NotifyStream, 't'}, {NotifyModule, 'd'}, {NotifyNew, 'n'},
		} {
			if flags&f.bit != 0 {
				b = append(b, f.c)
			}
		}
	}
	if flags&NotifyKeyspace != 0 {
		b = append(b, 'K')
	}
	if flags&NotifyKeyevent != 0 {
		b = append(b, 'E')
	}
	if flags&NotifyKeyMiss != 0 {
		b = append(b, 'm')
	}
	return string(b)
}

// ---- bind and rdma-bind ----

// maxBindAddrs is Valkey's CONFIG_BINDADDR_MAX.
const maxBindAddrs = 16

func parseBind(_ *Config, _ any, args []string, _ bool) (any, error) {
	if len(args) > maxBindAddrs {
		return nil, errTooManyBind
	}
	if len(args) == 1 && args[0] == "" {
		args = nil
	}
	return append([]string{}, args...), nil
}

func formatBind(v any) string { return strings.Join(v.([]string), " ") }

func rewriteBindLine(st *rewriteState, name string, addrs []string) {
	joined := `""`
	if len(addrs) > 0 {
		joined = strings.Join(addrs, " ")
	}
	st.line(name, name+" "+joined, true)
}

var bindOps = &specialOps{
	defArgs: []string{"*", "-::*"},
	parse:   parseBind,
	format:  formatBind,
	rewrite: func(c *Config, st *rewriteState, name string, v any) {
		if formatBind(v) == "* -::*" && len(v.([]string)) == 2 {
			st.markProcessed(name)
			return
		}
		rewriteBindLine(st, name, v.([]string))
	},
}

var rdmaBindOps = &specialOps{
	defArgs: []string{""},
	parse:   parseBind,
	format:  formatBind,
	rewrite: func(c *Config, st *rewriteState, name string, v any) {
		if addrs := v.([]string); len(addrs) > 0 {
			rewriteBindLine(st, name, addrs)
		}
	},
}

// ---- replicaof ----

var replicaofOps = &specialOps{
	defArgs: []string{"no", "one"},
	parse: func(_ *Config, _ any, args []string, _ bool) (any, error) {
		if len(args) != 2 {
			return nil, errWrongArgs
		}
		if strings.EqualFold(args[0], "no") && strings.EqualFold(args[1], "one") {
			return Replicaof{}, nil
		}
		port, whole, _ := cStrtoll(args[1], 10)
		port = int64(int32(port)) // Valkey keeps the port in a C int
		if port < 0 || port > 65535 || !whole {
			return nil, errPrimaryPort
		}
		return Replicaof{Host: args[0], Port: port}, nil
	},
	format: func(v any) string {
		r := v.(Replicaof)
		if r.Host == "" {
			return ""
		}
		return r.Host + " " + strconv.FormatInt(r.Port, 10)
	},
	rewrite: func(c *Config, st *rewriteState, name string, v any) {
		r := v.(Replicaof)
		if r.Host == "" || c.valueLocked(lookupIndex("cluster-enabled")).(bool) {
			st.markProcessed(name)
			return
		}
		st.line(name, name+" "+r.Host+" "+strconv.FormatInt(r.Port, 10), true)
	},
}

// ---- latency-tracking-info-percentiles ----

var percentilesOps = &specialOps{
	defArgs: []string{"50", "99", "99.9"},
	parse: func(_ *Config, _ any, args []string, _ bool) (any, error) {
		if len(args) == 1 && args[0] == "" {
			args = nil
		}
		out := make([]float64, 0, len(args))
		for _, a := range args {
			f, ok := parseStrictFloat(a)
			if !ok {
				return nil, errPercentiles
			}
			if f > 100 || f < 0 {
				return nil, errPercentileRange
			}
			out = append(out, f)
		}
		return out, nil
	},
	format: formatPercentiles,
	rewrite: func(c *Config, st *rewriteState, name string, v any) {
		if len(v.([]float64)) == 0 {
			st.line(name, name+` ""`, true)
			return
		}
		st.line(name, name+" "+formatPercentiles(v), true)
	},
}

func formatPercentiles(v any) string {
	ps := v.([]float64)
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = formatPercentile(p)
	}
	return strings.Join(parts, " ")
}
