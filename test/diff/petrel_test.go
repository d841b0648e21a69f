//go:build !diffrecord

package diff

import (
	"testing"

	"petrel/internal/commands"
	"petrel/internal/server"
	"petrel/internal/servertest"
)

// Petrel is linked in unless the test is built with -tags diffrecord:
// recording (make golden) needs only Valkey, so it works even while
// Petrel's packages do not compile.
func init() { startPetrel = startInProcess }

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
