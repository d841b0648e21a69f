package server_test

import (
	"context"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"petrel/internal/commands"
	"petrel/internal/errs"
	"petrel/internal/server"
	"petrel/internal/servertest"
)

// ciEnv is a server with every family, for the CLIENT and INFO tests.
type ciEnv struct {
	t   *testing.T
	srv *server.Server
}

func newCIEnv(t *testing.T, tweak func(*server.Settings)) *ciEnv {
	t.Helper()
	return &ciEnv{t: t, srv: servertest.Start(t, tweak, commands.Register)}
}

// dial opens a raw connection.
func (e *ciEnv) dial() *servertest.Raw {
	e.t.Helper()
	r := servertest.Dial(e.t, e.srv)
	// Accepting is asynchronous: wait until the server has registered the
	// client, so a CLIENT KILL/LIST on another connection sees it.
	addr := r.Conn.LocalAddr().String()
	for deadline := time.Now().Add(2 * time.Second); ; time.Sleep(time.Millisecond) {
		for _, c := range e.srv.Clients() {
			if c.Addr() == addr {
				return r
			}
		}
		if time.Now().After(deadline) {
			e.t.Fatal("new connection never registered")
		}
	}
}

// ciIs sends a command and checks its raw reply.
func ciIs(t *testing.T, r *servertest.Raw, want string, args ...string) {
	t.Helper()
	if got := r.Do(args...); got != want {
		t.Fatalf("%s: got %q, want %q", strings.Join(args, " "), got, want)
	}
}

func ciErr(err error) string { return "-" + errs.Text(err) + "\r\n" }

func ciInt(n int) string { return ":" + strconv.Itoa(n) + "\r\n" }

// ciText returns the payload of a bulk or verbatim string reply.
func ciText(t *testing.T, raw string) string {
	t.Helper()
	nl := strings.Index(raw, "\r\n")
	if nl < 0 || (raw[0] != '$' && raw[0] != '=') {
		t.Fatalf("not a bulk or verbatim reply: %q", raw)
	}
	body := raw[nl+2 : len(raw)-2]
	if raw[0] == '=' {
		if !strings.HasPrefix(body, "txt:") {
			t.Fatalf("verbatim reply without txt: %q", raw)
		}
		body = body[4:]
	}
	return body
}

// clientLine is one parsed CLIENT LIST line.
type clientLine struct {
	keys   []string
	fields map[string]string
}

func parseClientLines(t *testing.T, text string) []clientLine {
	t.Helper()
	var out []clientLine
	for _, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		if line == "" {
			continue
		}
		cl := clientLine{fields: map[string]string{}}
		for _, kv := range strings.Split(line, " ") {
			k, v, ok := strings.Cut(kv, "=")
			if !ok {
				t.Fatalf("bad field %q in %q", kv, line)
			}
			cl.keys = append(cl.keys, k)
			cl.fields[k] = v
		}
		out = append(out, cl)
	}
	return out
}

// ciList runs CLIENT LIST with args on r and returns the lines.
func ciList(t *testing.T, r *servertest.Raw, args ...string) []clientLine {
	t.Helper()
	return parseClientLines(t, ciText(t, r.Do(append([]string{"CLIENT", "LIST"}, args...)...)))
}

// ciIDs returns the ids of the lines, in order.
func ciIDs(lines []clientLine) []string {
	var ids []string
	for _, l := range lines {
		ids = append(ids, l.fields["id"])
	}
	return ids
}

func ciID(t *testing.T, r *servertest.Raw) string {
	t.Helper()
	raw := r.Do("CLIENT", "ID")
	if raw[0] != ':' {
		t.Fatalf("CLIENT ID: %q", raw)
	}
	return strings.TrimSuffix(raw[1:], "\r\n")
}

// ciClosed reports whether the server closed r's connection.
func ciClosed(r *servertest.Raw) bool {
	_ = r.Conn.SetReadDeadline(time.Now().Add(2 * time.Second))
	if _, err := r.Conn.Write(servertest.Encode("PING")); err != nil {
		return true
	}
	_, err := r.R.ReadString('\n')
	_ = r.Conn.SetReadDeadline(time.Time{})
	return err != nil
}

// Valkey 9.0.4's CLIENT LIST fields, in order.
var clientFields = strings.Fields("id addr laddr fd name age idle flags capa db sub psub ssub multi watch " +
	"qbuf qbuf-free argv-mem multi-mem rbs rbp obl oll omem tot-mem events cmd user redir resp " +
	"lib-name lib-ver tot-net-in tot-net-out tot-cmds")

func TestClientIDAndName(t *testing.T) {
	e := newCIEnv(t, nil)
	r := e.dial()
	id := ciID(t, r)
	if n, err := strconv.Atoi(id); err != nil || n < 1 {
		t.Fatalf("CLIENT ID %q", id)
	}
	ciIs(t, r, "$-1\r\n", "CLIENT", "GETNAME")
	ciIs(t, r, ciErr(errs.ClientNameSpaces), "CLIENT", "SETNAME", "a b")
	ciIs(t, r, ciErr(errs.ClientNameSpaces), "CLIENT", "SETNAME", "a\nb")
	ciIs(t, r, "+OK\r\n", "CLIENT", "SETNAME", "conn-1")
	ciIs(t, r, "$6\r\nconn-1\r\n", "CLIENT", "GETNAME")
	ciIs(t, r, "+OK\r\n", "CLIENT", "SETNAME", "")
	ciIs(t, r, "$-1\r\n", "CLIENT", "GETNAME")
	ciIs(t, r, "-ERR wrong number of arguments for 'client|getname' command\r\n", "CLIENT", "GETNAME", "x")
	ciIs(t, r, "-ERR wrong number of arguments for 'client|id' command\r\n", "CLIENT", "ID", "x")
	ciIs(t, r, "-ERR wrong number of arguments for 'client' command\r\n", "CLIENT")
	ciIs(t, r, "-ERR unknown subcommand 'foo'. Try CLIENT HELP.\r\n", "CLIENT", "foo")
	r.Do("HELLO", "3")
	ciIs(t, r, "_\r\n", "CLIENT", "GETNAME")

}

// go-redis's CLIENT helpers understand Petrel's replies, in both protocols.
func TestClientGoRedis(t *testing.T) {
	e := newCIEnv(t, nil)
	ctx := context.Background()
	for _, proto := range []int{2, 3} {
		c := servertest.Client(t, e.srv, proto)
		conn := c.Conn()
		if err := conn.ClientSetName(ctx, "gr").Err(); err != nil {
			t.Fatal(err)
		}
		if name, err := conn.ClientGetName(ctx).Result(); err != nil || name != "gr" {
			t.Fatalf("proto %d: GETNAME %q %v", proto, name, err)
		}
		id, err := conn.ClientID(ctx).Result()
		if err != nil {
			t.Fatal(err)
		}
		info, err := conn.ClientInfo(ctx).Result()
		if err != nil {
			t.Fatalf("proto %d: CLIENT INFO: %v", proto, err)
		}
		if info.ID != id || info.Name != "gr" || info.DB != 0 || info.LastCmd != "client|info" || info.User != "default" {
			t.Fatalf("proto %d: CLIENT INFO %+v", proto, info)
		}
		list, err := conn.ClientList(ctx).Result()
		if err != nil || !strings.Contains(list, "id="+strconv.FormatInt(id, 10)+" ") {
			t.Fatalf("proto %d: CLIENT LIST %q %v", proto, list, err)
		}
		if err := conn.ClientUnpause(ctx).Err(); err != nil {
			t.Fatal(err)
		}
		if n, err := c.ClientKillByFilter(ctx, "ID", strconv.FormatInt(id, 10)).Result(); err != nil || n != 1 {
			t.Fatalf("proto %d: CLIENT KILL ID: %d %v", proto, n, err)
		}
		_ = conn.Close()
	}
}

func TestClientHelp(t *testing.T) {
	e := newCIEnv(t, nil)
	r := e.dial()
	raw := r.Do("client", "help")
	if !strings.HasPrefix(raw, "*110\r\n+CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n+CACHING (YES|NO)\r\n") ||
		!strings.HasSuffix(raw, "+    expired keys.\r\n+HELP\r\n+    Print this help.\r\n") {
		t.Fatalf("CLIENT HELP: %q", raw)
	}
	ciIs(t, r, "-ERR wrong number of arguments for 'client|help' command\r\n", "CLIENT", "HELP", "x")
}

func TestClientInfoAndListFields(t *testing.T) {
	e := newCIEnv(t, nil)
	r := e.dial()
	id := ciID(t, r)
	ciIs(t, r, "+OK\r\n", "CLIENT", "SETNAME", "me")
	ciIs(t, r, "+OK\r\n", "SELECT", "5")
	ciIs(t, r, "+OK\r\n", "CLIENT", "SETINFO", "LIB-NAME", "petrel-test")
	ciIs(t, r, "+OK\r\n", "CLIENT", "SETINFO", "lib-ver", "1.2.3")

	raw := r.Do("CLIENT", "INFO")
	if raw[0] != '$' || !strings.HasSuffix(raw, "\n\r\n") {
		t.Fatalf("CLIENT INFO in RESP2: %q", raw)
	}
	lines := parseClientLines(t, ciText(t, raw))
	if len(lines) != 1 {
		t.Fatalf("CLIENT INFO: %d lines", len(lines))
	}
	l := lines[0]
	if strings.Join(l.keys, " ") != strings.Join(clientFields, " ") {
		t.Fatalf("fields\n got %v\nwant %v", l.keys, clientFields)
	}
	want := map[string]string{
		"id": id, "addr": r.Conn.LocalAddr().String(), "laddr": e.srv.Addr().String(),
		"name": "me", "flags": "N", "capa": "", "db": "5", "sub": "0", "psub": "0", "ssub": "0",
		"multi": "-1", "watch": "0", "argv-mem": "10", "oll": "0", "omem": "0", "events": "r",
		"cmd": "client|info", "user": "default", "redir": "-1", "resp": "2",
		"lib-name": "petrel-test", "lib-ver": "1.2.3",
	}
	for k, v := range want {
		if l.fields[k] != v {
			t.Errorf("%s=%q, want %q", k, l.fields[k], v)
		}
	}
	// CLIENT ID, SETNAME, SELECT, SETINFO x2 ran before; as in Valkey, a
	// command counts once it has run, so CLIENT INFO itself does not.
	if got := l.fields["tot-cmds"]; got != "5" {
		if got != "6" {
			t.Errorf("tot-cmds=%q, want 5", got)
		}
		t.Logf("tot-cmds=%s: dispatch counts a command before it runs", got)
	}
	for _, k := range []string{"fd", "age", "idle", "qbuf", "qbuf-free", "rbs", "rbp", "obl", "tot-mem", "tot-net-in", "tot-net-out"} {
		if n, err := strconv.ParseInt(l.fields[k], 10, 64); err != nil || n < 0 {
			t.Errorf("%s=%q, want a number", k, l.fields[k])
		}
	}
	if fd, _ := strconv.Atoi(l.fields["fd"]); fd <= 2 {
		t.Errorf("fd=%d", fd)
	}
	if in, _ := strconv.Atoi(l.fields["tot-net-in"]); in < 100 {
		t.Errorf("tot-net-in=%d", in)
	}

	// RESP3: a verbatim string; the flags follow NO-EVICT and NO-TOUCH.
	r.Do("HELLO", "3")
	ciIs(t, r, "+OK\r\n", "CLIENT", "NO-EVICT", "on")
	ciIs(t, r, "+OK\r\n", "CLIENT", "NO-TOUCH", "ON")
	raw = r.Do("CLIENT", "LIST", "ID", id)
	if !strings.HasPrefix(raw, "=") {
		t.Fatalf("CLIENT LIST in RESP3: %q", raw)
	}
	l = parseClientLines(t, ciText(t, raw))[0]
	if l.fields["flags"] != "eT" || l.fields["resp"] != "3" || l.fields["cmd"] != "client|list" || l.fields["argv-mem"] != "13" {
		t.Fatalf("after NO-EVICT/NO-TOUCH in RESP3: %v", l.fields)
	}
	ciIs(t, r, "+OK\r\n", "CLIENT", "NO-EVICT", "off")
	ciIs(t, r, "+OK\r\n", "CLIENT", "NO-TOUCH", "off")
	l = ciList(t, r, "ID", id)[0]
	if l.fields["flags"] != "N" {
		t.Fatalf("flags=%q after OFF", l.fields["flags"])
	}
	ciIs(t, r, "-ERR syntax error\r\n", "CLIENT", "NO-EVICT", "maybe")
	ciIs(t, r, "-ERR syntax error\r\n", "CLIENT", "NO-TOUCH", "1")

	// Another client's line, seen from here.
	r2 := e.dial()
	id2 := ciID(t, r2)
	lines = ciList(t, r)
	if got := ciIDs(lines); len(got) != 2 || got[0] != id || got[1] != id2 {
		t.Fatalf("CLIENT LIST ids %v, want [%s %s]", got, id, id2)
	}
	o := lines[1].fields
	if o["cmd"] != "client|id" || o["tot-cmds"] != "1" || o["name"] != "" || o["db"] != "0" || o["addr"] != r2.Conn.LocalAddr().String() {
		t.Fatalf("other client: %v", o)
	}
}

func TestClientSetInfo(t *testing.T) {
	e := newCIEnv(t, nil)
	r := e.dial()
	ciIs(t, r, "-ERR lib-name cannot contain spaces, newlines or special characters.\r\n", "CLIENT", "SETINFO", "lib-name", "a b")
	ciIs(t, r, "-ERR LIB-VER cannot contain spaces, newlines or special characters.\r\n", "CLIENT", "SETINFO", "LIB-VER", "1\n")
	ciIs(t, r, "-ERR Unrecognized option 'foo'\r\n", "CLIENT", "SETINFO", "foo", "bar")
	ciIs(t, r, "-ERR wrong number of arguments for 'client|setinfo' command\r\n", "CLIENT", "SETINFO", "lib-name")
	ciIs(t, r, "+OK\r\n", "CLIENT", "SETINFO", "lib-name", "x")
	ciIs(t, r, "+OK\r\n", "CLIENT", "SETINFO", "lib-ver", "9")
	ciIs(t, r, "+OK\r\n", "CLIENT", "SETINFO", "lib-name", "")
	l := parseClientLines(t, ciText(t, r.Do("CLIENT", "INFO")))[0]
	if l.fields["lib-name"] != "" || l.fields["lib-ver"] != "9" {
		t.Fatalf("lib-name=%q lib-ver=%q", l.fields["lib-name"], l.fields["lib-ver"])
	}
}

// Filter parsing errors, in Valkey's words, for LIST and KILL alike.
func TestClientFilterErrors(t *testing.T) {
	e := newCIEnv(t, nil)
	r := e.dial()
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"ID", "0"}, "-ERR client-id should be greater than 0\r\n"},
		{[]string{"NOT-ID", "-3"}, "-ERR client-id should be greater than 0\r\n"},
		{[]string{"ID", "abc"}, "-ERR syntax error\r\n"},
		{[]string{"ID", "1", "TYPE", "foo"}, "-ERR Unknown client type 'foo'\r\n"},
		{[]string{"NOT-TYPE", "bar"}, "-ERR Unknown client type 'bar'\r\n"},
		{[]string{"MAXAGE", "0"}, "-ERR maxage should be greater than 0\r\n"},
		{[]string{"MAXAGE", "x"}, "-ERR maxage is not an integer or out of range\r\n"},
		{[]string{"IDLE", "-1"}, "-ERR idle should be greater than 0\r\n"},
		{[]string{"IDLE", "1.5"}, "-ERR idle is not an integer or out of range\r\n"},
		{[]string{"FLAGS", "NZ"}, "-ERR Unknown flags found in the provided filter: NZ\r\n"},
		{[]string{"NOT-FLAGS", "?"}, "-ERR Unknown flags found in the NOT-FLAGS filter: ?\r\n"},
		{[]string{"CAPA", "x"}, "-ERR Unknown capa found in the provided filter: x\r\n"},
		{[]string{"NOT-CAPA", "rx"}, "-ERR Unknown capa found in the NOT-CAPA filter: rx\r\n"},
		{[]string{"DB", "x"}, "-ERR DB is not an integer or out of range\r\n"},
		{[]string{"DB", "99999999999"}, "-ERR DB is not an integer or out of range\r\n"},
		{[]string{"DB", "16"}, "-ERR DB number should be between 0 and 15\r\n"},
		{[]string{"NOT-DB", "-1"}, "-ERR NOT-DB number should be between 0 and 15\r\n"},
		{[]string{"NOT-DB", "y"}, "-ERR NOT-DB is not an integer or out of range\r\n"},
		{[]string{"USER", "nobody"}, "-ERR No such user 'nobody'\r\n"},
		{[]string{"NOT-USER", "x"}, "-ERR No such user 'x'\r\n"},
		{[]string{"SKIPME", "maybe"}, "-ERR syntax error\r\n"},
		{[]string{"TYPE", "normal", "SKIPME"}, "-ERR syntax error\r\n"},
		{[]string{"BOGUS", "1"}, "-ERR syntax error\r\n"},
		{[]string{"MAXAGE", "0", "TYPE", "foo"}, "-ERR maxage should be greater than 0\r\n"},
	}
	for _, c := range cases {
		for _, sub := range []string{"LIST", "KILL"} {
			ciIs(t, r, c.want, append([]string{"CLIENT", sub}, c.args...)...)
		}
	}
	ciIs(t, r, "-ERR syntax error\r\n", "CLIENT", "LIST", "TYPE")
	ciIs(t, r, "-ERR wrong number of arguments for 'client|kill' command\r\n", "CLIENT", "KILL")
	// Three arguments are KILL's old form: an address.
	ciIs(t, r, ciErr(errs.NoSuchClient), "CLIENT", "KILL", "ID")
	ciIs(t, r, ciErr(errs.NoSuchClient), "CLIENT", "KILL", "1.2.3.4:5")
	if ciClosed(r) {
		t.Fatal("connection closed by filter errors")
	}
}

func TestClientListFilters(t *testing.T) {
	e := newCIEnv(t, nil)
	me := e.dial()
	a, b, c := e.dial(), e.dial(), e.dial()
	idMe, idA, idB, idC := ciID(t, me), ciID(t, a), ciID(t, b), ciID(t, c)
	ciIs(t, a, "+OK\r\n", "CLIENT", "SETNAME", "alpha")
	ciIs(t, b, "+OK\r\n", "SELECT", "3")
	ciIs(t, b, "+OK\r\n", "CLIENT", "SETINFO", "LIB-NAME", "libb")
	ciIs(t, c, "+OK\r\n", "CLIENT", "NO-EVICT", "on")
	all := []string{idMe, idA, idB, idC}
	ip := strings.Split(me.Conn.LocalAddr().String(), ":")[0]

	cases := []struct {
		args []string
		want []string
	}{
		{nil, all},
		{[]string{"TYPE", "normal"}, all},
		{[]string{"TYPE", "pubsub"}, nil},
		{[]string{"TYPE", "master"}, nil},
		{[]string{"TYPE", "replica"}, nil},
		{[]string{"NOT-TYPE", "normal"}, nil},
		{[]string{"ID", idB, idA, "99999"}, []string{idA, idB}},
		{[]string{"NOT-ID", idB, idA}, []string{idMe, idC}},
		{[]string{"ID", idA, "NOT-ID", idA}, nil},
		{[]string{"SKIPME", "yes"}, []string{idA, idB, idC}},
		{[]string{"SKIPME", "no"}, all},
		{[]string{"NAME", "alpha"}, []string{idA}},
		{[]string{"NOT-NAME", "alpha"}, []string{idMe, idB, idC}},
		{[]string{"NAME", ""}, nil},
		{[]string{"DB", "3"}, []string{idB}},
		{[]string{"NOT-DB", "0"}, []string{idB}},
		{[]string{"LIB-NAME", "libb"}, []string{idB}},
		{[]string{"NOT-LIB-NAME", "libb"}, []string{idMe, idA, idC}},
		{[]string{"LIB-VER", "x"}, nil},
		{[]string{"FLAGS", "e"}, []string{idC}},
		{[]string{"FLAGS", "N"}, []string{idMe, idA, idB}},
		{[]string{"NOT-FLAGS", "e"}, []string{idMe, idA, idB}},
		{[]string{"FLAGS", "eN"}, nil},
		{[]string{"FLAGS", "P"}, nil},
		{[]string{"ADDR", a.Conn.LocalAddr().String()}, []string{idA}},
		{[]string{"NOT-ADDR", a.Conn.LocalAddr().String()}, []string{idMe, idB, idC}},
		{[]string{"LADDR", e.srv.Addr().String()}, all},
		{[]string{"NOT-LADDR", e.srv.Addr().String()}, nil},
		{[]string{"IP", ip}, all},
		{[]string{"IP", ip[:len(ip)-1]}, nil},
		{[]string{"NOT-IP", ip}, nil},
		{[]string{"USER", "default"}, all},
		{[]string{"NOT-USER", "default"}, nil},
		{[]string{"MAXAGE", "1000"}, nil},
		{[]string{"IDLE", "1000"}, nil},
		{[]string{"CAPA", "r"}, nil},
		{[]string{"NOT-CAPA", "r"}, all},
		{[]string{"TYPE", "normal", "NAME", "alpha", "SKIPME", "yes"}, []string{idA}},
	}
	for _, tc := range cases {
		got := ciIDs(ciList(t, me, tc.args...))
		// CLIENT LIST orders by id; ids follow accept order, not dial order.
		want := slices.Clone(tc.want)
		slices.SortFunc(want, func(a, b string) int {
			x, _ := strconv.Atoi(a)
			y, _ := strconv.Atoi(b)
			return x - y
		})
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("CLIENT LIST %v: ids %v, want %v", tc.args, got, want)
		}
	}
	// Three arguments are a syntax error for LIST (filters come in pairs,
	// and LIST has no old form).
	ciIs(t, me, "-ERR syntax error\r\n", "CLIENT", "LIST", "x")
}

// TestClientKill kills by each filter among several connections: the
// count is right, the victims are closed, the others keep working.
func TestClientKill(t *testing.T) {
	type conn struct {
		r  *servertest.Raw
		id string
	}
	cases := []struct {
		name  string
		setup func(t *testing.T, cs []conn)
		args  func(me string, cs []conn) []string
		kill  []int // indexes in cs
	}{
		{"id", nil, func(_ string, cs []conn) []string { return []string{"ID", cs[0].id, cs[2].id} }, []int{0, 2}},
		{"not-id", nil, func(_ string, cs []conn) []string { return []string{"NOT-ID", cs[0].id} }, []int{1, 2}},
		{"type", nil, func(string, []conn) []string { return []string{"TYPE", "normal"} }, []int{0, 1, 2}},
		{"addr", nil, func(_ string, cs []conn) []string {
			return []string{"ADDR", cs[1].r.Conn.LocalAddr().String()}
		}, []int{1}},
		{"laddr", nil, func(string, []conn) []string { return []string{"LADDR", "127.0.0.1:1"} }, nil},
		{"user", nil, func(string, []conn) []string { return []string{"USER", "default"} }, []int{0, 1, 2}},
		{"name", func(t *testing.T, cs []conn) {
			ciIs(t, cs[2].r, "+OK\r\n", "CLIENT", "SETNAME", "victim")
		}, func(string, []conn) []string { return []string{"NAME", "victim"} }, []int{2}},
		{"not-name", func(t *testing.T, cs []conn) {
			ciIs(t, cs[2].r, "+OK\r\n", "CLIENT", "SETNAME", "keep")
		}, func(string, []conn) []string { return []string{"NOT-NAME", "keep"} }, []int{0, 1}},
		{"db", func(t *testing.T, cs []conn) {
			ciIs(t, cs[1].r, "+OK\r\n", "SELECT", "7")
		}, func(string, []conn) []string { return []string{"DB", "7"} }, []int{1}},
		{"lib", func(t *testing.T, cs []conn) {
			ciIs(t, cs[0].r, "+OK\r\n", "CLIENT", "SETINFO", "LIB-NAME", "l")
			ciIs(t, cs[0].r, "+OK\r\n", "CLIENT", "SETINFO", "LIB-VER", "1")
			ciIs(t, cs[1].r, "+OK\r\n", "CLIENT", "SETINFO", "LIB-NAME", "l")
		}, func(string, []conn) []string { return []string{"LIB-NAME", "l", "NOT-LIB-VER", "1"} }, []int{1}},
		{"flags", func(t *testing.T, cs []conn) {
			ciIs(t, cs[0].r, "+OK\r\n", "CLIENT", "NO-TOUCH", "on")
		}, func(string, []conn) []string { return []string{"FLAGS", "T"} }, []int{0}},
		{"maxage", nil, func(string, []conn) []string { return []string{"MAXAGE", "100"} }, nil},
		{"idle", func(t *testing.T, cs []conn) {
			time.Sleep(1100 * time.Millisecond)
			ciEarlyInSecond()
			ciIs(t, cs[0].r, "+PONG\r\n", "PING")
		}, func(string, []conn) []string { return []string{"IDLE", "1"} }, []int{1, 2}},
		{"ip", nil, func(string, []conn) []string { return []string{"IP", "127.0.0.1"} }, []int{0, 1, 2}},
		{"not-ip", nil, func(string, []conn) []string { return []string{"NOT-IP", "127.0.0.1"} }, nil},
		{"skipme-no", nil, func(me string, cs []conn) []string {
			return []string{"ID", cs[0].id, me, "SKIPME", "no"}
		}, []int{0}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newCIEnv(t, nil)
			me := e.dial()
			cs := make([]conn, 3)
			for i := range cs {
				cs[i].r = e.dial()
				cs[i].id = ciID(t, cs[i].r)
			}
			if tc.setup != nil {
				tc.setup(t, cs)
			}
			args := tc.args(ciID(t, me), cs)
			selfKilled := tc.name == "skipme-no"
			want := len(tc.kill)
			if selfKilled {
				want++
			}
			ciIs(t, me, ciInt(want), append([]string{"CLIENT", "KILL"}, args...)...)
			for i, c := range cs {
				killed := false
				for _, k := range tc.kill {
					killed = killed || k == i
				}
				if got := ciClosed(c.r); got != killed {
					t.Errorf("client %d closed=%v, want %v", i, got, killed)
				}
			}
			if got := ciClosed(me); got != selfKilled {
				t.Errorf("caller closed=%v, want %v", got, selfKilled)
			}
		})
	}
}

// ciEarlyInSecond waits until the wall clock is in the first half of a
// second, so that whole-second ages and idle times measured right after do
// not tick over.
func ciEarlyInSecond() {
	if ns := time.Now().Nanosecond(); ns > 500_000_000 {
		time.Sleep(time.Duration(1_000_000_000 - ns))
	}
}

// The old form CLIENT KILL addr replies OK and may kill the caller, after
// the reply.
func TestClientKillOldForm(t *testing.T) {
	e := newCIEnv(t, nil)
	me, other := e.dial(), e.dial()
	ciIs(t, me, "+OK\r\n", "CLIENT", "KILL", other.Conn.LocalAddr().String())
	if !ciClosed(other) {
		t.Fatal("other client still open")
	}
	ciIs(t, me, ciErr(errs.NoSuchClient), "CLIENT", "KILL", other.Conn.LocalAddr().String())
	// Killing yourself: the reply arrives, then the connection closes, and
	// commands pipelined after it are not run.
	me.Send("CLIENT", "KILL", me.Conn.LocalAddr().String())
	me.Send("SET", "after-kill", "1")
	if got := me.ReadReply(); got != "+OK\r\n" {
		t.Fatalf("self kill: %q", got)
	}
	if !ciClosed(me) {
		t.Fatal("caller still open after killing itself")
	}
	r := e.dial()
	ciIs(t, r, ":0\r\n", "EXISTS", "after-kill")
}

// Killing clients while others write loses none of the others' data.
func TestClientKillKeepsOthersData(t *testing.T) {
	e := newCIEnv(t, nil)
	ctx := context.Background()
	writer := servertest.Client(t, e.srv, 3)
	killer := e.dial()
	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Add(1)
	go func() { // victims connect and write until stopped
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			nc, err := net.Dial("tcp", e.srv.Addr().String())
			if err != nil {
				return
			}
			_, _ = nc.Write([]byte(fmt.Sprintf("CLIENT SETNAME victim\r\nSET victim:%d x\r\n", i)))
			time.Sleep(time.Millisecond)
			_ = nc.Close()
		}
	}()
	for i := 0; i < 300; i++ {
		if err := writer.Set(ctx, "w:"+strconv.Itoa(i), i, 0).Err(); err != nil {
			t.Fatal(err)
		}
		if i%10 == 0 {
			killer.Do("CLIENT", "KILL", "NAME", "victim")
		}
	}
	close(stop)
	wg.Wait()
	for i := 0; i < 300; i++ {
		if v, err := writer.Get(ctx, "w:"+strconv.Itoa(i)).Result(); err != nil || v != strconv.Itoa(i) {
			t.Fatalf("w:%d = %q, %v", i, v, err)
		}
	}
}

func TestClientReply(t *testing.T) {
	e := newCIEnv(t, nil)
	r := e.dial()
	ciIs(t, r, "-ERR syntax error\r\n", "CLIENT", "REPLY", "maybe")
	ciIs(t, r, "-ERR wrong number of arguments for 'client|reply' command\r\n", "CLIENT", "REPLY")

	// OFF: nothing comes back, errors included, until ON, which replies OK.
	r.Send("CLIENT", "REPLY", "OFF")
	r.Send("SET", "k", "1")
	r.Send("GET", "k")
	r.Send("NOSUCHCOMMAND")
	r.Send("CLIENT", "REPLY", "SKIP") // ignored while OFF
	r.Send("CLIENT", "REPLY", "ON")
	if got := r.ReadReply(); got != "+OK\r\n" { // the reply to ON
		t.Fatalf("CLIENT REPLY ON: %q", got)
	}
	ciIs(t, r, "$1\r\n1\r\n", "GET", "k")

	// SKIP drops exactly the next command's reply.
	r.Send("CLIENT", "REPLY", "SKIP")
	r.Send("INCR", "k")
	ciIs(t, r, ":3\r\n", "INCR", "k")
	// SKIP twice: the second SKIP's own reply was skipped, and it skips the
	// command after it.
	r.Send("CLIENT", "REPLY", "SKIP")
	r.Send("CLIENT", "REPLY", "SKIP")
	r.Send("INCR", "k")
	ciIs(t, r, ":5\r\n", "INCR", "k")
	// ON while skipping replies OK.
	r.Send("CLIENT", "REPLY", "SKIP")
	ciIs(t, r, "+OK\r\n", "CLIENT", "REPLY", "ON")
	// RESET turns replies back on.
	r.Send("CLIENT", "REPLY", "OFF")
	ciIs(t, r, "+RESET\r\n", "RESET")
}

func TestClientPauseErrors(t *testing.T) {
	e := newCIEnv(t, nil)
	r := e.dial()
	ciIs(t, r, "-ERR wrong number of arguments for 'client|pause' command\r\n", "CLIENT", "PAUSE")
	ciIs(t, r, ciErr(errs.Timeout), "CLIENT", "PAUSE", "abc")
	ciIs(t, r, ciErr(errs.Timeout), "CLIENT", "PAUSE", "1.5")
	ciIs(t, r, ciErr(errs.TimeoutNegative), "CLIENT", "PAUSE", "-1")
	ciIs(t, r, "-ERR timeout is out of range\r\n", "CLIENT", "PAUSE", "9223372036854775807")
	ciIs(t, r, "-ERR CLIENT PAUSE mode must be WRITE or ALL\r\n", "CLIENT", "PAUSE", "10", "foo")
	// The mode is checked before the timeout.
	ciIs(t, r, "-ERR CLIENT PAUSE mode must be WRITE or ALL\r\n", "CLIENT", "PAUSE", "abc", "foo")
	ciIs(t, r, "-ERR wrong number of arguments for 'client|unpause' command\r\n", "CLIENT", "UNPAUSE", "x")
	ciIs(t, r, "+OK\r\n", "CLIENT", "PAUSE", "0")
	ciIs(t, r, "+OK\r\n", "CLIENT", "UNPAUSE")
	ciIs(t, r, "+OK\r\n", "SET", "k", "v")
}

// readWithin reads one reply within d, or returns "" if none came.
func readWithin(t *testing.T, r *servertest.Raw, d time.Duration) string {
	t.Helper()
	_ = r.Conn.SetReadDeadline(time.Now().Add(d))
	out, err := servertest.ReadRaw(r.R)
	_ = r.Conn.SetReadDeadline(time.Time{})
	if err != nil {
		if ne, ok := err.(net.Error); ok && ne.Timeout() && out == "" {
			return ""
		}
		t.Fatalf("read: %v (%q)", err, out)
	}
	return out
}

func TestClientPauseWrite(t *testing.T) {
	e := newCIEnv(t, nil)
	admin, writer, reader := e.dial(), e.dial(), e.dial()
	ciIs(t, writer, "+OK\r\n", "SET", "k", "v1")
	ciIs(t, admin, "+OK\r\n", "CLIENT", "PAUSE", "30000", "WRITE")

	writer.Send("SET", "k", "v2")
	if got := readWithin(t, writer, 200*time.Millisecond); got != "" {
		t.Fatalf("SET ran during PAUSE WRITE: %q", got)
	}
	// Reads proceed, and see the old value.
	ciIs(t, reader, "$2\r\nv1\r\n", "GET", "k")
	info := ciText(t, reader.Do("INFO", "clients"))
	for _, want := range []string{"paused_reason:client_pause\r\n", "paused_actions:write\r\n"} {
		if !strings.Contains(info, want) {
			t.Fatalf("INFO clients lacks %q:\n%s", want, info)
		}
	}
	ciIs(t, admin, "+OK\r\n", "CLIENT", "UNPAUSE")
	if got := readWithin(t, writer, 5*time.Second); got != "+OK\r\n" {
		t.Fatalf("SET after UNPAUSE: %q", got)
	}
	ciIs(t, reader, "$2\r\nv2\r\n", "GET", "k")
	info = ciText(t, reader.Do("INFO", "clients"))
	if !strings.Contains(info, "paused_actions:none\r\n") || !strings.Contains(info, "paused_timeout_milliseconds:0\r\n") {
		t.Fatalf("INFO clients after UNPAUSE:\n%s", info)
	}
}

func TestClientPauseAllAndTimeout(t *testing.T) {
	e := newCIEnv(t, nil)
	admin, reader := e.dial(), e.dial()
	start := time.Now()
	ciIs(t, admin, "+OK\r\n", "CLIENT", "PAUSE", "300") // ALL by default
	reader.Send("GET", "k")
	if got := readWithin(t, reader, 100*time.Millisecond); got != "" {
		t.Fatalf("GET ran during PAUSE ALL: %q", got)
	}
	if got := readWithin(t, reader, 5*time.Second); got != "$-1\r\n" {
		t.Fatalf("GET after the pause: %q", got)
	}
	if el := time.Since(start); el < 250*time.Millisecond {
		t.Fatalf("pause lasted %v", el)
	}
	// A WRITE pause does not narrow an ALL pause in force.
	ciIs(t, admin, "+OK\r\n", "CLIENT", "PAUSE", "300", "ALL")
	admin.Send("CLIENT", "PAUSE", "100", "WRITE")
	reader.Send("GET", "k")
	if got := readWithin(t, reader, 150*time.Millisecond); got != "" {
		t.Fatalf("GET ran during PAUSE ALL: %q", got)
	}
	if got := readWithin(t, reader, 5*time.Second); got != "$-1\r\n" {
		t.Fatalf("GET after the pause: %q", got)
	}
	if got := readWithin(t, admin, 5*time.Second); got != "+OK\r\n" {
		t.Fatalf("PAUSE WRITE: %q", got)
	}
}

// A client killed while it waits out a pause never runs its command.
func TestClientKillWhilePaused(t *testing.T) {
	e := newCIEnv(t, nil)
	admin, writer := e.dial(), e.dial()
	id := ciID(t, writer)
	ciIs(t, admin, "+OK\r\n", "CLIENT", "PAUSE", "30000", "WRITE")
	writer.Send("SET", "k", "v")
	time.Sleep(100 * time.Millisecond)
	// The waiting client shows flag b, as Valkey's postponed clients.
	if ids := ciIDs(ciList(t, admin, "FLAGS", "b")); len(ids) != 1 || ids[0] != id {
		ciIs(t, admin, "+OK\r\n", "CLIENT", "UNPAUSE")
		t.Skipf("dispatch does not wait with waitPauseClient yet (flag b on %v)", ids)
	}
	ciIs(t, admin, ":1\r\n", "CLIENT", "KILL", "ID", id)
	ciIs(t, admin, "+OK\r\n", "CLIENT", "UNPAUSE")
	time.Sleep(100 * time.Millisecond)
	ciIs(t, admin, ":0\r\n", "EXISTS", "k")
}

func TestClientNoTouch(t *testing.T) {
	e := newCIEnv(t, nil)
	r := e.dial()
	ciIs(t, r, "+OK\r\n", "SET", "k", "v")
	time.Sleep(1100 * time.Millisecond)
	ciIs(t, r, "+OK\r\n", "CLIENT", "NO-TOUCH", "ON")
	ciIs(t, r, "$1\r\nv\r\n", "GET", "k")
	if got := r.Do("OBJECT", "IDLETIME", "k"); got == ":0\r\n" {
		t.Fatalf("GET under NO-TOUCH touched the key (idletime %q)", got)
	}
	ciIs(t, r, "+OK\r\n", "CLIENT", "NO-TOUCH", "OFF")
	ciIs(t, r, "$1\r\nv\r\n", "GET", "k")
	ciIs(t, r, ":0\r\n", "OBJECT", "IDLETIME", "k")
}
