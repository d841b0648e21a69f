package scripting

import (
	"bytes"
	"strings"

	"petrel/internal/resp"
)

// Flags are the flags a script declares in its shebang (#!lua
// flags=no-writes,...) or a function in server.register_function.
type Flags uint8

// Script flags, in Valkey's order (FUNCTION LIST prints them so).
const (
	FlagNoWrites Flags = 1 << iota
	FlagAllowOOM
	FlagAllowStale
	FlagNoCluster
	FlagAllowCrossSlot
	// FlagEvalCompat marks an EVAL script without a shebang: it declared
	// nothing, so the command's own flags apply (Valkey's compat mode).
	FlagEvalCompat
)

var flagNames = [...]struct {
	f    Flags
	name string
}{
	{FlagNoWrites, "no-writes"},
	{FlagAllowOOM, "allow-oom"},
	{FlagAllowStale, "allow-stale"},
	{FlagNoCluster, "no-cluster"},
	{FlagAllowCrossSlot, "allow-cross-slot-keys"},
}

// Names lists the declared flags in Valkey's order.
func (f Flags) Names() []string {
	var out []string
	for _, n := range flagNames {
		if f&n.f != 0 {
			out = append(out, n.name)
		}
	}
	return out
}

// flagByName finds a flag by name; fold selects case-insensitive matching
// (register_function), shebangs match exactly.
func flagByName(name string, fold bool) (Flags, bool) {
	for _, n := range flagNames {
		if name == n.name || (fold && strings.EqualFold(name, n.name)) {
			return n.f, true
		}
	}
	return 0, false
}

// ReadOnly reports whether a run with these flags may not write: a
// declared no-writes, or any script started by a *_RO command.
func (f Flags) ReadOnly(roCommand bool) bool {
	return roCommand || (f&FlagEvalCompat == 0 && f&FlagNoWrites != 0)
}

// parseShebang reads an EVAL script's shebang line (Valkey's
// evalExtractShebangFlags). It returns the engine name, the flags and how
// many bytes the shebang takes (the code after it keeps its newline so
// line numbers stay right), or an error text without its code.
func parseShebang(body []byte) (engine string, flags Flags, skip int, errText string) {
	if !bytes.HasPrefix(body, []byte("#!")) {
		return "lua", FlagEvalCompat, 0, ""
	}
	end := bytes.IndexByte(body, '\n')
	if end < 0 {
		return "", 0, 0, "Invalid script shebang"
	}
	parts, ok := resp.SplitArgs(body[:end])
	if !ok || len(parts) == 0 {
		return "", 0, 0, "Invalid engine in script shebang"
	}
	engine = string(parts[0][2:])
	for _, p := range parts[1:] {
		v, isFlags := bytes.CutPrefix(p, []byte("flags="))
		if !isFlags {
			return "", 0, 0, "Unknown lua shebang option: " + cstring(p)
		}
		if len(v) == 0 {
			continue // sdssplitlen of "" yields no flags
		}
		for _, name := range strings.Split(string(v), ",") {
			f, ok := flagByName(name, false)
			if !ok {
				return "", 0, 0, "Unexpected flag in script shebang: " + cstring([]byte(name))
			}
			flags |= f
		}
	}
	return engine, flags, end, ""
}

// cstring is what C's %s prints of a binary-safe string: up to its first
// NUL byte.
func cstring(b []byte) string {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	return string(b)
}
