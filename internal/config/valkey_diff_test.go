package config

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"testing"
)

// The differential test runs CONFIG SET and CONFIG GET against a real
// valkey-server and against a Config, and compares the replies byte for
// byte. It runs only when PETREL_VALKEY_ADDR names a disposable server:
//
//	valkey-server --port 7711 --save '' &
//	PETREL_VALKEY_ADDR=127.0.0.1:7711 go test -run Valkey ./internal/config/

// diffSkip are directives whose CONFIG SET acts on the real process (ports,
// listeners, files, TLS, cluster state, the password of our connection):
// a value the harness picks could break the reference server.
var diffSkip = map[string]bool{
	"port": true, "tls-port": true, "bind": true, "dir": true, "appendonly": true,
	"maxclients": true, "oom-score-adj": true, "oom-score-adj-values": true,
	"locale-collate": true, "requirepass": true, "io-threads": true,
	"cluster-replica-no-failover": true, "cluster-preferred-endpoint-type": true,
	"proc-title-template": true, "crash-log-enabled": true, "watchdog-period": true,
}

func diffSkipped(d *Directive) bool {
	return diffSkip[d.Name] || strings.HasPrefix(d.Name, "tls-") || strings.HasPrefix(d.Name, "cluster-announce")
}

var diffValues = []string{
	"", "yes", "no", "YES", "maybe", "0", "1", "-1", "2", "10", "abc", "07", "+5", " 5",
	"10%", "101%", "-5%", "1kb", "1KB", "5mb", "1g", "2gb", "kb", "99999999999999999999",
	"18446744073709551615", "9223372036854775807", "9223372036854775808", "-9223372036854775808",
	"777", "0777", "1000", "65536", "2147483648", "-2147483649", "4294967296",
	"everysec", "allkeys-lru", "ALLKEYS-LFU", "noeviction", "save now", "save nosave", "default",
	"KEA", "Ex", "Q", "normal 1 2 3", "replica 1mb 2mb 60", "master 1 2 3", "pubsub 1 2",
	"50 99 99.9", "100.1", "1.5 2.5", "a.rdb", "a/b", "x\\y", "notice", "nothing",
	"{title}", "{title} {port}", "host-1.example", "bad_host",
}

type respConn struct {
	c net.Conn
	r *bufio.Reader
}

func (rc *respConn) do(t *testing.T, args ...string) any {
	t.Helper()
	var b strings.Builder
	b.WriteString("*" + strconv.Itoa(len(args)) + "\r\n")
	for _, a := range args {
		b.WriteString("$" + strconv.Itoa(len(a)) + "\r\n" + a + "\r\n")
	}
	if _, err := rc.c.Write([]byte(b.String())); err != nil {
		t.Fatal(err)
	}
	return rc.read(t)
}

func (rc *respConn) read(t *testing.T) any {
	line, err := rc.r.ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	line = strings.TrimSuffix(line, "\r\n")
	switch line[0] {
	case '+', '-', ':':
		return line
	case '$':
		n, _ := strconv.Atoi(line[1:])
		buf := make([]byte, n+2)
		if _, err := ioReadFull(rc.r, buf); err != nil {
			t.Fatal(err)
		}
		return string(buf[:n])
	case '*', '%':
		n, _ := strconv.Atoi(line[1:])
		if line[0] == '%' {
			n *= 2
		}
		out := make([]any, n)
		for i := range out {
			out[i] = rc.read(t)
		}
		return out
	}
	t.Fatalf("unexpected reply %q", line)
	return nil
}

func ioReadFull(r *bufio.Reader, b []byte) (int, error) {
	n := 0
	for n < len(b) {
		m, err := r.Read(b[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

func ourReply(err error) string {
	if err != nil {
		return "-" + err.Error()
	}
	return "+OK"
}

func TestValkeyDifferentialSet(t *testing.T) {
	addr := os.Getenv("PETREL_VALKEY_ADDR")
	if addr == "" {
		t.Skip("set PETREL_VALKEY_ADDR to a disposable valkey-server to run")
	}
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	rc := &respConn{conn, bufio.NewReader(conn)}
	c := New()

	// Start both from the server's current values.
	all := rc.do(t, "CONFIG", "GET", "*").([]any)
	for i := 0; i < len(all); i += 2 {
		name, val := all[i].(string), all[i+1].(string)
		if d, ok := Lookup(name); ok && d.Flags&(Immutable|Protected) == 0 && !diffSkipped(d) && d.Alias != name {
			if err := c.Set(name, val); err != nil && !strings.HasPrefix(name, "rdma") {
				t.Fatalf("syncing %s=%q: %v", name, val, err)
			}
		}
	}

	checks := 0
	for _, d := range Directives() {
		if diffSkipped(d) {
			continue
		}
		names := []string{d.Name}
		if d.Alias != "" {
			names = append(names, strings.ToUpper(d.Alias))
		}
		for _, name := range names {
			for _, v := range append(diffValues, d.Default) {
				want := rc.do(t, "CONFIG", "SET", name, v)
				got := ourReply(c.Set(name, v))
				if fmt.Sprint(want) != got {
					t.Errorf("CONFIG SET %s %q: valkey %v, ours %v", name, v, want, got)
				}
				wantGet := fmt.Sprint(rc.do(t, "CONFIG", "GET", name))
				gotGet := fmt.Sprint(pairsToAny(c.GetPattern([]string{name})))
				if wantGet != gotGet {
					t.Errorf("after SET %s %q: valkey GET %v, ours %v", name, v, wantGet, gotGet)
				}
				checks++
			}
			rc.do(t, "CONFIG", "SET", name, d.Default)
			c.Set(name, d.Default)
		}
	}

	// Several pairs at once.
	for _, args := range [][]string{
		{"maxmemory", "1", "maxmemory", "2"},
		{"maxmemory", "1", "MAXMEMORY", "2"},
		{"hash-max-listpack-entries", "1", "hash-max-ziplist-entries", "2"},
		{"foo", "1", "daemonize", "yes"},
		{"daemonize", "yes", "foo", "1"},
		{"hz", "20", "maxmemory", "bad"},
		{"maxmemory", "bad", "hz", "abc"},
		{"dbfilename", "x", "hz", "5"},
		{"hz", "5", "dbfilename", "x", "foo", "bar"},
		{"rdma-port", "1", "hz", "5"},
		{"hz", "7", "rdma-port", "1"},
	} {
		want := rc.do(t, append([]string{"CONFIG", "SET"}, args...)...)
		var pairs [][2]string
		for i := 0; i+1 < len(args); i += 2 {
			pairs = append(pairs, [2]string{args[i], args[i+1]})
		}
		got := ourReply(c.SetMany(pairs))
		if fmt.Sprint(want) != got {
			t.Errorf("CONFIG SET %q: valkey %v, ours %v", args, want, got)
		}
		checks++
	}

	// Patterns.
	for _, pats := range [][]string{
		{"*max-*-entries*"}, {"maxmemory", "MAXMEMORY"}, {"MAXMEMORY", "maxmem*"}, {"slaveof", "replicaof"},
		{"*"}, {"[a-c]*"}, {"*\\-*"}, {"debug-context"}, {"debug*"}, {"nosuch"}, {"?z"}, {"hz", "Hz", "h?"},
	} {
		want := fmt.Sprint(withoutPortDir(rc.do(t, append([]string{"CONFIG", "GET"}, pats...)...).([]any)))
		got := fmt.Sprint(withoutPortDir(pairsToAny(c.GetPattern(pats))))
		if want != got {
			t.Errorf("CONFIG GET %q:\nvalkey %v\nours   %v", pats, want, got)
		}
		checks++
	}
	t.Logf("%d comparisons", checks)
}

func pairsToAny(ps []Pair) []any {
	out := make([]any, 0, 2*len(ps))
	for _, p := range ps {
		out = append(out, p.Name, p.Value)
	}
	return out
}

// withoutPortDir drops port and dir, which the harness cannot align.
func withoutPortDir(kv []any) []any {
	var out []any
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i] != "port" && kv[i] != "dir" {
			out = append(out, kv[i], kv[i+1])
		}
	}
	return out
}
