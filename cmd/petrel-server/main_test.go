package main

import (
	"bufio"
	"bytes"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

var builtBinary string

// TestMain builds petrel-server once for the tests of this package.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "petrel-server-test")
	if err != nil {
		panic(err)
	}
	builtBinary = filepath.Join(dir, "petrel-server")
	if out, err := exec.Command("go", "build", "-o", builtBinary, ".").CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		panic("go build: " + err.Error() + "\n" + string(out))
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func binary(t *testing.T) string { return builtBinary }

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// startServer runs the binary with args and waits until it answers.
func startServer(t *testing.T, bin string, args ...string) (*exec.Cmd, *bytes.Buffer, net.Conn) {
	t.Helper()
	port := freePort(t)
	cmd := exec.Command(bin, append([]string{"--port", strconv.Itoa(port), "--bind", "127.0.0.1"}, args...)...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(port))
		if err == nil {
			t.Cleanup(func() { c.Close() })
			return cmd, &out, c
		}
		if time.Now().After(deadline) {
			t.Fatalf("server did not start: %v\n%s", err, out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func roundTrip(t *testing.T, c net.Conn, cmd string) string {
	t.Helper()
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.Write([]byte(cmd + "\r\n")); err != nil {
		t.Fatal(err)
	}
	line, _ := bufio.NewReader(c).ReadString('\n')
	return line
}

func waitExit(t *testing.T, cmd *exec.Cmd, out *bytes.Buffer) int {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatalf("server did not exit\n%s", out.String())
	}
	return cmd.ProcessState.ExitCode()
}

func TestServeAndShutdown(t *testing.T) {
	bin := binary(t)
	cmd, out, c := startServer(t, bin)
	if got := roundTrip(t, c, "PING"); got != "+PONG\r\n" {
		t.Fatalf("PING: %q", got)
	}
	if got := roundTrip(t, c, "CONFIG GET port"); !strings.HasPrefix(got, "*2") {
		t.Fatalf("CONFIG GET port: %q", got)
	}
	if got := roundTrip(t, c, "SHUTDOWN"); got != "" {
		t.Fatalf("SHUTDOWN replied %q", got)
	}
	if code := waitExit(t, cmd, out); code != 0 {
		t.Fatalf("exit status %d\n%s", code, out.String())
	}
	log := out.String()
	for _, want := range []string{"Petrel is starting", "Ready to accept connections tcp", "User requested shutdown...", "ready to exit, bye bye..."} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}
}

func TestSignalsShutDownCleanly(t *testing.T) {
	bin := binary(t)
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		cmd, out, c := startServer(t, bin)
		if got := roundTrip(t, c, "PING"); got != "+PONG\r\n" {
			t.Fatalf("PING: %q", got)
		}
		if err := cmd.Process.Signal(sig); err != nil {
			t.Fatal(err)
		}
		if code := waitExit(t, cmd, out); code != 0 {
			t.Fatalf("%v: exit status %d\n%s", sig, code, out.String())
		}
		if !strings.Contains(out.String(), "scheduling shutdown...") {
			t.Errorf("%v: log:\n%s", sig, out.String())
		}
	}
}

func TestConfigFileAndStdin(t *testing.T) {
	bin := binary(t)
	conf := filepath.Join(t.TempDir(), "petrel.conf")
	if err := os.WriteFile(conf, []byte("# test\nhz 33\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	port := freePort(t)
	cmd := exec.Command(bin, conf, "--port", strconv.Itoa(port), "--bind", "127.0.0.1", "-")
	cmd.Stdin = strings.NewReader("maxclients 77\n")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	var c net.Conn
	for i := 0; i < 500; i++ {
		var err error
		if c, err = net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(port)); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if c == nil {
		t.Fatalf("no server:\n%s", out.String())
	}
	defer c.Close()
	r := bufio.NewReader(c)
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	_, _ = c.Write([]byte("CONFIG GET hz\r\nCONFIG GET maxclients\r\n"))
	var got []string
	for i := 0; i < 10; i++ {
		line, _ := r.ReadString('\n')
		got = append(got, strings.TrimSpace(line))
	}
	if j := strings.Join(got, " "); !strings.Contains(j, "hz $2 33") || !strings.Contains(j, "maxclients $2 77") {
		t.Fatalf("CONFIG GET: %q", got)
	}
}

func TestCommandLineActions(t *testing.T) {
	bin := binary(t)
	out, err := exec.Command(bin, "--version").Output()
	if err != nil || !strings.HasPrefix(string(out), "Valkey server v=9.0.4 ") {
		t.Errorf("--version: %q %v", out, err)
	}
	out, err = exec.Command(bin, "-h").Output()
	if err != nil || !strings.HasPrefix(string(out), "Usage: ./petrel-server [/path/to/valkey.conf] [options] [-]\n") {
		t.Errorf("-h: %q %v", out, err)
	}
	cmd := exec.Command(bin, "--port", "abc")
	out, _ = cmd.CombinedOutput()
	if cmd.ProcessState.ExitCode() != 1 || !strings.Contains(string(out), "*** FATAL CONFIG FILE ERROR (Version 9.0.4) ***\nReading the configuration file, at line 2\n>>> 'port \"abc\"'\nargument couldn't be parsed into an integer\n") {
		t.Errorf("--port abc: exit %d, %q", cmd.ProcessState.ExitCode(), out)
	}
	cmd = exec.Command(bin, "/nonexistent/petrel.conf")
	out, _ = cmd.CombinedOutput()
	if cmd.ProcessState.ExitCode() != 1 || !strings.Contains(string(out), "Fatal error, can't open config file '/nonexistent/petrel.conf'") {
		t.Errorf("missing config file: exit %d, %q", cmd.ProcessState.ExitCode(), out)
	}
}
