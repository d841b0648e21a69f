package diff

import (
	"os/exec"
	"syscall"
)

// dieWithParent makes the kernel kill valkey-server if the test process
// dies without running its cleanups (a test timeout, a kill).
func dieWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
