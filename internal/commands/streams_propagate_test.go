package commands

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"petrel/internal/server"
	"petrel/internal/servertest"
)

// How stream commands reach the propagation stream, checked against what
// Valkey 9.0.4 writes on its replication stream for the same commands
// (recorded with SYNC on a live valkey-server; IDs and times differ).

// startStreamReplicated is startReplicated that also returns the server.
func startStreamReplicated(t *testing.T) (srv *server.Server, c, repl *servertest.Raw) {
	t.Helper()
	srv = servertest.Start(t, func(s *server.Settings) { s.EnableDebugCommand = "yes" }, Register)
	repl = servertest.Dial(t, srv)
	repl.Sync()
	return srv, servertest.Dial(t, srv), repl
}

// readStreamCommands reads propagated commands until none comes for a
// while.
func readStreamCommands(repl *servertest.Raw) [][]string {
	var out [][]string
	for i := 0; i < 10000; i++ {
		cmd := repl.ReadCommand(300 * time.Millisecond)
		if cmd == nil {
			break
		}
		if cmd[0] != "ping" {
			out = append(out, cmd)
		}
	}
	return out
}

func TestPropagateXAddID(t *testing.T) {
	_, c, repl := startStreamReplicated(t)
	c.Do("XADD", "s", "5-*", "f", "v")
	c.Do("XADD", "s", "5-*", "f", "v")
	c.Do("XADD", "s", "9-1", "f", "v")
	c.Do("XADD", "s", "10", "f", "v") // a full ID (seq 0): verbatim, as Valkey
	id := strings.Split(c.Do("XADD", "s", "*", "f", "v"), "\r\n")[1]
	c.Do("XADD", "s", "NOMKSTREAM", "*", "f", "v")
	c.Do("XADD", "nos", "NOMKSTREAM", "*", "f", "v") // nothing added: nothing propagated
	c.Do("XADD", "s", "10-0", "f", "v")              // rejected
	c.Do("SET", "end", "1")
	repl.ExpectCommands(
		"select 0",
		"xadd s 5-0 f v",
		"xadd s 5-1 f v",
		"xadd s 9-1 f v",
		"xadd s 10 f v",
		"xadd s "+id+" f v",
		"xadd s NOMKSTREAM *-* f v",
		"set end 1",
	)
}

func TestPropagateXAddXTrimApprox(t *testing.T) {
	_, c, repl := startStreamReplicated(t)
	c.Do("CONFIG", "SET", "stream-node-max-entries", "2")
	for i := 0; i < 6; i++ {
		c.Do("XADD", "s", "MAXLEN", "~", "3", strconv.Itoa(i+1)+"-1", "f", "v")
	}
	for i := 1; i <= 7; i++ {
		c.Do("XADD", "l", strconv.Itoa(i)+"-1", "f", "v")
	}
	c.Do("XADD", "l", "MAXLEN", "~", "2", "LIMIT", "2", "*", "f", "x")
	for i := 1; i <= 7; i++ {
		c.Do("XADD", "m", strconv.Itoa(i)+"-1", "f", "v")
	}
	c.Do("XADD", "m", "MINID", "~", "6", "100-1", "f", "x")
	c.Do("XADD", "m", "MINID", "=", "8", "101-1", "f", "y") // exact: verbatim
	c.Do("XADD", "m", "MAXLEN", "1", "102-1", "f", "z")
	for i := 1; i <= 7; i++ {
		c.Do("XADD", "t", strconv.Itoa(i)+"-1", "f", "v")
	}
	c.Do("XTRIM", "t", "MAXLEN", "~", "3")
	c.Do("XTRIM", "t", "MAXLEN", "~", "100") // trimmed nothing: not propagated
	c.Do("XTRIM", "t", "MINID", "~", "100")  // every node: the largest ID
	c.Do("XADD", "z", "MAXLEN", "~", "0", "1-1", "f", "x")
	c.Do("XADD", "z", "MINID", "~", "0", "2-1", "f", "x")

	want := []string{"select 0",
		// One node per two entries: the length left each time.
		"xadd s MAXLEN = 1 1-1 f v",
		"xadd s MAXLEN = 2 2-1 f v",
		"xadd s MAXLEN = 3 3-1 f v",
		"xadd s MAXLEN = 4 4-1 f v",
		"xadd s MAXLEN = 3 5-1 f v",
		"xadd s MAXLEN = 4 6-1 f v",
	}
	for i := 1; i <= 7; i++ {
		want = append(want, "xadd l "+strconv.Itoa(i)+"-1 f v")
	}
	want = append(want, "xadd l MAXLEN = 6 LIMIT 2 *-* f x")
	for i := 1; i <= 7; i++ {
		want = append(want, "xadd m "+strconv.Itoa(i)+"-1 f v")
	}
	want = append(want,
		"xadd m MINID = 5-1 100-1 f x",
		"xadd m MINID = 8 101-1 f y",
		"xadd m MAXLEN 1 102-1 f z",
	)
	for i := 1; i <= 7; i++ {
		want = append(want, "xadd t "+strconv.Itoa(i)+"-1 f v")
	}
	want = append(want,
		"xtrim t MAXLEN = 3",
		"xtrim t MINID = 18446744073709551615-18446744073709551615",
		"xadd z MAXLEN = 0 1-1 f x",
		"xadd z MINID = 2-1 2-1 f x",
	)
	repl.ExpectCommands(want...)
	if got := repl.ReadCommand(300 * time.Millisecond); got != nil {
		t.Fatalf("unexpected %q", got)
	}
}

func TestPropagateXReadGroup(t *testing.T) {
	_, c, repl := startStreamReplicated(t)
	c.Do("XADD", "s", "1-1", "f", "1")
	c.Do("XADD", "s", "2-1", "f", "2")
	c.Do("XGROUP", "CREATE", "s", "g", "0")
	c.Do("XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", ">")
	c.Do("XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", "0") // history: nothing
	c.Do("XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", ">") // nothing new
	c.Do("XADD", "s", "3-1", "f", "3")
	c.Do("XADD", "s", "4-1", "f", "4")
	c.Do("XREADGROUP", "GROUP", "g", "bob", "COUNT", "1", "NOACK", "STREAMS", "s", ">")
	c.Do("XREADGROUP", "GROUP", "g", "carol", "NOACK", "STREAMS", "s", ">")
	c.Do("XREADGROUP", "GROUP", "g", "dave", "STREAMS", "s", ">") // nothing to read: not even the consumer
	c.Do("XREAD", "STREAMS", "s", "0")
	repl.ExpectCommands(
		"select 0",
		"xadd s 1-1 f 1",
		"xadd s 2-1 f 2",
		"xgroup CREATE s g 0",
		"multi",
		"xclaim s g alice 0 1-1 TIME * RETRYCOUNT 1 FORCE JUSTID LASTID 1-1",
		"xclaim s g alice 0 2-1 TIME * RETRYCOUNT 1 FORCE JUSTID LASTID 2-1",
		"xgroup SETID s g 2-1 ENTRIESREAD 2",
		"exec",
		"xadd s 3-1 f 3",
		"xadd s 4-1 f 4",
		"multi",
		"xgroup CREATECONSUMER s g bob",
		"xgroup SETID s g 3-1 ENTRIESREAD 3",
		"exec",
		"multi",
		"xgroup CREATECONSUMER s g carol",
		"xgroup SETID s g 4-1 ENTRIESREAD 4",
		"exec",
	)
	if got := repl.ReadCommand(300 * time.Millisecond); got != nil {
		t.Fatalf("unexpected %q", got)
	}
}

func TestPropagateXReadGroupBlockedAndMulti(t *testing.T) {
	srv, c, repl := startStreamReplicated(t)
	c.Do("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
	b := servertest.Dial(t, srv)
	b.Send("XREADGROUP", "GROUP", "g", "blk", "BLOCK", "0", "STREAMS", "s", ">")
	waitStreamBlocked(t, c, 1)
	c.Do("XADD", "s", "1-1", "f", "v")
	if r := b.ReadReply(); !strings.Contains(r, "1-1") {
		t.Fatalf("blocked XREADGROUP got %q", r)
	}
	c.Do("MULTI")
	c.Do("XADD", "s", "2-1", "a", "b")
	c.Do("XREADGROUP", "GROUP", "g", "zed", "STREAMS", "s", ">")
	c.Do("EXEC")
	repl.ExpectCommands(
		"select 0",
		"xgroup CREATE s g $ MKSTREAM",
		"xadd s 1-1 f v",
		"multi",
		"xclaim s g blk 0 1-1 TIME * RETRYCOUNT 1 FORCE JUSTID LASTID 1-1",
		"xgroup SETID s g 1-1 ENTRIESREAD 1",
		"exec",
		"multi",
		"xadd s 2-1 a b",
		"xclaim s g zed 0 2-1 TIME * RETRYCOUNT 1 FORCE JUSTID LASTID 2-1",
		"xgroup SETID s g 2-1 ENTRIESREAD 2",
		"exec",
	)
}

// waitStreamBlocked waits until n clients are blocked.
func waitStreamBlocked(t *testing.T, c *servertest.Raw, n int) {
	t.Helper()
	want := "blocked_clients:" + strconv.Itoa(n) + "\r\n"
	for i := 0; i < 200; i++ {
		if strings.Contains(c.Do("INFO", "clients"), want) {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("no %d blocked clients", n)
}

func TestPropagateXClaimXAutoClaim(t *testing.T) {
	_, c, repl := startStreamReplicated(t)
	for i := 1; i <= 5; i++ {
		c.Do("XADD", "s", strconv.Itoa(i)+"-1", "f", strconv.Itoa(i))
	}
	c.Do("XGROUP", "CREATE", "s", "g", "0")
	c.Do("XREADGROUP", "GROUP", "g", "alice", "COUNT", "2", "STREAMS", "s", ">")
	c.Do("XREADGROUP", "GROUP", "g", "bob", "COUNT", "2", "NOACK", "STREAMS", "s", ">")
	c.Do("XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", ">")
	readStreamCommands(repl) // checked in TestPropagateXReadGroup

	before := time.Now().UnixMilli()
	c.Do("XCLAIM", "s", "g", "bob", "0", "1-1", "5-1", "2") // 2-0 is not pending
	c.Do("XCLAIM", "s", "g", "bob", "0", "1-1", "5-1")
	c.Do("XDEL", "s", "1-1")
	c.Do("XCLAIM", "s", "g", "bob", "0", "1-1")                  // deleted: dropped from the PEL
	c.Do("XCLAIM", "s", "g", "bob", "0", "3-1", "LASTID", "9-0") // not pending: only the new last ID
	c.Do("XCLAIM", "s", "g", "bob", "0", "3-1", "FORCE", "RETRYCOUNT", "7", "IDLE", "1000")
	c.Do("XCLAIM", "s", "g", "bob", "0", "3-1", "LASTID", "20-0", "JUSTID")
	c.Do("XCLAIM", "s", "g", "bob", "100000", "5-1") // not idle enough: nothing
	c.Do("XDEL", "s", "2-1")
	c.Do("XAUTOCLAIM", "s", "g", "erin", "0", "0", "COUNT", "10")
	c.Do("XAUTOCLAIM", "s", "g", "erin", "0", "0", "JUSTID")
	c.Do("XAUTOCLAIM", "s", "g", "erin", "100000", "0") // nothing
	c.Do("XCLAIM", "s", "g", "newbie", "0", "99-1")     // creates a consumer only: nothing
	got := readStreamCommands(repl)
	want := []string{
		"multi",
		"xclaim s g bob 0 1-1 TIME * RETRYCOUNT 2 FORCE JUSTID LASTID 5-1",
		"xclaim s g bob 0 5-1 TIME * RETRYCOUNT 2 FORCE JUSTID LASTID 5-1",
		"exec",
		"multi",
		"xclaim s g bob 0 1-1 TIME * RETRYCOUNT 3 FORCE JUSTID LASTID 5-1",
		"xclaim s g bob 0 5-1 TIME * RETRYCOUNT 3 FORCE JUSTID LASTID 5-1",
		"exec",
		"xdel s 1-1",
		"xclaim s g bob 0 1-1 TIME * RETRYCOUNT 3 FORCE JUSTID LASTID 5-1",
		"xgroup SETID s g 9-0 ENTRIESREAD 5",
		"xclaim s g bob 0 3-1 TIME * RETRYCOUNT 7 FORCE JUSTID LASTID 9-0",
		"xclaim s g bob 0 3-1 TIME * RETRYCOUNT 7 FORCE JUSTID LASTID 20-0",
		"xdel s 2-1",
		"multi",
		"xclaim s g alice 0 2-1 TIME * RETRYCOUNT 1 FORCE JUSTID LASTID 20-0",
		"xclaim s g erin 0 3-1 TIME * RETRYCOUNT 8 FORCE JUSTID LASTID 20-0",
		"xclaim s g erin 0 5-1 TIME * RETRYCOUNT 4 FORCE JUSTID LASTID 20-0",
		"exec",
		"multi",
		"xclaim s g erin 0 3-1 TIME * RETRYCOUNT 8 FORCE JUSTID LASTID 20-0",
		"xclaim s g erin 0 5-1 TIME * RETRYCOUNT 4 FORCE JUSTID LASTID 20-0",
		"exec",
	}
	if len(got) != len(want) {
		t.Fatalf("got %d commands, want %d:\n%q", len(got), len(want), got)
	}
	for i, w := range want {
		if s := strings.Join(got[i], " "); !globLike(w, s) {
			t.Fatalf("command %d: got %q, want %q", i, s, w)
		}
	}
	// IDLE 1000 propagates the delivery time it stands for.
	idle := got[11]
	if ms, _ := strconv.ParseInt(idle[7], 10, 64); ms < before-1000 || ms > time.Now().UnixMilli()-1000 {
		t.Fatalf("XCLAIM IDLE 1000 propagated TIME %s (now %d)", idle[7], time.Now().UnixMilli())
	}
}

// globLike matches s against a pattern whose "*" matches any run of
// characters.
func globLike(pattern, s string) bool {
	re := "^" + strings.ReplaceAll(regexp.QuoteMeta(pattern), `\*`, ".*") + "$"
	return regexp.MustCompile(re).MatchString(s)
}

func TestPropagateGroupCommandsVerbatim(t *testing.T) {
	_, c, repl := startStreamReplicated(t)
	c.Do("XADD", "s", "1-1", "f", "v")
	c.Do("XGROUP", "CREATE", "s", "g", "0")
	c.Do("XREADGROUP", "GROUP", "g", "a", "STREAMS", "s", ">")
	readStreamCommands(repl)
	cmds := [][]string{
		{"XGROUP", "CREATE", "s", "g2", "$"},
		{"XGROUP", "CREATE", "s", "g3", "$", "ENTRIESREAD", "3"},
		{"XGROUP", "SETID", "s", "g2", "0"},
		{"XGROUP", "SETID", "s", "g2", "$", "ENTRIESREAD", "4"},
		{"XGROUP", "CREATECONSUMER", "s", "g2", "x"},
		{"XGROUP", "CREATECONSUMER", "s", "g2", "x"}, // exists: nothing
		{"XGROUP", "DELCONSUMER", "s", "g2", "x"},
		{"XGROUP", "DELCONSUMER", "s", "g2", "x"}, // gone: nothing
		{"XGROUP", "DESTROY", "s", "g2"},
		{"XGROUP", "DESTROY", "s", "g2"}, // gone: nothing
		{"XACK", "s", "g", "1-1", "4-1"},
		{"XACK", "s", "g", "99-1"}, // nothing
		{"XDEL", "s", "99-1"},      // nothing
		{"XSETID", "s", "30-0"},
		{"XSETID", "s", "31", "ENTRIESADDED", "100", "MAXDELETEDID", "20-0"},
		{"XGROUP", "CREATE", "s2", "g", "$", "MKSTREAM"},
		{"XREAD", "STREAMS", "s", "0"},
	}
	for _, cmd := range cmds {
		c.Do(cmd...)
	}
	repl.ExpectCommands(
		"xgroup CREATE s g2 $",
		"xgroup CREATE s g3 $ ENTRIESREAD 3",
		"xgroup SETID s g2 0",
		"xgroup SETID s g2 $ ENTRIESREAD 4",
		"xgroup CREATECONSUMER s g2 x",
		"xgroup DELCONSUMER s g2 x",
		"xgroup DESTROY s g2",
		"xack s g 1-1 4-1",
		"xsetid s 30-0",
		"xsetid s 31 ENTRIESADDED 100 MAXDELETEDID 20-0",
		"xgroup CREATE s2 g $ MKSTREAM",
	)
	if got := repl.ReadCommand(300 * time.Millisecond); got != nil {
		t.Fatalf("unexpected %q", got)
	}
}

// TestPropagateStreamsReplicaAgrees runs a workload on one server, applies
// what it propagated to a second one as its primary would, and checks the
// two agree on every stream and group (times of consumers aside: a replica
// stamps them when it applies the commands).
func TestPropagateStreamsReplicaAgrees(t *testing.T) {
	srv, c, repl := startStreamReplicated(t)
	c.Do("CONFIG", "SET", "stream-node-max-entries", "3")
	c.Do("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
	c.Do("XGROUP", "CREATE", "s", "h", "$")
	for i := 0; i < 20; i++ {
		c.Do("XADD", "s", "MAXLEN", "~", "12", "*", "f", strconv.Itoa(i))
		if i%3 == 0 {
			c.Do("XREADGROUP", "GROUP", "g", "c"+strconv.Itoa(i%2), "COUNT", "2", "STREAMS", "s", ">")
		}
		if i%4 == 0 {
			c.Do("XREADGROUP", "GROUP", "h", "n", "NOACK", "COUNT", "3", "STREAMS", "s", ">")
		}
		if i%5 == 4 {
			c.Do("XTRIM", "s", "MINID", "~", "0-1")
		}
	}
	// Delete the first entry (pending in g) and claim the last one.
	first := strings.Split(c.Do("XRANGE", "s", "-", "+", "COUNT", "1"), "\r\n")
	last := strings.Split(c.Do("XREVRANGE", "s", "+", "-", "COUNT", "1"), "\r\n")
	if len(first) < 4 || len(last) < 4 {
		t.Fatalf("XRANGE: %q %q", first, last)
	}
	c.Do("XDEL", "s", first[3])
	c.Do("XCLAIM", "s", "g", "c9", "0", last[3], "FORCE", "RETRYCOUNT", "3")
	// (A consumer that XCLAIM/XAUTOCLAIM creates without claiming anything
	// is not propagated, in Valkey either: each claim here claims.)
	c.Do("XAUTOCLAIM", "s", "g", "c2", "0", "0", "COUNT", "50")
	c.Do("XAUTOCLAIM", "s", "g", "c3", "0", "0", "COUNT", "3", "JUSTID")
	c.Do("XTRIM", "s", "MAXLEN", "~", "4", "LIMIT", "3")
	c.Do("XADD", "s", "MINID", "~", "0-1", "*", "last", "1")
	c.Do("XREADGROUP", "GROUP", "h", "n2", "NOACK", "STREAMS", "s", ">")
	cmds := readStreamCommands(repl)
	if len(cmds) < 30 {
		t.Fatalf("only %d commands propagated", len(cmds))
	}

	replica := servertest.Start(t, func(s *server.Settings) { s.EnableDebugCommand = "yes" }, Register)
	rc := servertest.Dial(t, replica)
	rc.Do("CONFIG", "SET", "stream-node-max-entries", "3")
	// The commands come from the primary: LIMIT without "~" is obeyed.
	id, _ := strconv.ParseInt(strings.Trim(rc.Do("CLIENT", "ID"), ":\r\n"), 10, 64)
	replica.ClientByID(id).SetFlag(server.ClientPrimary, true)
	for _, cmd := range cmds {
		if r := rc.Do(cmd...); strings.HasPrefix(r, "-") {
			t.Fatalf("replica: %q: %s", cmd, r)
		}
	}
	times := regexp.MustCompile(`(seen-time|active-time)\r\n:-?[0-9]+\r\n`)
	for _, q := range [][]string{
		{"XINFO", "STREAM", "s", "FULL", "COUNT", "0"},
		{"XINFO", "GROUPS", "s"},
		{"XPENDING", "s", "g"},
		{"XPENDING", "s", "h"},
		{"XLEN", "s"},
		{"XRANGE", "s", "-", "+"},
	} {
		want := times.ReplaceAllString(c.Do(q...), "$1 -")
		got := times.ReplaceAllString(rc.Do(q...), "$1 -")
		if got != want {
			t.Errorf("%q differs:\nprimary %q\nreplica %q", q, want, got)
		}
	}
	_ = srv
}
