package server_test

import (
	"regexp"
	"strings"
	"testing"

	"petrel/internal/servertest"
)

// monitorLine matches one MONITOR line and captures what follows the
// timestamp.
var monitorLine = regexp.MustCompile(`^\+[0-9]{10}\.[0-9]{6} (.*)\r\n$`)

func expectMonitor(t *testing.T, r *servertest.Raw, want string) {
	t.Helper()
	got := r.ReadReply()
	m := monitorLine.FindStringSubmatch(got)
	if m == nil || m[1] != want {
		t.Fatalf("monitor: got %q, want +<time> %s", got, want)
	}
}

func TestMonitor(t *testing.T) {
	for _, m := range connModels {
		t.Run(m.name, func(t *testing.T) {
			e := newPSEnv(t, m.tweak)
			mon, c := e.dial(), e.dial()
			addr := c.Conn.LocalAddr().String()
			psExpect(t, mon, "+OK\r\n", "MONITOR")
			if l := c.Do("CLIENT", "LIST", "TYPE", "normal"); !strings.Contains(l, "flags=O ") {
				t.Fatalf("a monitor is flagged O and listed as normal: %s", l)
			}

			c.Do("SET", "foo", "bar")
			expectMonitor(t, mon, `[0 `+addr+`] "SET" "foo" "bar"`)
			c.Do("ECHO", "backslash\\quotes\"newline\ncr\rtab\talert\abs\bhex\x7f\x00é")
			expectMonitor(t, mon, `[0 `+addr+`] "ECHO" "backslash\\quotes\"newline\ncr\rtab\talert\abs\bhex\x7f\x00\xc3\xa9"`)
			c.Do("SELECT", "3")
			expectMonitor(t, mon, `[3 `+addr+`] "SELECT" "3"`)
			// Secrets are redacted; admin commands and rejected ones are not shown.
			c.Do("AUTH", "secret")
			c.Do("AUTH", "user", "secret")
			c.Do("AUTH", "a", "b", "c")
			c.Do("HELLO", "2", "AUTH", "default", "pw")
			c.Do("CONFIG", "GET", "port")
			c.Do("CLIENT", "LIST")
			c.Do("NOSUCHCOMMAND")
			c.Do("GET")
			c.Do("GET", "k")
			expectMonitor(t, mon, `[3 `+addr+`] "AUTH" "(redacted)"`)
			expectMonitor(t, mon, `[3 `+addr+`] "AUTH" "(redacted)" "(redacted)"`)
			expectMonitor(t, mon, `[3 `+addr+`] "AUTH" "a" "b" "c"`)
			expectMonitor(t, mon, `[3 `+addr+`] "HELLO" "2" "AUTH" "(redacted)" "(redacted)"`)
			expectMonitor(t, mon, `[3 `+addr+`] "GET" "k"`)

			// A monitor may not touch the keyspace, may run other commands,
			// and a second MONITOR is silently ignored.
			psExpect(t, mon, "-ERR Replica can't interact with the keyspace\r\n", "GET", "k")
			mon.Send("MONITOR")
			psExpect(t, mon, "+PONG\r\n", "PING")
			expectMonitor(t, mon, `[0 `+mon.Conn.LocalAddr().String()+`] "PING"`)

			// RESET stops the feed.
			psExpect(t, mon, "+RESET\r\n", "RESET")
			c.Do("SET", "a", "b")
			expectSilence(t, mon)
			psExpect(t, mon, "$-1\r\n", "GET", "k")

			// QUIT from a monitor closes it.
			psExpect(t, mon, "+OK\r\n", "MONITOR")
			psExpect(t, mon, "+OK\r\n", "QUIT")
			if _, err := mon.R.ReadByte(); err == nil {
				t.Fatal("the connection stays open after QUIT")
			}
			psWaitFor(t, func() bool { return !strings.Contains(c.Do("CLIENT", "LIST"), "flags=O") })
		})
	}
}
