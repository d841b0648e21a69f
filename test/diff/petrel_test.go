//go:build !diffrecord

package diff

import (
	"strings"
	"sync"
	"testing"

	"petrel/internal/cmdspec"
	"petrel/internal/commands"
	"petrel/internal/server"
	"petrel/internal/servertest"
)

// Petrel is linked in unless the test is built with -tags diffrecord:
// recording (make golden) needs only Valkey, so it works even while
// Petrel's packages do not compile.
func init() {
	startPetrel = startInProcess
	petrelLacks = lacks
}

// lacks reports the first command (or container subcommand) of the case
// that Valkey has and Petrel has no handler for.
func lacks(c *Case) string {
	reg := implementedCommands()
	for _, st := range c.Steps {
		name := st.CommandName()
		if name == "" {
			continue
		}
		spec := cmdspec.Lookup([]byte(name))
		if spec == nil {
			continue // not a Valkey command either: the case tests the error
		}
		if len(spec.Subcommands) > 0 {
			if len(st.Args) == 1 {
				if !anyWithPrefix(reg, name+"|") {
					return name
				}
				continue
			}
			full := name + "|" + strings.ToLower(st.Args[1])
			if cmdspec.LookupFullName([]byte(full)) != nil && !reg[full] {
				return name + " " + strings.ToLower(st.Args[1])
			}
			continue
		}
		if !reg[name] {
			return name
		}
	}
	return ""
}

func anyWithPrefix(set map[string]bool, prefix string) bool {
	for n := range set {
		if strings.HasPrefix(n, prefix) {
			return true
		}
	}
	return false
}

// implementedCommands is the set of command names with a handler
// ("get", "client|kill"), from a server's registry.
var implementedCommands = sync.OnceValue(func() map[string]bool {
	st := server.DefaultSettings()
	st.EventLoops = 0
	srv := server.New(st, commands.Register)
	defer srv.Close()
	m := map[string]bool{}
	for _, n := range srv.Registry().Implemented() {
		m[n] = true
	}
	return m
})

// startInProcess starts Petrel with settings matching the reference's
// start flags (ValkeyArgs): no persistence, DEBUG allowed, protected mode
// off. It returns the server's address.
func startInProcess(t *testing.T) string {
	srv := servertest.Start(t, func(st *server.Settings) {
		st.ProtectedMode = false
		st.EnableDebugCommand = "yes"
	}, commands.Register)
	return srv.Addr().String()
}
