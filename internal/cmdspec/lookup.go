package cmdspec

// Lookup returns the top-level command called name (any case), or nil.
// Sentinel-only commands are not found, as in a Valkey server that is not
// a sentinel. It does not allocate.
func Lookup(name []byte) *Spec {
	if len(name) > maxNameLen {
		return nil
	}
	var buf [maxNameLen]byte
	for i, c := range name {
		buf[i] = lower(c)
	}
	return byName[string(buf[:len(name)])]
}

// Sub returns s's subcommand called name (its own name, "kill", any case),
// or nil. It does not allocate.
func (s *Spec) Sub(name []byte) *Spec {
	subs := s.Subcommands
	lo, hi := 0, len(subs)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		switch c := compareFold(name, subs[m].SubName()); {
		case c == 0:
			return subs[m]
		case c > 0:
			lo = m + 1
		default:
			hi = m
		}
	}
	return nil
}

// LookupArgs finds the command a request names, as Valkey's dispatcher
// does: args[0] is the command; if it is a container and there is a
// second argument, that argument names the subcommand. It returns nil for
// an unknown command or subcommand (see UnknownCommandError). A container
// named alone is returned itself, so that the arity check rejects it.
func LookupArgs(args [][]byte) *Spec {
	if len(args) == 0 {
		return nil
	}
	s := Lookup(args[0])
	if s == nil || len(args) == 1 || len(s.Subcommands) == 0 {
		return s
	}
	return s.Sub(args[1])
}

// LookupFullName finds a command by its full name, "get" or "client|kill"
// (any case), as COMMAND INFO and COMMAND DOCS do: a name with a "|" must
// name a subcommand of a container.
func LookupFullName(name []byte) *Spec {
	for i, c := range name {
		if c == '|' {
			s := Lookup(name[:i])
			if s == nil || len(s.Subcommands) == 0 {
				return nil
			}
			return s.Sub(name[i+1:]) // a second '|' matches no subcommand
		}
	}
	return Lookup(name)
}

// All returns the top-level commands sorted by name (sentinel-only
// commands excluded). The slice is shared: do not modify it.
func All() []*Spec { return commands }

// Count is the number of top-level commands, as COMMAND COUNT reports.
func Count() int { return len(commands) }

// SentinelOnly returns the commands that exist only in sentinel mode
// (SENTINEL and its subcommands), sorted by name. Do not modify it.
func SentinelOnly() []*Spec { return sentinelCommands }

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// compareFold compares a, lowered, with the lower-case b.
func compareFold(a []byte, b string) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		ca, cb := lower(a[i]), b[i]
		if ca != cb {
			if ca < cb {
				return -1
			}
			return 1
		}
	}
	switch {
	case len(a) < len(b):
		return -1
	case len(a) > len(b):
		return 1
	}
	return 0
}

// equalFold reports whether a equals the lower-case ASCII b in any case.
func equalFold(a []byte, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range len(a) {
		if lower(a[i]) != lower(b[i]) {
			return false
		}
	}
	return true
}
