package diff

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"
)

// ValkeyArgs are the reference server's start flags (after --port). The
// Petrel side of the test starts with matching settings: no persistence,
// DEBUG allowed, protected mode off.
var ValkeyArgs = []string{
	"--bind", "127.0.0.1",
	"--save", "",
	"--appendonly", "no",
	"--enable-debug-command", "yes",
	"--protected-mode", "no",
}

// Valkey is a valkey-server child process on a free loopback port.
type Valkey struct {
	Addr   string
	cmd    *exec.Cmd
	log    string
	exited chan error // receives cmd.Wait's result
}

// StartValkey starts the valkey-server binary at path with its working
// directory (and log) in dir, and waits until it answers PING. It never
// uses port 6379.
func StartValkey(path, dir string) (*Valkey, error) {
	var lastErr error
	for attempt := 0; attempt < 5; attempt++ {
		port, err := freePort()
		if err != nil {
			return nil, err
		}
		if port == 6379 {
			continue
		}
		logPath := filepath.Join(dir, "valkey-"+strconv.Itoa(port)+".log")
		args := append([]string{"--port", strconv.Itoa(port)}, ValkeyArgs...)
		args = append(args, "--dir", dir, "--logfile", logPath)
		cmd := exec.Command(path, args...)
		cmd.Dir = dir
		dieWithParent(cmd)
		if err := cmd.Start(); err != nil {
			return nil, fmt.Errorf("start %s: %w", path, err)
		}
		v := &Valkey{Addr: "127.0.0.1:" + strconv.Itoa(port), cmd: cmd, log: logPath, exited: make(chan error, 1)}
		go func() { v.exited <- cmd.Wait() }()
		if err := v.waitReady(); err != nil {
			v.Stop()
			lastErr = err
			continue // most likely the port was taken meanwhile
		}
		return v, nil
	}
	return nil, fmt.Errorf("valkey-server did not start: %w", lastErr)
}

func (v *Valkey) waitReady() error {
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-v.exited:
			v.exited <- err
			log, _ := os.ReadFile(v.log)
			return fmt.Errorf("valkey-server exited (%v): %s", err, bytes.TrimSpace(log))
		default:
		}
		nc, err := net.DialTimeout("tcp", v.Addr, time.Second)
		if err == nil {
			c := &conn{nc: nc, rd: bufio.NewReader(nc)}
			r, err := c.do(time.Second, "PING")
			c.close()
			if err == nil && r == "+PONG\r\n" {
				return nil
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("valkey-server at %s did not answer PING", v.Addr)
}

// Stop kills the server process (it runs without persistence) and waits
// for it to exit.
func (v *Valkey) Stop() {
	_ = v.cmd.Process.Kill()
	err := <-v.exited
	v.exited <- err // Stop may be called again
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}
