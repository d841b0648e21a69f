package commands

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"petrel/internal/errs"
	"petrel/internal/keyspace"
	"petrel/internal/resp"
	"petrel/internal/server"
	"petrel/internal/servertest"
)

// ltEnv is a server with every family, go-redis clients (RESP2 and RESP3)
// and a raw connection for byte-exact replies.
type ltEnv struct {
	srv  *server.Server
	rdb  *redis.Client
	rdb3 *redis.Client
	raw  *servertest.Raw
	ctx  context.Context
}

func newListEnv(t *testing.T) *ltEnv {
	t.Helper()
	srv := servertest.Start(t, func(s *server.Settings) { s.EnableDebugCommand = "yes" }, Register)
	return &ltEnv{
		srv:  srv,
		rdb:  servertest.Client(t, srv, 2),
		rdb3: servertest.Client(t, srv, 3),
		raw:  servertest.Dial(t, srv),
		ctx:  context.Background(),
	}
}

// is sends a command on the raw connection and checks the raw reply.
func (e *ltEnv) is(t *testing.T, want string, args ...string) {
	t.Helper()
	if got := e.raw.Do(args...); got != want {
		t.Fatalf("%s: got %q, want %q", strings.Join(args, " "), got, want)
	}
}

// isOn is "is" on another raw connection.
func isOn(t *testing.T, r *servertest.Raw, want string, args ...string) {
	t.Helper()
	if got := r.Do(args...); got != want {
		t.Fatalf("%s: got %q, want %q", strings.Join(args, " "), got, want)
	}
}

func ltInt(n int64) string   { return ":" + strconv.FormatInt(n, 10) + "\r\n" }
func ltBulk(s string) string { return "$" + strconv.Itoa(len(s)) + "\r\n" + s + "\r\n" }
func ltErr(err error) string { return "-" + errs.Text(err) + "\r\n" }
func ltArr(elems ...string) string {
	return "*" + strconv.Itoa(len(elems)) + "\r\n" + strings.Join(elems, "")
}
func ltBulks(elems ...string) string {
	out := make([]string, len(elems))
	for i, e := range elems {
		out[i] = ltBulk(e)
	}
	return ltArr(out...)
}

const (
	ltOK       = "+OK\r\n"
	ltNull     = "$-1\r\n"
	ltNullArr  = "*-1\r\n"
	ltNull3    = "_\r\n"
	ltWrongTyp = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
)

func TestListPushPop(t *testing.T) {
	e := newListEnv(t)
	e.is(t, ltInt(3), "RPUSH", "l", "a", "b", "c")
	e.is(t, ltInt(5), "LPUSH", "l", "y", "x")
	e.is(t, ltBulks("x", "y", "a", "b", "c"), "LRANGE", "l", "0", "-1")
	e.is(t, ltInt(0), "LPUSHX", "nokey", "v")
	e.is(t, ltInt(0), "RPUSHX", "nokey", "v")
	e.is(t, ltInt(0), "EXISTS", "nokey")
	e.is(t, ltInt(6), "RPUSHX", "l", "d")
	e.is(t, ltInt(7), "LPUSHX", "l", "w")
	e.is(t, ltBulk("w"), "LPOP", "l")
	e.is(t, ltBulk("d"), "RPOP", "l")
	e.is(t, ltBulks("x", "y"), "LPOP", "l", "2")
	e.is(t, ltBulks("c", "b"), "RPOP", "l", "2")
	e.is(t, ltArr(), "LPOP", "l", "0")
	e.is(t, ltBulks("a"), "RPOP", "l", "10")
	e.is(t, ltInt(0), "EXISTS", "l") // emptied lists go away
	e.is(t, ltNull, "LPOP", "l")
	e.is(t, ltNullArr, "LPOP", "l", "3")
	e.is(t, ltNullArr, "RPOP", "l", "0")
	e.is(t, ltErr(errs.CountPositive), "LPOP", "l", "-1")
	e.is(t, ltErr(errs.CountPositive), "LPOP", "l", "x")
	e.is(t, ltErr(errs.WrongArity("lpop")), "LPOP", "l", "1", "2")
	// Integers come back as they went in.
	e.is(t, ltInt(4), "RPUSH", "n", "1", "-7", "9223372036854775807", "01")
	e.is(t, ltBulks("1", "-7", "9223372036854775807", "01"), "LRANGE", "n", "0", "-1")

	// go-redis, both protocols.
	for _, c := range []*redis.Client{e.rdb, e.rdb3} {
		c.Del(e.ctx, "g")
		if n := c.RPush(e.ctx, "g", "a", "b", "c").Val(); n != 3 {
			t.Fatalf("RPUSH = %d", n)
		}
		if v := c.LPop(e.ctx, "g").Val(); v != "a" {
			t.Fatalf("LPOP = %q", v)
		}
		if v := c.RPopCount(e.ctx, "g", 5).Val(); !slices.Equal(v, []string{"c", "b"}) {
			t.Fatalf("RPOP count = %q", v)
		}
		if _, err := c.LPop(e.ctx, "g").Result(); err != redis.Nil {
			t.Fatalf("LPOP missing: %v", err)
		}
		if _, err := c.LPopCount(e.ctx, "g", 2).Result(); err != redis.Nil {
			t.Fatalf("LPOP count missing: %v", err)
		}
	}
	// RESP3 nulls.
	r3 := servertest.Dial(t, e.srv)
	r3.Do("HELLO", "3")
	isOn(t, r3, ltNull3, "LPOP", "nokey")
	isOn(t, r3, ltNull3, "LPOP", "nokey", "2")
	isOn(t, r3, ltNull3, "LINDEX", "nokey", "0")
	isOn(t, r3, ltNull3, "LPOS", "nokey", "x")
	isOn(t, r3, ltNull3, "LMPOP", "1", "nokey", "LEFT")
	isOn(t, r3, ltNull3, "LMOVE", "nokey", "x", "LEFT", "LEFT")
}

func TestListReadCommands(t *testing.T) {
	e := newListEnv(t)
	e.is(t, ltInt(6), "RPUSH", "l", "a", "b", "c", "d", "e", "f")
	e.is(t, ltInt(6), "LLEN", "l")
	e.is(t, ltInt(0), "LLEN", "nokey")
	for _, tc := range []struct {
		start, stop string
		want        []string
	}{
		{"0", "-1", []string{"a", "b", "c", "d", "e", "f"}},
		{"1", "2", []string{"b", "c"}},
		{"-2", "-1", []string{"e", "f"}},
		{"-100", "1", []string{"a", "b"}},
		{"4", "100", []string{"e", "f"}},
		{"3", "2", nil},
		{"6", "10", nil},
		{"0", "-7", nil},
		{"-9223372036854775808", "9223372036854775807", []string{"a", "b", "c", "d", "e", "f"}},
	} {
		e.is(t, ltBulks(tc.want...), "LRANGE", "l", tc.start, tc.stop)
	}
	e.is(t, ltArr(), "LRANGE", "nokey", "0", "-1")
	e.is(t, ltErr(errs.NotInteger), "LRANGE", "nokey", "a", "1")
	e.is(t, ltBulk("a"), "LINDEX", "l", "0")
	e.is(t, ltBulk("f"), "LINDEX", "l", "-1")
	e.is(t, ltNull, "LINDEX", "l", "6")
	e.is(t, ltNull, "LINDEX", "l", "-7")
	e.is(t, ltNull, "LINDEX", "l", "-9223372036854775808")
	e.is(t, ltNull, "LINDEX", "nokey", "abc") // a missing key answers before the index is read
	e.is(t, ltErr(errs.NotInteger), "LINDEX", "l", "abc")

	e.is(t, ltInt(9), "RPUSH", "p", "a", "b", "c", "1", "b", "c", "1", "b", "c")
	e.is(t, ltInt(1), "LPOS", "p", "b")
	e.is(t, ltInt(3), "LPOS", "p", "1")
	e.is(t, ltInt(4), "LPOS", "p", "b", "RANK", "2")
	e.is(t, ltInt(7), "LPOS", "p", "b", "RANK", "-1")
	e.is(t, ltArr(ltInt(1), ltInt(4), ltInt(7)), "LPOS", "p", "b", "COUNT", "0")
	e.is(t, ltArr(ltInt(4), ltInt(7)), "LPOS", "p", "b", "RANK", "2", "COUNT", "5")
	e.is(t, ltArr(ltInt(7), ltInt(4)), "LPOS", "p", "b", "RANK", "-1", "COUNT", "2")
	e.is(t, ltArr(ltInt(1)), "LPOS", "p", "b", "COUNT", "0", "MAXLEN", "3")
	e.is(t, ltNull, "LPOS", "p", "b", "RANK", "4")
	e.is(t, ltArr(), "LPOS", "p", "zz", "COUNT", "1")
	e.is(t, ltArr(), "LPOS", "nokey", "zz", "COUNT", "1")
	e.is(t, ltErr(errs.LposRankZero), "LPOS", "p", "b", "RANK", "0")
	e.is(t, ltErr(errs.LongRange), "LPOS", "p", "b", "RANK", "-9223372036854775808")
	e.is(t, ltErr(errs.LposCountNeg), "LPOS", "p", "b", "COUNT", "-1")
	e.is(t, ltErr(errs.LposCountNeg), "LPOS", "p", "b", "COUNT", "x")
	e.is(t, ltErr(errs.LposMaxlenNeg), "LPOS", "p", "b", "MAXLEN", "-1")
	e.is(t, ltErr(errs.Syntax), "LPOS", "p", "b", "RANK")
	e.is(t, ltErr(errs.Syntax), "LPOS", "p", "b", "FOO", "1")
}

func TestListWriteCommands(t *testing.T) {
	e := newListEnv(t)
	e.is(t, ltInt(3), "RPUSH", "l", "a", "b", "c")
	e.is(t, ltOK, "LSET", "l", "1", "B")
	e.is(t, ltOK, "LSET", "l", "-1", "C")
	e.is(t, ltErr(errs.OutOfRange), "LSET", "l", "3", "x")
	e.is(t, ltErr(errs.NoSuchKey), "LSET", "nokey", "0", "x")
	e.is(t, ltErr(errs.NotInteger), "LSET", "l", "x", "x")
	e.is(t, ltBulks("a", "B", "C"), "LRANGE", "l", "0", "-1")

	e.is(t, ltInt(4), "LINSERT", "l", "BEFORE", "B", "x")
	e.is(t, ltInt(5), "LINSERT", "l", "after", "C", "y")
	e.is(t, ltInt(-1), "LINSERT", "l", "before", "zz", "y")
	e.is(t, ltInt(0), "LINSERT", "nokey", "before", "a", "y")
	e.is(t, ltErr(errs.Syntax), "LINSERT", "l", "middle", "a", "y")
	e.is(t, ltBulks("a", "x", "B", "C", "y"), "LRANGE", "l", "0", "-1")

	e.is(t, ltInt(8), "RPUSH", "r", "a", "b", "a", "c", "a", "b", "a", "a")
	e.is(t, ltInt(2), "LREM", "r", "2", "a")
	e.is(t, ltBulks("b", "c", "a", "b", "a", "a"), "LRANGE", "r", "0", "-1")
	e.is(t, ltInt(2), "LREM", "r", "-2", "a")
	e.is(t, ltBulks("b", "c", "a", "b"), "LRANGE", "r", "0", "-1")
	e.is(t, ltInt(2), "LREM", "r", "0", "b")
	e.is(t, ltInt(0), "LREM", "r", "0", "zz")
	e.is(t, ltInt(0), "LREM", "nokey", "0", "zz")
	e.is(t, ltErr(errs.LongRange), "LREM", "r", "-9223372036854775808", "a")
	e.is(t, ltInt(1), "LREM", "r", "0", "a")
	e.is(t, ltInt(1), "LREM", "r", "0", "c")
	e.is(t, ltInt(0), "EXISTS", "r")

	e.is(t, ltInt(6), "RPUSH", "t", "a", "b", "c", "d", "e", "f")
	e.is(t, ltOK, "LTRIM", "t", "1", "-2")
	e.is(t, ltBulks("b", "c", "d", "e"), "LRANGE", "t", "0", "-1")
	e.is(t, ltOK, "LTRIM", "t", "-100", "100")
	e.is(t, ltInt(4), "LLEN", "t")
	e.is(t, ltOK, "LTRIM", "t", "2", "1")
	e.is(t, ltInt(0), "EXISTS", "t")
	e.is(t, ltOK, "LTRIM", "nokey", "0", "1")
	e.is(t, ltErr(errs.NotInteger), "LTRIM", "nokey", "a", "1")

	e.is(t, ltInt(3), "RPUSH", "src", "1", "2", "3")
	e.is(t, ltBulk("1"), "LMOVE", "src", "dst", "LEFT", "RIGHT")
	e.is(t, ltBulk("3"), "RPOPLPUSH", "src", "dst")
	e.is(t, ltBulks("3", "1"), "LRANGE", "dst", "0", "-1")
	e.is(t, ltBulk("2"), "LMOVE", "src", "dst", "right", "left")
	e.is(t, ltInt(0), "EXISTS", "src")
	e.is(t, ltNull, "LMOVE", "src", "dst", "LEFT", "LEFT")
	e.is(t, ltNull, "RPOPLPUSH", "src", "dst")
	e.is(t, ltErr(errs.Syntax), "LMOVE", "dst", "x", "UP", "LEFT")
	// Rotation of a list onto itself.
	e.is(t, ltBulk("1"), "RPOPLPUSH", "dst", "dst")
	e.is(t, ltBulks("1", "2", "3"), "LRANGE", "dst", "0", "-1")
	e.is(t, ltBulk("1"), "LMOVE", "dst", "dst", "LEFT", "RIGHT")
	e.is(t, ltBulks("2", "3", "1"), "LRANGE", "dst", "0", "-1")
	e.is(t, ltInt(1), "RPUSH", "one", "x")
	e.is(t, ltBulk("x"), "LMOVE", "one", "one", "LEFT", "LEFT")
	e.is(t, ltBulks("x"), "LRANGE", "one", "0", "-1")

	e.is(t, ltInt(3), "RPUSH", "m2", "a", "b", "c")
	e.is(t, ltArr(ltBulk("m2"), ltBulks("c", "b")), "LMPOP", "3", "m0", "m1", "m2", "RIGHT", "COUNT", "2")
	e.is(t, ltArr(ltBulk("m2"), ltBulks("a")), "LMPOP", "1", "m2", "LEFT", "COUNT", "10")
	e.is(t, ltNullArr, "LMPOP", "2", "m1", "m2", "LEFT")
	e.is(t, ltErr(errs.NumkeysPositive), "LMPOP", "0", "a", "LEFT")
	e.is(t, ltErr(errs.NumkeysPositive), "LMPOP", "x", "a", "LEFT")
	e.is(t, ltErr(errs.Syntax), "LMPOP", "2", "a", "LEFT")
	e.is(t, ltErr(errs.Syntax), "LMPOP", "9223372036854775807", "a", "LEFT")
	e.is(t, ltErr(errs.Syntax), "LMPOP", "1", "a", "UP")
	e.is(t, ltErr(errs.CountGreaterZero), "LMPOP", "1", "a", "LEFT", "COUNT", "0")
	e.is(t, ltErr(errs.Syntax), "LMPOP", "1", "a", "LEFT", "COUNT", "1", "COUNT", "1")
	e.is(t, ltErr(errs.Syntax), "LMPOP", "1", "a", "LEFT", "COUNT")
}

func TestListWrongType(t *testing.T) {
	e := newListEnv(t)
	e.is(t, ltOK, "SET", "s", "x")
	e.is(t, ltInt(1), "RPUSH", "l", "x")
	for _, args := range [][]string{
		{"LPUSH", "s", "a"}, {"RPUSH", "s", "a"}, {"LPUSHX", "s", "a"}, {"RPUSHX", "s", "a"},
		{"LPOP", "s"}, {"RPOP", "s", "1"}, {"LLEN", "s"}, {"LRANGE", "s", "0", "1"}, {"LINDEX", "s", "0"},
		{"LINDEX", "s", "x"}, {"LSET", "s", "0", "x"}, {"LINSERT", "s", "BEFORE", "a", "b"}, {"LREM", "s", "0", "x"},
		{"LTRIM", "s", "0", "1"}, {"LPOS", "s", "x"}, {"LMOVE", "s", "l", "LEFT", "LEFT"}, {"LMOVE", "l", "s", "LEFT", "LEFT"},
		{"RPOPLPUSH", "l", "s"}, {"LMPOP", "2", "nokey", "s", "LEFT"}, {"BLPOP", "nokey", "s", "0"},
		{"BRPOPLPUSH", "s", "x", "0"}, {"BLMOVE", "l", "s", "LEFT", "LEFT", "0"}, {"BLMPOP", "0", "1", "s", "LEFT"},
	} {
		e.is(t, ltWrongTyp, args...)
	}
	e.is(t, ltBulks("x"), "LRANGE", "l", "0", "-1") // nothing moved
	e.is(t, ltBulk("x"), "GET", "s")
}

// TestListEncodings follows Valkey's conversions: listpack up to
// list-max-listpack-size, quicklist past it, back to listpack below half
// of it when a single node remains.
func TestListEncodings(t *testing.T) {
	e := newListEnv(t)
	enc := func(key, want string) {
		t.Helper()
		e.is(t, ltBulk(want), "OBJECT", "ENCODING", key)
	}
	e.is(t, ltInt(3), "RPUSH", "l", "a", "b", "c")
	enc("l", "listpack")

	// Count limit.
	e.is(t, ltOK, "CONFIG", "SET", "list-max-listpack-size", "4")
	e.is(t, ltInt(4), "RPUSH", "c", "1", "2", "3", "4")
	enc("c", "listpack")
	e.is(t, ltInt(5), "RPUSH", "c", "5")
	enc("c", "quicklist")
	e.is(t, ltBulk("5"), "RPOP", "c") // one node of 4 left: above half of 4
	enc("c", "quicklist")
	e.is(t, ltBulks("4", "3"), "RPOP", "c", "2")
	enc("c", "listpack")
	e.is(t, ltInt(8), "RPUSH", "c", "3", "4", "5", "6", "7", "8")
	enc("c", "quicklist")
	e.is(t, ltOK, "LTRIM", "c", "0", "1")
	enc("c", "listpack")
	// LINSERT converts even when the pivot is missing, as Valkey does.
	e.is(t, ltInt(4), "RPUSH", "i", "1", "2", "3", "4")
	e.is(t, ltInt(-1), "LINSERT", "i", "BEFORE", "zz", "x")
	enc("i", "quicklist")

	// Byte limits: -1 is 4 KB.
	e.is(t, ltOK, "CONFIG", "SET", "list-max-listpack-size", "-1")
	big := strings.Repeat("x", 4000)
	e.is(t, ltInt(1), "RPUSH", "b", big)
	enc("b", "listpack")
	e.is(t, ltInt(2), "RPUSH", "b", strings.Repeat("y", 100))
	enc("b", "quicklist")
	e.is(t, ltBulk(strings.Repeat("y", 100)), "RPOP", "b")
	enc("b", "quicklist") // 4 KB node: not below half of the limit
	e.is(t, ltOK, "LSET", "b", "0", "small")
	enc("b", "listpack")
	e.is(t, ltOK, "LSET", "b", "0", big+big) // a large element: its own plain node
	enc("b", "quicklist")
	e.is(t, ltInt(2), "LPUSH", "b", "head")
	e.is(t, ltBulk("head"), "LPOP", "b")
	enc("b", "quicklist") // a plain node never turns back
	e.is(t, ltOK, "CONFIG", "SET", "list-max-listpack-size", "-2")

	// LREM and the DEBUG OBJECT quicklist fields.
	e.is(t, ltOK, "CONFIG", "SET", "list-max-listpack-size", "10")
	args := []string{"RPUSH", "q"}
	for i := 0; i < 25; i++ {
		args = append(args, strconv.Itoa(i%5))
	}
	e.is(t, ltInt(25), args...)
	enc("q", "quicklist")
	obj := e.raw.Do("DEBUG", "OBJECT", "q")
	if !strings.Contains(obj, "encoding:quicklist") || !strings.Contains(obj, " ql_nodes:3 ql_avg_node:8.33 ql_listpack_max:10 ql_compressed:0 ql_uncompressed_size:") {
		t.Fatalf("DEBUG OBJECT %q", obj)
	}
	e.is(t, ltInt(5), "LREM", "q", "0", "0")
	e.is(t, ltInt(20), "LLEN", "q")
	enc("q", "quicklist")
	e.is(t, ltOK, "CONFIG", "SET", "list-max-listpack-size", "-2")
}

func TestListCopyDigestMemory(t *testing.T) {
	e := newListEnv(t)
	e.is(t, ltInt(4), "RPUSH", "l", "a", "1", "b", strings.Repeat("z", 9000))
	e.is(t, ltInt(1), "COPY", "l", "c")
	e.is(t, ltBulk("quicklist"), "OBJECT", "ENCODING", "c")
	if a, b := e.raw.Do("DEBUG", "DIGEST-VALUE", "l"), e.raw.Do("DEBUG", "DIGEST-VALUE", "c"); a != b {
		t.Fatalf("digests differ: %q %q", a, b)
	}
	e.is(t, ltBulk("a"), "LPOP", "c")
	if a, b := e.raw.Do("DEBUG", "DIGEST-VALUE", "l"), e.raw.Do("DEBUG", "DIGEST-VALUE", "c"); a == b {
		t.Fatal("digest ignores the elements")
	}
	e.is(t, ltInt(4), "LLEN", "l") // the copy is independent
	if n := intOfRaw(t, e.raw.Do("MEMORY", "USAGE", "l")); n < 9000 {
		t.Fatalf("MEMORY USAGE %d", n)
	}
	e.is(t, ltInt(1), "RPUSH", "small", "x")
	obj := e.raw.Do("DEBUG", "OBJECT", "small")
	if !strings.Contains(obj, "encoding:listpack serializedlength:13 ") || strings.Contains(obj, "ql_") {
		t.Fatalf("DEBUG OBJECT %q", obj)
	}
	e.is(t, ltOK, "RENAME", "small", "moved")
	e.is(t, ltBulks("x"), "LRANGE", "moved", "0", "-1")
}

func intOfRaw(t *testing.T, raw string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimPrefix(raw, ":"), "\r\n"), 10, 64)
	if err != nil {
		t.Fatalf("not an integer reply: %q", raw)
	}
	return n
}

// ---- blocking ----

// stillBlocked checks that no reply arrives on r within d.
func stillBlocked(t *testing.T, r *servertest.Raw, d time.Duration) {
	t.Helper()
	_ = r.Conn.SetReadDeadline(time.Now().Add(d))
	_, err := r.R.Peek(1)
	var ne net.Error
	if err == nil || !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("expected no reply yet, got %v", err)
	}
}

// waitFor polls cond for up to 5 s.
func ltWaitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(2 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

// blockedClients reads INFO's blocked_clients.
func blockedClients(t *testing.T, e *ltEnv) int {
	t.Helper()
	info := e.rdb.Info(e.ctx, "clients").Val()
	for _, line := range strings.Split(info, "\r\n") {
		if v, ok := strings.CutPrefix(line, "blocked_clients:"); ok {
			n, _ := strconv.Atoi(v)
			return n
		}
	}
	t.Fatal("no blocked_clients in INFO")
	return 0
}

func waitBlocked(t *testing.T, e *ltEnv, n int) {
	t.Helper()
	ltWaitFor(t, fmt.Sprintf("%d blocked clients", n), func() bool { return blockedClients(t, e) == n })
}

func TestBlockingServesInOrder(t *testing.T) {
	e := newListEnv(t)
	c1, c2, c3 := servertest.Dial(t, e.srv), servertest.Dial(t, e.srv), servertest.Dial(t, e.srv)
	c1.Send("BLPOP", "q", "0")
	waitBlocked(t, e, 1)
	c2.Send("BRPOP", "q", "other", "0")
	waitBlocked(t, e, 2)
	c3.Send("BLPOP", "q", "0")
	waitBlocked(t, e, 3)
	e.is(t, ltInt(2), "RPUSH", "q", "a", "b")
	// The first two, in the order they blocked; the third waits on.
	if got := c1.ReadReply(); got != ltBulks("q", "a") {
		t.Fatalf("first client got %q", got)
	}
	if got := c2.ReadReply(); got != ltBulks("q", "b") {
		t.Fatalf("second client got %q", got)
	}
	e.is(t, ltInt(0), "EXISTS", "q")
	stillBlocked(t, c3, 50*time.Millisecond)
	if n := blockedClients(t, e); n != 1 {
		t.Fatalf("blocked_clients = %d", n)
	}
	// A push to another key the third does not wait for changes nothing.
	e.is(t, ltInt(1), "RPUSH", "other", "x")
	stillBlocked(t, c3, 50*time.Millisecond)
	e.is(t, ltInt(1), "LPUSH", "q", "c")
	if got := c3.ReadReply(); got != ltBulks("q", "c") {
		t.Fatalf("third client got %q", got)
	}
	waitBlocked(t, e, 0)
	// Afterwards the connections work as usual.
	isOn(t, c1, "+PONG\r\n", "PING")
	isOn(t, c3, ltBulks("other", "x"), "BLPOP", "other", "0")
}

func TestBlockingTimeouts(t *testing.T) {
	e := newListEnv(t)
	c := servertest.Dial(t, e.srv)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"BLPOP", "q", "0.1"}, ltNullArr},
		{[]string{"BRPOP", "q", "q2", "0.05"}, ltNullArr},
		{[]string{"BLMOVE", "q", "d", "LEFT", "RIGHT", "0.05"}, ltNullArr},
		{[]string{"BRPOPLPUSH", "q", "d", "0.05"}, ltNullArr},
		{[]string{"BLMPOP", "0.05", "1", "q", "LEFT"}, ltNullArr},
	} {
		start := time.Now()
		isOn(t, c, tc.want, tc.args...)
		if d := time.Since(start); d < 40*time.Millisecond || d > 3*time.Second {
			t.Fatalf("%v returned after %v", tc.args, d)
		}
	}
	for _, tc := range []struct {
		timeout string
		err     error
	}{
		{"-1", errs.TimeoutNegative}, {"abc", errs.TimeoutNotFloat}, {"nan", errs.TimeoutNotFloat},
		{"inf", errs.TimeoutRange}, {"-inf", errs.TimeoutNegative}, {"1e400", errs.TimeoutRange},
		{"9223372036854775807", errs.TimeoutRange}, {" 1", errs.TimeoutNotFloat}, {"1_0", errs.TimeoutNotFloat},
	} {
		isOn(t, c, ltErr(tc.err), "BLPOP", "q", tc.timeout)
	}
	isOn(t, c, ltErr(errs.TimeoutNotFloat), "BLMPOP", "x", "1", "q", "LEFT")
	isOn(t, c, ltErr(errs.NumkeysPositive), "BLMPOP", "x", "0", "q", "LEFT")
	isOn(t, c, ltErr(errs.Syntax), "BLMOVE", "a", "b", "UP", "LEFT", "x")
	// A tiny positive timeout rounds up to a millisecond, as a long double.
	isOn(t, c, ltNullArr, "BLPOP", "q", "1e-400")

	// Timeouts with other clients waiting: each ends on its own.
	c2 := servertest.Dial(t, e.srv)
	c.Send("BLPOP", "k", "0.2")
	c2.Send("BLPOP", "k", "0")
	waitBlocked(t, e, 2)
	if got := c.ReadReply(); got != ltNullArr {
		t.Fatalf("timed out client got %q", got)
	}
	e.is(t, ltInt(1), "RPUSH", "k", "v")
	if got := c2.ReadReply(); got != ltBulks("k", "v") {
		t.Fatalf("remaining client got %q", got)
	}
}

func TestBlockingImmediate(t *testing.T) {
	e := newListEnv(t)
	e.is(t, ltInt(2), "RPUSH", "b", "1", "2")
	e.is(t, ltBulks("b", "1"), "BLPOP", "a", "b", "0")
	e.is(t, ltBulks("b", "2"), "BRPOP", "a", "b", "0")
	e.is(t, ltInt(0), "EXISTS", "b")
	e.is(t, ltInt(3), "RPUSH", "s", "1", "2", "3")
	e.is(t, ltBulk("3"), "BRPOPLPUSH", "s", "d", "0")
	e.is(t, ltBulk("1"), "BLMOVE", "s", "d", "LEFT", "LEFT", "0")
	e.is(t, ltArr(ltBulk("s"), ltBulks("2")), "BLMPOP", "0", "2", "x", "s", "RIGHT", "COUNT", "3")
	e.is(t, ltBulks("1", "3"), "LRANGE", "d", "0", "-1")
}

func TestBlockingMoveChain(t *testing.T) {
	e := newListEnv(t)
	c1, c2, c3 := servertest.Dial(t, e.srv), servertest.Dial(t, e.srv), servertest.Dial(t, e.srv)
	// c1 moves s1 -> s2, c2 moves s2 -> s3, c3 pops s3: one push travels.
	c1.Send("BLMOVE", "s1", "s2", "LEFT", "RIGHT", "0")
	waitBlocked(t, e, 1)
	c2.Send("BRPOPLPUSH", "s2", "s3", "0")
	waitBlocked(t, e, 2)
	c3.Send("BLPOP", "s3", "0")
	waitBlocked(t, e, 3)
	e.is(t, ltInt(1), "LPUSH", "s1", "v")
	if got := c1.ReadReply(); got != ltBulk("v") {
		t.Fatalf("c1 got %q", got)
	}
	if got := c2.ReadReply(); got != ltBulk("v") {
		t.Fatalf("c2 got %q", got)
	}
	if got := c3.ReadReply(); got != ltBulks("s3", "v") {
		t.Fatalf("c3 got %q", got)
	}
	// The pushing client's next command sees the chain done.
	e.is(t, ltInt(0), "EXISTS", "s1", "s2", "s3")

	// A blocked BLMOVE into a key another client waits for, served by the
	// push of a list to itself.
	c1.Send("BLMOVE", "x", "x", "RIGHT", "LEFT", "0")
	waitBlocked(t, e, 1)
	e.is(t, ltInt(2), "RPUSH", "x", "a", "b")
	if got := c1.ReadReply(); got != ltBulk("b") {
		t.Fatalf("rotation got %q", got)
	}
	e.is(t, ltBulks("b", "a"), "LRANGE", "x", "0", "-1")
}

func TestClientUnblock(t *testing.T) {
	e := newListEnv(t)
	c := servertest.Dial(t, e.srv)
	id := c.Do("CLIENT", "ID")
	id = strings.TrimSuffix(strings.TrimPrefix(id, ":"), "\r\n")
	c.Send("BLPOP", "q", "0")
	waitBlocked(t, e, 1)
	list := e.raw.Do("CLIENT", "LIST", "ID", id)
	if !strings.Contains(list, " flags=b ") || !strings.Contains(list, " cmd=blpop ") {
		t.Fatalf("CLIENT LIST %q", list)
	}
	e.is(t, ltInt(1), "CLIENT", "UNBLOCK", id)
	if got := c.ReadReply(); got != ltNullArr {
		t.Fatalf("unblocked (timeout) got %q", got)
	}
	e.is(t, ltInt(0), "CLIENT", "UNBLOCK", id)
	c.Send("BLMOVE", "q", "d", "LEFT", "LEFT", "0")
	waitBlocked(t, e, 1)
	e.is(t, ltInt(1), "CLIENT", "UNBLOCK", id, "ERROR")
	if got := c.ReadReply(); got != ltErr(errs.Unblocked) {
		t.Fatalf("unblocked (error) got %q", got)
	}
	e.is(t, ltInt(0), "CLIENT", "UNBLOCK", "99999")
	e.is(t, ltErr(errs.UnblockReason), "CLIENT", "UNBLOCK", id, "MAYBE")
	e.is(t, ltErr(errs.NotInteger), "CLIENT", "UNBLOCK", "x")
	isOn(t, c, "+PONG\r\n", "PING")
	// The command counts once, when it ends; the error as rejected.
	stats := e.rdb.Info(e.ctx, "commandstats").Val()
	if !strings.Contains(stats, "cmdstat_blpop:calls=1,") || !strings.Contains(stats, "rejected_calls=1,failed_calls=0") {
		t.Fatalf("commandstats:\n%s", stats)
	}
	if !strings.Contains(e.rdb.Info(e.ctx, "errorstats").Val(), "errorstat_UNBLOCKED:count=1") {
		t.Fatal("errorstats lacks UNBLOCKED")
	}
}

func TestBlockingKilledAndClosed(t *testing.T) {
	e := newListEnv(t)
	c := servertest.Dial(t, e.srv)
	id := strings.TrimSuffix(strings.TrimPrefix(c.Do("CLIENT", "ID"), ":"), "\r\n")
	c.Send("BLPOP", "q", "0")
	waitBlocked(t, e, 1)
	e.is(t, ltInt(1), "CLIENT", "KILL", "ID", id)
	waitBlocked(t, e, 0)
	// Nothing is handed to the killed client: the element stays.
	e.is(t, ltInt(1), "RPUSH", "q", "a")
	e.is(t, ltBulks("a"), "LRANGE", "q", "0", "-1")

	// A client that disconnects while blocked goes away as well.
	c2 := servertest.Dial(t, e.srv)
	c2.Send("BLPOP", "gone", "0")
	waitBlocked(t, e, 1)
	c2.Conn.Close()
	waitBlocked(t, e, 0)
	e.is(t, ltInt(1), "RPUSH", "gone", "a")
	e.is(t, ltInt(1), "LLEN", "gone")
}

func TestBlockingPipelineAndReplyModes(t *testing.T) {
	e := newListEnv(t)
	c := servertest.Dial(t, e.srv)
	// Replies before the blocking command arrive at once; commands after
	// it run once it is served.
	if _, err := c.Conn.Write(append(append(servertest.Encode("SET", "k", "v"), servertest.Encode("BLPOP", "q", "0")...), servertest.Encode("GET", "k")...)); err != nil {
		t.Fatal(err)
	}
	if got := c.ReadReply(); got != ltOK {
		t.Fatalf("SET got %q", got)
	}
	stillBlocked(t, c, 50*time.Millisecond)
	e.is(t, ltInt(1), "RPUSH", "q", "x")
	if got := c.ReadReply(); got != ltBulks("q", "x") {
		t.Fatalf("BLPOP got %q", got)
	}
	if got := c.ReadReply(); got != ltBulk("v") {
		t.Fatalf("GET got %q", got)
	}
	// CLIENT REPLY SKIP drops the blocked command's reply.
	c.Send("CLIENT", "REPLY", "SKIP")
	c.Send("BLPOP", "q", "0")
	waitBlocked(t, e, 1)
	e.is(t, ltInt(1), "RPUSH", "q", "y")
	waitBlocked(t, e, 0)
	isOn(t, c, "+PONG\r\n", "PING")
	e.is(t, ltInt(0), "EXISTS", "q")
}

func TestBlockingRESP3AndDatabases(t *testing.T) {
	e := newListEnv(t)
	c := servertest.Dial(t, e.srv)
	c.Do("HELLO", "3")
	c.Do("SELECT", "2")
	c.Send("BLMPOP", "0", "1", "q", "LEFT", "COUNT", "2")
	waitBlocked(t, e, 1)
	e.is(t, ltInt(1), "RPUSH", "q", "db0") // another database: not served
	stillBlocked(t, c, 50*time.Millisecond)
	e.is(t, ltOK, "SELECT", "2")
	e.is(t, ltInt(3), "RPUSH", "q", "a", "b", "c")
	if got := c.ReadReply(); got != "*2\r\n"+ltBulk("q")+ltBulks("a", "b") {
		t.Fatalf("RESP3 BLMPOP got %q", got)
	}
	isOn(t, c, ltNull3, "BLPOP", "nokey", "0.01")
	e.is(t, ltBulks("c"), "LRANGE", "q", "0", "-1")
	e.is(t, ltOK, "SELECT", "0")
}

// TestBlockingStress runs producers and blocking consumers concurrently
// on a few keys: every element is delivered exactly once.
func TestBlockingStress(t *testing.T) {
	e := newListEnv(t)
	const producers, consumers, perProducer = 4, 6, 300
	keys := []string{"s0", "s1", "s2"}
	total := producers * perProducer
	got := make(chan string, total)
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for i := 0; i < consumers; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			nc, err := net.Dial("tcp", e.srv.Addr().String())
			if err != nil {
				t.Error(err)
				return
			}
			defer nc.Close()
			r := bufio.NewReader(nc)
			for {
				select {
				case <-stop:
					return
				default:
				}
				var args []string
				switch i % 3 {
				case 0:
					args = append(append([]string{"BLPOP"}, keys...), "0.05")
				case 1:
					args = []string{"BLMPOP", "0.05", "3", keys[0], keys[1], keys[2], "RIGHT", "COUNT", "2"}
				default:
					args = []string{"BLMOVE", keys[i%len(keys)], "done", "LEFT", "RIGHT", "0.05"}
				}
				_ = nc.SetDeadline(time.Now().Add(10 * time.Second))
				if _, err := nc.Write(servertest.Encode(args...)); err != nil {
					t.Error(err)
					return
				}
				reply, err := servertest.ReadRaw(r)
				if err != nil {
					t.Error(err)
					return
				}
				for _, v := range elementsOf(reply, args[0]) {
					got <- v
				}
			}
		}(i)
	}
	var pw sync.WaitGroup
	for p := 0; p < producers; p++ {
		pw.Add(1)
		go func(p int) {
			defer pw.Done()
			cl := servertest.Client(t, e.srv, 2)
			for j := 0; j < perProducer; j++ {
				if err := cl.RPush(e.ctx, keys[j%len(keys)], fmt.Sprintf("p%d-%d", p, j)).Err(); err != nil {
					t.Error(err)
					return
				}
			}
		}(p)
	}
	pw.Wait()
	seen := map[string]bool{}
	deadline := time.After(20 * time.Second)
	for len(seen) < total {
		select {
		case v := <-got:
			if seen[v] {
				t.Fatalf("%s delivered twice", v)
			}
			seen[v] = true
		case <-deadline:
			// BLMOVE consumers park elements in "done".
			for _, v := range e.rdb.LRange(e.ctx, "done", 0, -1).Val() {
				seen[v] = true
			}
			if len(seen) < total {
				t.Fatalf("%d of %d delivered", len(seen), total)
			}
		}
		if len(seen)+int(e.rdb.LLen(e.ctx, "done").Val()) >= total {
			for _, v := range e.rdb.LRange(e.ctx, "done", 0, -1).Val() {
				if seen[v] {
					t.Fatalf("%s delivered twice", v)
				}
				seen[v] = true
			}
		}
	}
	close(stop)
	wg.Wait()
	for _, k := range keys {
		if n := e.rdb.LLen(e.ctx, k).Val(); n != 0 {
			t.Fatalf("%s still holds %d", k, n)
		}
	}
}

// elementsOf extracts the delivered elements of a BLPOP/BLMPOP reply
// (BLMOVE deliveries are counted from the "done" list instead).
func elementsOf(raw, cmd string) []string {
	if cmd == "BLMOVE" || strings.HasPrefix(raw, "*-1") {
		return nil
	}
	var out []string
	rd := bufio.NewReader(strings.NewReader(raw))
	var walk func() []string
	walk = func() []string {
		line, _ := rd.ReadString('\n')
		line = strings.TrimSuffix(line, "\r\n")
		switch line[0] {
		case '*':
			n, _ := strconv.Atoi(line[1:])
			var all []string
			for i := 0; i < n; i++ {
				all = append(all, walk()...)
			}
			return all
		case '$':
			n, _ := strconv.Atoi(line[1:])
			b := make([]byte, n+2)
			_, _ = rd.Read(b)
			return []string{string(b[:n])}
		}
		return nil
	}
	all := walk()
	if len(all) > 0 {
		out = all[1:] // drop the key
	}
	return out
}

func TestBlockingShutdownWakes(t *testing.T) {
	srv := servertest.Start(t, nil, Register)
	c := servertest.Dial(t, srv)
	c.Send("BLPOP", "q", "0")
	rdb := servertest.Client(t, srv, 2)
	ltWaitFor(t, "the client to block", func() bool {
		return strings.Contains(rdb.Info(context.Background(), "clients").Val(), "blocked_clients:1")
	})
	done := make(chan struct{})
	go func() { srv.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("shutdown did not end the blocked client")
	}
	_ = c.Conn.SetReadDeadline(time.Now().Add(2 * time.Second))
	if _, err := c.R.ReadByte(); err == nil {
		t.Fatal("blocked client got a reply at shutdown")
	} else if errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatal("blocked client's connection still open after shutdown")
	}
}

// listBench runs list handlers in-process, without a socket.
type listBench struct {
	srv *server.Server
	w   resp.Writer
	c   server.Ctx
}

func newListBench() *listBench {
	lb := &listBench{srv: server.New(server.DefaultSettings(), Register)}
	lb.c = server.Ctx{Srv: lb.srv, W: &lb.w}
	return lb
}

func (lb *listBench) run(h server.Handler, args ...[]byte) {
	ks := lb.srv.Keyspace()
	var mask keyspace.Mask
	if len(args) > 1 {
		mask = keyspace.MaskOf(args[1])
	}
	lb.c.Args = args
	lb.c.DB = ks.View(0, time.Now().UnixMilli())
	lb.w.Reset()
	ks.Lock(mask)
	h(&lb.c)
	ks.Unlock(mask)
}

func BenchmarkListHandlers(b *testing.B) {
	lb := newListBench()
	key, val := []byte("mylist"), []byte("xxx")
	refill := [][]byte{[]byte("RPUSH"), key, val}
	for i := 0; i < 600; i++ {
		lb.run(cmdRPush, []byte("RPUSH"), []byte("r"), []byte("value:"+strconv.Itoa(i)))
	}
	for _, bc := range []struct {
		name string
		h    server.Handler
		args [][]byte
	}{
		{"LPUSH", cmdLPush, [][]byte{[]byte("LPUSH"), key, val}},
		{"RPUSH", cmdRPush, [][]byte{[]byte("RPUSH"), key, val}},
		{"LPOP", cmdLPop, [][]byte{[]byte("LPOP"), key}},
		{"RPOP", cmdRPop, [][]byte{[]byte("RPOP"), key}},
		{"LRANGE_100", cmdLRange, [][]byte{[]byte("LRANGE"), []byte("r"), []byte("0"), []byte("99")}},
		{"LRANGE_600", cmdLRange, [][]byte{[]byte("LRANGE"), []byte("r"), []byte("0"), []byte("599")}},
		{"LINDEX_mid", cmdLIndex, [][]byte{[]byte("LINDEX"), []byte("r"), []byte("300")}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				lb.run(bc.h, bc.args...)
				if bc.name == "LPOP" || bc.name == "RPOP" { // keep the list from emptying
					lb.run(cmdRPush, refill...)
				}
			}
		})
	}
}

// TestListHotPathAllocs checks that the benchmark's hot paths allocate
// nothing in steady state.
func TestListHotPathAllocs(t *testing.T) {
	lb := newListBench()
	key, val := []byte("k"), []byte("small-value")
	for i := 0; i < 200; i++ {
		lb.run(cmdRPush, []byte("RPUSH"), key, val)
	}
	push := [][]byte{[]byte("LPUSH"), key, val}
	rpush := [][]byte{[]byte("RPUSH"), key, val}
	lpop := [][]byte{[]byte("LPOP"), key}
	rpop := [][]byte{[]byte("RPOP"), key}
	lrange := [][]byte{[]byte("LRANGE"), key, []byte("0"), []byte("99")}
	lb.run(cmdLRange, lrange...) // grow the writer's buffer once
	for name, f := range map[string]func(){
		"LPUSH+RPOP": func() { lb.run(cmdLPush, push...); lb.run(cmdRPop, rpop...) },
		"RPUSH+LPOP": func() { lb.run(cmdRPush, rpush...); lb.run(cmdLPop, lpop...) },
		"LRANGE":     func() { lb.run(cmdLRange, lrange...) },
	} {
		if n := testing.AllocsPerRun(500, f); n != 0 {
			t.Errorf("%s: %v allocs/op", name, n)
		}
	}
}

// A key a client blocks on that gets a value by RENAME, MOVE or SWAPDB
// (not a push) serves the client, as Valkey's dbAdd signals it.
func TestBlockingServedByRenameAndSwapDB(t *testing.T) {
	e := newListEnv(t)
	c := servertest.Dial(t, e.srv)
	c.Send("BLPOP", "dst", "0")
	waitBlocked(t, e, 1)
	e.is(t, ltInt(1), "RPUSH", "src", "a")
	e.is(t, "+OK\r\n", "RENAME", "src", "dst")
	if got := c.ReadReply(); got != "*2\r\n$3\r\ndst\r\n$1\r\na\r\n" {
		t.Fatalf("after RENAME: %q", got)
	}

	c.Send("BLPOP", "k", "0")
	waitBlocked(t, e, 1)
	other := servertest.Dial(t, e.srv)
	if got := other.Do("SELECT", "1"); got != "+OK\r\n" {
		t.Fatal(got)
	}
	if got := other.Do("RPUSH", "k", "b"); got != ":1\r\n" {
		t.Fatal(got)
	}
	if got := other.Do("SWAPDB", "0", "1"); got != "+OK\r\n" {
		t.Fatal(got)
	}
	if got := c.ReadReply(); got != "*2\r\n$1\r\nk\r\n$1\r\nb\r\n" {
		t.Fatalf("after SWAPDB: %q", got)
	}
}

// TestListNodesOffHeap checks that a long list's packed nodes live in the
// server's NodeMem, count in used_memory, and go back when the list goes:
// deleted, overwritten, or renamed over (the keyspace has no hook: the
// quicklist's cleanup frees them once it is unreachable).
func TestListNodesOffHeap(t *testing.T) {
	e := newListEnv(t)
	nodeBytes := func() int64 { return e.srv.ListNodes().Used() }
	args := make([]any, 0, 1001)
	fill := func(key string) {
		for b := range 100 {
			args = append(args[:0], "RPUSH", key)
			for i := range 1000 {
				args = append(args, fmt.Sprintf("elem-%06d", b*1000+i))
			}
			if err := e.rdb.Do(e.ctx, args...).Err(); err != nil {
				t.Fatal(err)
			}
		}
	}
	fill("big")
	e.is(t, ltBulk("quicklist"), "OBJECT", "ENCODING", "big")
	if n := nodeBytes(); n < 1100<<10 { // 100k 12-byte dense entries
		t.Fatalf("NodeMem holds %d bytes for a 100k-element list", n)
	}
	if !strings.Contains(e.raw.Do("MEMORY", "MALLOC-STATS"), "list_node_chunks:") {
		t.Fatal("MEMORY MALLOC-STATS has no list_node_chunks line")
	}
	e.is(t, ltInt(1), "COPY", "big", "copy")
	e.is(t, ltBulk("elem-054321"), "LINDEX", "copy", "54321")
	e.is(t, ltOK, "SET", "copy", "x") // the copy's nodes go when overwritten
	fill("other")
	e.is(t, ltOK, "RENAME", "other", "big") // and big's when renamed over
	e.is(t, ltBulk("elem-099999"), "LINDEX", "big", "-1")
	e.is(t, ltInt(1), "DEL", "big")
	deadline := time.Now().Add(5 * time.Second)
	for nodeBytes() != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d bytes of nodes still held after every list went", nodeBytes())
		}
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
}
