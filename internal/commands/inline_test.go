package commands

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"petrel/internal/keyspace"
	"petrel/internal/server"
	"petrel/internal/servertest"
)

// Small collections live inline in their records (inline.go,
// keyspace/inline.go). These tests drive them through the server and check
// both the replies and where each value lives.

// inlineOf reports whether key (db 0) is a collection stored inline.
func inlineOf(t *testing.T, e *ltEnv, key string) bool {
	t.Helper()
	ks := e.srv.Keyspace()
	m := keyspace.MaskOf([]byte(key))
	ks.Lock(m)
	defer ks.Unlock(m)
	en, ok := ks.View(0, time.Now().UnixMilli()).Peek([]byte(key))
	if !ok {
		t.Fatalf("%s: missing", key)
	}
	return en.Inline()
}

// expectStore checks key's OBJECT ENCODING and whether it is inline.
func expectStore(t *testing.T, e *ltEnv, key, enc string, inline bool) {
	t.Helper()
	e.is(t, ltBulk(enc), "OBJECT", "ENCODING", key)
	if got := inlineOf(t, e, key); got != inline {
		t.Fatalf("%s (%s): inline %v, want %v", key, enc, got, inline)
	}
}

func TestInlineEncodingsBothWays(t *testing.T) {
	e := newListEnv(t)
	// list: listpack -> quicklist -> listpack
	e.is(t, ltOK, "CONFIG", "SET", "list-max-listpack-size", "4")
	e.is(t, ltInt(3), "RPUSH", "l", "a", "b", "c")
	expectStore(t, e, "l", "listpack", true)
	e.is(t, ltInt(6), "RPUSH", "l", "d", "e", "f")
	expectStore(t, e, "l", "quicklist", false)
	e.is(t, ltBulks("a", "b", "c", "d", "e"), "LPOP", "l", "5")
	expectStore(t, e, "l", "listpack", true)
	e.is(t, ltBulks("f"), "LRANGE", "l", "0", "-1")
	e.is(t, ltOK, "CONFIG", "SET", "list-max-listpack-size", "-2")

	// set: intset -> listpack -> hashtable
	e.is(t, ltInt(3), "SADD", "s", "1", "2", "3")
	expectStore(t, e, "s", "intset", true)
	e.is(t, ltInt(1), "SADD", "s", "x")
	expectStore(t, e, "s", "listpack", true)
	e.is(t, ltOK, "CONFIG", "SET", "set-max-listpack-entries", "4")
	e.is(t, ltInt(1), "SADD", "s", "y")
	expectStore(t, e, "s", "hashtable", false)
	e.is(t, ltInt(5), "SCARD", "s")
	e.is(t, ltOK, "CONFIG", "SET", "set-max-listpack-entries", "128")

	// sorted set: listpack -> skiplist
	e.is(t, ltInt(2), "ZADD", "z", "1", "a", "2", "b")
	expectStore(t, e, "z", "listpack", true)
	e.is(t, ltInt(1), "ZADD", "z", "3", strings.Repeat("m", 100))
	expectStore(t, e, "z", "skiplist", false)
	e.is(t, ltInt(3), "ZCARD", "z")

	// hash: listpack -> hashtable, by value size and by a field TTL
	e.is(t, ltInt(2), "HSET", "h", "f1", "v1", "f2", "v2")
	expectStore(t, e, "h", "listpack", true)
	e.is(t, ltInt(1), "HSET", "h", "f3", strings.Repeat("v", 100))
	expectStore(t, e, "h", "hashtable", false)
	e.is(t, ltInt(1), "HSET", "h2", "f", "v")
	e.is(t, ltArr(ltInt(1)), "HPEXPIRE", "h2", "100000", "FIELDS", "1", "f")
	expectStore(t, e, "h2", "hashtable", false)
	e.is(t, ltBulk("v"), "HGET", "h2", "f")
}

func TestInlineKeyCommands(t *testing.T) {
	e := newListEnv(t)
	e.is(t, ltInt(3), "RPUSH", "l", "a", "b", "c")
	e.is(t, ltInt(2), "SADD", "s", "1", "2")
	e.is(t, ltInt(1), "COPY", "l", "l2")
	e.is(t, ltInt(4), "RPUSH", "l2", "d")
	e.is(t, ltBulks("a", "b", "c"), "LRANGE", "l", "0", "-1")
	e.is(t, ltOK, "RENAME", "l2", "l3")
	e.is(t, ltBulks("a", "b", "c", "d"), "LRANGE", "l3", "0", "-1")
	expectStore(t, e, "l3", "listpack", true)
	e.is(t, ltInt(1), "MOVE", "l3", "1")
	e.is(t, ltOK, "SWAPDB", "0", "1")
	e.is(t, ltBulks("a", "b", "c", "d"), "LRANGE", "l3", "0", "-1")
	expectStore(t, e, "l3", "listpack", true)
	e.is(t, ltOK, "SWAPDB", "0", "1")
	e.is(t, "+list\r\n", "TYPE", "l")
	e.is(t, "+set\r\n", "TYPE", "s")
	e.is(t, ltArr(ltBulk("0"), ltBulks("s")), "SCAN", "0", "TYPE", "set")
	if obj := e.raw.Do("DEBUG", "OBJECT", "l"); !strings.Contains(obj, "encoding:listpack") {
		t.Fatalf("DEBUG OBJECT %q", obj)
	}
	if n := intOfRaw(t, e.raw.Do("MEMORY", "USAGE", "l")); n <= 0 || n > 200 {
		t.Fatalf("MEMORY USAGE %d", n)
	}
	// Same contents, same digest, however they were built.
	e.is(t, ltInt(3), "RPUSH", "m", "x", "c", "b")
	e.is(t, ltBulk("x"), "LPOP", "m")
	e.is(t, ltInt(3), "LPUSH", "m", "a")
	if a, b := e.raw.Do("DEBUG", "DIGEST-VALUE", "l"), e.raw.Do("DEBUG", "DIGEST-VALUE", "m"); a == b {
		t.Fatalf("different lists, same digest %q", a)
	}
	e.is(t, ltOK, "LSET", "m", "1", "b")
	e.is(t, ltOK, "LSET", "m", "2", "c")
	if a, b := e.raw.Do("DEBUG", "DIGEST-VALUE", "l"), e.raw.Do("DEBUG", "DIGEST-VALUE", "m"); a != b {
		t.Fatalf("equal lists, digests %q %q", a, b)
	}
	e.is(t, ltOK, "FLUSHALL", "ASYNC")
	e.is(t, ltInt(0), "DBSIZE")
	e.is(t, ltInt(1), "RPUSH", "l", "new")
	e.is(t, ltBulks("new"), "LRANGE", "l", "0", "-1")
}

// EXEC holds its shards across its commands: the value decoded by the
// first stays in use until EXEC ends, through renames, flushes and swaps.
func TestInlineExec(t *testing.T) {
	e := newListEnv(t)
	e.is(t, ltInt(1), "RPUSH", "k", "x")
	e.is(t, ltOK, "MULTI")
	for _, cmd := range [][]string{
		{"RPUSH", "k", "a"}, {"RPUSH", "k", "b"}, {"LPOP", "k"}, {"RENAME", "k", "k2"},
		{"RPUSH", "k2", "c"}, {"LRANGE", "k2", "0", "-1"}, {"COPY", "k2", "k3"}, {"LPOP", "k3"},
		{"SADD", "s", "1"}, {"SADD", "s", "a"}, {"SREM", "s", "1"},
	} {
		e.is(t, "+QUEUED\r\n", cmd...)
	}
	want := ltArr(ltInt(2), ltInt(3), ltBulk("x"), ltOK, ltInt(3), ltBulks("a", "b", "c"), ltInt(1),
		ltBulk("a"), ltInt(1), ltInt(1), ltInt(1))
	e.is(t, want, "EXEC")
	e.is(t, ltBulks("a", "b", "c"), "LRANGE", "k2", "0", "-1")
	e.is(t, ltBulks("b", "c"), "LRANGE", "k3", "0", "-1")
	e.is(t, ltInt(0), "EXISTS", "k")
	expectStore(t, e, "k2", "listpack", true)
	expectStore(t, e, "s", "listpack", true)
	e.is(t, ltBulks("a"), "SMEMBERS", "s")

	e.is(t, ltOK, "MULTI")
	for _, cmd := range [][]string{
		{"RPUSH", "f", "1"}, {"FLUSHALL"}, {"RPUSH", "f", "2"}, {"SWAPDB", "0", "1"}, {"RPUSH", "f", "3"},
	} {
		e.is(t, "+QUEUED\r\n", cmd...)
	}
	e.is(t, ltArr(ltInt(1), ltOK, ltInt(1), ltOK, ltInt(1)), "EXEC")
	e.is(t, ltBulks("3"), "LRANGE", "f", "0", "-1")
	e.is(t, ltOK, "SELECT", "1")
	e.is(t, ltBulks("2"), "LRANGE", "f", "0", "-1")
	e.is(t, ltOK, "SELECT", "0")
}

func TestInlineBlockingPops(t *testing.T) {
	e := newListEnv(t)
	a := servertest.Dial(t, e.srv)
	b := servertest.Dial(t, e.srv)
	a.Send("BLPOP", "q", "0")
	b.Send("BLMOVE", "q2", "out", "LEFT", "RIGHT", "0")
	waitBlocked(t, e, 2)
	e.is(t, ltInt(3), "RPUSH", "q", "1", "2", "3")
	if got, want := a.ReadReply(), ltBulks("q", "1"); got != want {
		t.Fatalf("BLPOP got %q, want %q", got, want)
	}
	e.is(t, ltBulks("2", "3"), "LRANGE", "q", "0", "-1")
	expectStore(t, e, "q", "listpack", true)
	// A move into q2 serves the BLMOVE, which fills out.
	e.is(t, ltBulk("2"), "LMOVE", "q", "q2", "LEFT", "LEFT")
	if got, want := b.ReadReply(), ltBulk("2"); got != want {
		t.Fatalf("BLMOVE got %q, want %q", got, want)
	}
	e.is(t, ltInt(0), "EXISTS", "q2")
	e.is(t, ltBulks("2"), "LRANGE", "out", "0", "-1")
	expectStore(t, e, "out", "listpack", true)
	e.is(t, ltBulks("3"), "LRANGE", "q", "0", "-1")
}

// Active expiry reclaims inline keys and hashes whose fields expire.
func TestInlineActiveExpiry(t *testing.T) {
	e := newListEnv(t)
	for i := range 20 {
		k := fmt.Sprint("k", i)
		e.is(t, ltInt(1), "RPUSH", k, "v")
		e.is(t, ltInt(1), "PEXPIRE", k, "10")
	}
	e.is(t, ltInt(2), "HSET", "h", "a", "1", "b", "2")
	e.is(t, ltArr(ltInt(1)), "HPEXPIRE", "h", "10", "FIELDS", "1", "a")
	ltWaitFor(t, "active expiry", func() bool {
		return e.raw.Do("DBSIZE") == ltInt(1) && e.raw.Do("HLEN", "h") == ltInt(1)
	})
	e.is(t, ltArr(ltBulk("b"), ltBulk("2")), "HGETALL", "h")
}

// Many small values of every type, changed by many commands, read back
// right: the write-back never mixes keys up (keys share shards).
func TestInlineManyKeys(t *testing.T) {
	e := newListEnv(t)
	rdb := e.rdb
	p := rdb.Pipeline()
	const n = 500
	for i := range n {
		k := fmt.Sprint(i)
		p.RPush(e.ctx, "l:"+k, k, "x")
		p.SAdd(e.ctx, "s:"+k, i, i+1)
		p.HSet(e.ctx, "h:"+k, "f", k)
		p.ZAdd(e.ctx, "z:"+k, redis.Z{Score: float64(i), Member: k})
	}
	for i := range n {
		k := fmt.Sprint(i)
		p.LPush(e.ctx, "l:"+k, "y")
		p.SAdd(e.ctx, "s:"+k, "m"+k)
		p.HSet(e.ctx, "h:"+k, "g", k+k)
		p.ZIncrBy(e.ctx, "z:"+k, 1, k)
	}
	if _, err := p.Exec(e.ctx); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		k := fmt.Sprint(i)
		if got := rdb.LRange(e.ctx, "l:"+k, 0, -1).Val(); strings.Join(got, ",") != "y,"+k+",x" {
			t.Fatalf("l:%s = %v", k, got)
		}
		if !rdb.SIsMember(e.ctx, "s:"+k, "m"+k).Val() || rdb.SCard(e.ctx, "s:"+k).Val() != 3 {
			t.Fatalf("s:%s = %v", k, rdb.SMembers(e.ctx, "s:"+k).Val())
		}
		if got := rdb.HGet(e.ctx, "h:"+k, "g").Val(); got != k+k {
			t.Fatalf("h:%s g = %q", k, got)
		}
		if got := rdb.ZScore(e.ctx, "z:"+k, k).Val(); got != float64(i+1) {
			t.Fatalf("z:%s score %v", k, got)
		}
	}
}

// Commands on small inline values allocate nothing once warm: decoding
// recycles the object the previous command on the shard wrote back.
func TestInlineHotPathAllocs(t *testing.T) {
	lb := newListBench()
	b := func(s ...string) [][]byte {
		out := make([][]byte, len(s))
		for i := range s {
			out[i] = []byte(s[i])
		}
		return out
	}
	lb.run(cmdRPush, b("RPUSH", "l", "a", "b", "c")...)
	lb.run(cmdHSet, b("HSET", "h", "f1", "v1", "f2", "v2")...)
	lb.run(cmdSAdd, b("SADD", "s", "a", "b")...)
	lb.run(cmdSAdd, b("SADD", "i", "1", "2")...)
	lb.run(cmdZAdd, b("ZADD", "z", "1", "a", "2", "b")...)
	for name, args := range map[string][][]byte{
		"LRANGE":    b("LRANGE", "l", "0", "-1"),
		"HGET":      b("HGET", "h", "f1"),
		"HSET":      b("HSET", "h", "f2", "v3"),
		"SISMEMBER": b("SISMEMBER", "s", "b"),
		"SADD":      b("SADD", "i", "2"),
		"ZSCORE":    b("ZSCORE", "z", "a"),
		"ZADD":      b("ZADD", "z", "3", "b"),
	} {
		h := map[string]server.Handler{"LRANGE": cmdLRange, "HGET": cmdHGet, "HSET": cmdHSet,
			"SISMEMBER": cmdSIsMember, "SADD": cmdSAdd, "ZSCORE": cmdZScore, "ZADD": cmdZAdd}[name]
		lb.run(h, args...) // warm up: the first decode of a type in a shard allocates
		if n := testing.AllocsPerRun(200, func() { lb.run(h, args...) }); n != 0 {
			t.Errorf("%s: %v allocs per command", name, n)
		}
		if !inlineIn(lb, string(args[1])) {
			t.Errorf("%s: %s is not inline", name, args[1])
		}
	}
}

// inlineIn reports whether key is stored inline in lb's keyspace.
func inlineIn(lb *listBench, key string) bool {
	ks := lb.srv.Keyspace()
	m := keyspace.MaskOf([]byte(key))
	ks.Lock(m)
	defer ks.Unlock(m)
	e, ok := ks.View(0, time.Now().UnixMilli()).Peek([]byte(key))
	return ok && e.Inline()
}
