package servertest

import (
	"bufio"
	"io"
	"strconv"
	"strings"
	"time"
)

// Sync turns r into a replica: it sends SYNC, reads the RDB payload
// ("$<len>\r\n" and len bytes) and returns it. The commands propagated
// from then on are read with ReadCommand.
func (r *Raw) Sync() []byte {
	r.t.Helper()
	r.Send("SYNC")
	_ = r.Conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	line, err := r.R.ReadString('\n')
	for err == nil && line == "\n" { // newlines are keepalives before the payload
		line, err = r.R.ReadString('\n')
	}
	if err != nil || !strings.HasPrefix(line, "$") {
		r.t.Fatalf("SYNC: got %q, %v", line, err)
	}
	n, err := strconv.Atoi(strings.TrimSpace(line[1:]))
	if err != nil {
		r.t.Fatalf("SYNC: bad length %q", line)
	}
	payload := make([]byte, n)
	if _, err := io.ReadFull(r.R, payload); err != nil {
		r.t.Fatalf("SYNC payload: %v", err)
	}
	return payload
}

// ReadCommand reads one propagated command (a RESP array of bulk
// strings) and returns it with the command name lower-cased, or nil if
// none arrives within wait.
func (r *Raw) ReadCommand(wait time.Duration) []string {
	r.t.Helper()
	_ = r.Conn.SetReadDeadline(time.Now().Add(wait))
	line, err := r.R.ReadString('\n')
	if err != nil {
		return nil
	}
	if !strings.HasPrefix(line, "*") {
		r.t.Fatalf("stream: expected an array, got %q", line)
	}
	_ = r.Conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	n, _ := strconv.Atoi(strings.TrimSpace(line[1:]))
	out := make([]string, 0, n)
	for i := 0; i < n; i++ {
		arg, err := readBulk(r.R)
		if err != nil {
			r.t.Fatalf("stream: %v", err)
		}
		if i == 0 {
			arg = strings.ToLower(arg)
		}
		out = append(out, arg)
	}
	return out
}

func readBulk(rd *bufio.Reader) (string, error) {
	line, err := rd.ReadString('\n')
	if err != nil {
		return "", err
	}
	n, err := strconv.Atoi(strings.TrimSpace(line[1:]))
	if err != nil {
		return "", err
	}
	b := make([]byte, n+2)
	if _, err := io.ReadFull(rd, b); err != nil {
		return "", err
	}
	return string(b[:n]), nil
}

// ExpectCommands reads len(want) propagated commands and fails unless
// each matches its pattern: the words joined by spaces, where "*" in a
// pattern matches any run of characters (as Valkey's
// assert_replication_stream uses string match).
func (r *Raw) ExpectCommands(want ...string) {
	r.t.Helper()
	for i, w := range want {
		got := r.ReadCommand(2 * time.Second)
		if got == nil {
			r.t.Fatalf("stream command %d: nothing, want %q", i, w)
		}
		if s := strings.Join(got, " "); !globMatch(w, s) {
			r.t.Fatalf("stream command %d: got %q, want %q", i, s, w)
		}
	}
}

// globMatch matches s against pattern with "*" as the only wildcard.
func globMatch(pattern, s string) bool {
	parts := strings.Split(pattern, "*")
	if len(parts) == 1 {
		return pattern == s
	}
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	for _, p := range parts[1 : len(parts)-1] {
		i := strings.Index(s, p)
		if i < 0 {
			return false
		}
		s = s[i+len(p):]
	}
	return strings.HasSuffix(s, parts[len(parts)-1])
}
