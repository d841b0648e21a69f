package commands

import (
	"io"
	"log"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"petrel/internal/config"
	"petrel/internal/server"
	"petrel/internal/servertest"
)

// startAOFServer starts a server from a configuration with appendonly on
// and its files in dir, as petrel-server does from a config file.
func startAOFServer(t *testing.T, dir string) (*server.Server, *servertest.Raw) {
	t.Helper()
	cfg := config.New()
	text := "bind 127.0.0.1\nport 0\nsave \"\"\nappendonly yes\nappendfsync always\nenable-debug-command yes\ndir " + dir + "\n"
	if err := cfg.LoadString(text); err != nil {
		t.Fatal(err)
	}
	srv := server.NewFromConfig(cfg, Register)
	srv.SetLogger(log.New(io.Discard, "", 0))
	if err := srv.Listen(); err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve() }()
	t.Cleanup(srv.Close)
	c := servertest.Dial(t, srv)
	if got := c.Do("PING"); got != "+PONG\r\n" {
		select {
		case err := <-served:
			t.Fatalf("server did not start: %v", err)
		default:
			t.Fatalf("PING: %q", got)
		}
	}
	return srv, c
}

func TestAOFReloadAndRestart(t *testing.T) {
	wd, _ := os.Getwd()
	dir := t.TempDir()
	t.Cleanup(func() { _ = os.Chdir(wd) }) // "dir" changes the process's directory, as Valkey
	srv, c := startAOFServer(t, dir)
	for _, cmd := range [][]string{
		{"SET", "s", "v", "EX", "1000"},
		{"RPUSH", "l", "a", "b", "c"},
		{"HSET", "h", "f", "1"},
		{"HINCRBYFLOAT", "h", "f", "0.5"},
		{"SADD", "set", "x", "y", "z"},
		{"SPOP", "set"},
		{"ZADD", "z", "1", "m", "2", "n"},
		{"XADD", "st", "*", "k", "v"},
		{"INCRBYFLOAT", "fl", "2.25"},
		{"MULTI"}, {"INCR", "cnt"}, {"INCR", "cnt"}, {"EXEC"},
		{"EVAL", "redis.call('set','fromlua','1'); return 1", "0"},
		{"SELECT", "3"}, {"SET", "in3", "x"}, {"SELECT", "0"},
	} {
		if r := c.Do(cmd...); strings.HasPrefix(r, "-") {
			t.Fatalf("%v: %s", cmd, r)
		}
	}
	digest := c.Do("DEBUG", "DIGEST")
	if got := c.Do("DEBUG", "LOADAOF"); got != "+OK\r\n" {
		t.Fatalf("DEBUG LOADAOF: %q", got)
	}
	if got := c.Do("DEBUG", "DIGEST"); got != digest {
		t.Fatalf("after DEBUG LOADAOF the dataset differs: %q, was %q", got, digest)
	}
	if ttl, _ := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(c.Do("TTL", "s"), ":"))); ttl < 990 || ttl > 1000 {
		t.Fatalf("TTL after reload: %d", ttl)
	}
	manifest, err := os.ReadFile(filepath.Join(dir, "appendonlydir", "appendonly.aof.manifest"))
	if err != nil || !strings.Contains(string(manifest), "type b") || !strings.Contains(string(manifest), "type i") {
		t.Fatalf("manifest: %q, %v", manifest, err)
	}
	// BGREWRITEAOF starts a new generation holding the same dataset.
	if got := c.Do("BGREWRITEAOF"); !strings.HasPrefix(got, "+Background append only file rewriting") {
		t.Fatalf("BGREWRITEAOF: %q", got)
	}
	c.Do("SET", "after", "rewrite")
	digest = c.Do("DEBUG", "DIGEST")
	srv.Close()

	_, c2 := startAOFServer(t, dir)
	if got := c2.Do("DEBUG", "DIGEST"); got != digest {
		t.Fatalf("after a restart the dataset differs: %q, was %q", got, digest)
	}
	if got := c2.Do("INFO", "persistence"); !strings.Contains(got, "aof_enabled:1") {
		t.Fatalf("INFO persistence: %s", got)
	}
}

func TestAOFTruncatedTailIsDropped(t *testing.T) {
	wd, _ := os.Getwd()
	dir := t.TempDir()
	t.Cleanup(func() { _ = os.Chdir(wd) })
	srv, c := startAOFServer(t, dir)
	c.Do("SET", "kept", "1")
	srv.Close()
	// A crash in the middle of a write leaves half a command, or a
	// transaction without its EXEC.
	incr := filepath.Join(dir, "appendonlydir", "appendonly.aof.1.incr.aof")
	f, err := os.OpenFile(incr, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = f.WriteString("*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nSET\r\n$4\r\nlost\r\n$1\r\n1\r\n*3\r\n$3\r\nSET\r\n$2\r\nha")
	_ = f.Close()
	_, c2 := startAOFServer(t, dir)
	if got := c2.Do("GET", "kept"); got != "$1\r\n1\r\n" {
		t.Fatalf("GET kept: %q", got)
	}
	if got := c2.Do("EXISTS", "lost"); got != ":0\r\n" {
		t.Fatalf("a transaction without EXEC was applied: %q", got)
	}
}
