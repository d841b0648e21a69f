package commands

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"petrel/internal/server"
	"petrel/internal/servertest"
)

// startReplicated starts a server and attaches a replica connection to
// its propagation stream; c is an ordinary client.
func startReplicated(t *testing.T) (c, repl *servertest.Raw) {
	t.Helper()
	srv := servertest.Start(t, func(s *server.Settings) { s.EnableDebugCommand = "yes" }, Register)
	repl = servertest.Dial(t, srv)
	repl.Sync()
	return servertest.Dial(t, srv), repl
}

func TestPropagateVerbatimAndSelect(t *testing.T) {
	c, repl := startReplicated(t)
	c.Do("SET", "foo", "bar")
	c.Do("DEL", "missing") // changed nothing: not propagated
	c.Do("GET", "foo")
	c.Do("SELECT", "2")
	c.Do("LPUSH", "l", "a", "b")
	repl.ExpectCommands(
		"select 0", "set foo bar",
		"select 2", "lpush l a b",
	)
}

func TestPropagateRewrites(t *testing.T) {
	c, repl := startReplicated(t)
	before := time.Now().UnixMilli()
	c.Do("SET", "k", "v", "EX", "100")
	c.Do("EXPIRE", "k", "200", "GT")
	c.Do("GETEX", "k", "PERSIST")
	c.Do("INCRBYFLOAT", "f", "1.5")
	c.Do("GETSET", "k", "w")
	c.Do("GETDEL", "k")
	c.Do("SET", "g", "1", "GET")
	c.Do("SADD", "s", "only")
	c.Do("SPOP", "s")
	c.Do("RPUSH", "q", "x", "y")
	c.Do("BLPOP", "q", "0")
	c.Do("LMPOP", "1", "q", "RIGHT", "COUNT", "5")
	c.Do("ZADD", "z", "1", "a", "2", "b")
	c.Do("BZPOPMIN", "z", "0")
	c.Do("ZMPOP", "1", "z", "MAX", "COUNT", "3")
	c.Do("FLUSHDB")
	c.Do("FLUSHDB") // propagated even when empty
	repl.ExpectCommands("select 0")
	got := repl.ReadCommand(2 * time.Second)
	if len(got) != 5 || got[0] != "set" || got[3] != "PXAT" {
		t.Fatalf("SET EX: got %q, want set k v PXAT <ms>", got)
	}
	if ms, _ := strconv.ParseInt(got[4], 10, 64); ms < before+100_000 || ms > time.Now().UnixMilli()+100_000 {
		t.Fatalf("SET EX 100 propagated with deadline %s", got[4])
	}
	got = repl.ReadCommand(2 * time.Second)
	if len(got) != 4 || got[0] != "pexpireat" || got[3] != "GT" {
		t.Fatalf("EXPIRE GT: got %q", got)
	}
	repl.ExpectCommands(
		"persist k",
		"set f 1.5 KEEPTTL",
		"set k w",
		"del k",
		"set g 1",
		"sadd s only",
		"srem s only",
		"rpush q x y",
		"lpop q",
		"rpop q 1",
		"zadd z 1 a 2 b",
		"zpopmin z",
		"zpopmax z 1",
		"flushdb",
		"flushdb",
	)
}

func TestPropagateSPopCountAsSRem(t *testing.T) {
	c, repl := startReplicated(t)
	c.Do("SADD", "s", "a", "b", "c", "d")
	members := c.Do("SPOP", "s", "2")
	repl.ExpectCommands("select 0", "sadd s a b c d")
	got := repl.ReadCommand(2 * time.Second)
	if len(got) != 4 || got[0] != "srem" {
		t.Fatalf("SPOP 2: got %q", got)
	}
	for _, m := range got[2:] {
		if !containsBulk(members, m) {
			t.Fatalf("SREM %q of a member SPOP did not reply (%q)", m, members)
		}
	}
	c.Do("SPOP", "s", "10") // the rest: the set's deletion
	if got := repl.ReadCommand(2 * time.Second); len(got) != 2 || (got[0] != "del" && got[0] != "unlink") {
		t.Fatalf("SPOP of the whole set: got %q", got)
	}
}

func containsBulk(reply, m string) bool { return strings.Contains(reply, "\r\n"+m+"\r\n") }

func TestPropagateUnits(t *testing.T) {
	c, repl := startReplicated(t)
	// A transaction with one write: just the write.
	c.Do("MULTI")
	c.Do("SET", "a", "1")
	c.Do("GET", "a")
	c.Do("EXEC")
	// Several: MULTI/EXEC, SELECT inside.
	c.Do("MULTI")
	c.Do("SET", "a", "2")
	c.Do("SELECT", "1")
	c.Do("SET", "b", "3")
	c.Do("EXEC")
	// A script's effects, not the script.
	c.Do("SELECT", "0")
	c.Do("EVAL", "redis.call('set','x','1'); redis.call('incr','x'); return 1", "0")
	repl.ExpectCommands(
		"select 0", "set a 1",
		"multi", "set a 2", "select 1", "set b 3", "exec",
		"multi", "select 0", "set x 1", "incr x", "exec",
	)
}

func TestPropagateExpiry(t *testing.T) {
	c, repl := startReplicated(t)
	c.Do("DEBUG", "SET-ACTIVE-EXPIRE", "0")
	c.Do("SET", "foo", "bar", "PX", "1")
	c.Do("SET", "foo2", "bar", "PXAT", "1") // already past: nothing stored, nothing propagated
	time.Sleep(5 * time.Millisecond)
	c.Do("GET", "foo")  // lazily expired: propagated as a deletion on its own
	c.Do("INCR", "bar") // unrelated write
	c.Do("SET", "e", "1", "PX", "1")
	time.Sleep(5 * time.Millisecond)
	c.Do("INCR", "e") // expired then written: both, as one transaction
	repl.ExpectCommands(
		"select 0", "set foo bar PXAT *",
		"unlink foo",
		"incr bar",
		"set e 1 PXAT *",
		"multi", "unlink e", "incr e", "exec",
	)
}
