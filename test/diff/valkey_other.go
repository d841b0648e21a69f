//go:build !linux

package diff

import "os/exec"

// dieWithParent has no portable equivalent outside Linux: there the
// test's cleanup is the only thing that stops valkey-server.
func dieWithParent(cmd *exec.Cmd) {}
