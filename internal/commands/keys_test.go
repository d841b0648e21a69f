package commands_test

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"petrel/internal/commands"
	"petrel/internal/errs"
	"petrel/internal/keyspace"
	"petrel/internal/server"
	"petrel/internal/servertest"
)

// Reply builders for byte-exact assertions.
func rOK() string              { return "+OK\r\n" }
func rInt(n int64) string      { return ":" + strconv.FormatInt(n, 10) + "\r\n" }
func rBulk(s string) string    { return "$" + strconv.Itoa(len(s)) + "\r\n" + s + "\r\n" }
func rSimple(s string) string  { return "+" + s + "\r\n" }
func rErr(err error) string    { return "-" + errs.Text(err) + "\r\n" }
func rErrText(s string) string { return "-" + s + "\r\n" }
func rArr(elems ...string) string {
	return "*" + strconv.Itoa(len(elems)) + "\r\n" + strings.Join(elems, "")
}

const rNull2 = "$-1\r\n"

// keysEnv is a server with every family and a raw connection to it.
type keysEnv struct {
	srv *server.Server
	r   *servertest.Raw
}

func newKeysEnv(t *testing.T) *keysEnv {
	t.Helper()
	srv := servertest.Start(t, nil, commands.Register)
	return &keysEnv{srv: srv, r: servertest.Dial(t, srv)}
}

// is sends a command and checks its raw reply.
func (e *keysEnv) is(t *testing.T, want string, args ...string) {
	t.Helper()
	if got := e.r.Do(args...); got != want {
		t.Fatalf("%s: got %q, want %q", strings.Join(args, " "), got, want)
	}
}

// do sends a command and returns its raw reply.
func (e *keysEnv) do(t *testing.T, args ...string) string {
	t.Helper()
	return e.r.Do(args...)
}

// intOf parses an integer reply.
func intOf(t *testing.T, raw string) int64 {
	t.Helper()
	if !strings.HasPrefix(raw, ":") {
		t.Fatalf("not an integer reply: %q", raw)
	}
	n, err := strconv.ParseInt(strings.TrimSpace(raw[1:]), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// putObject stores a collection value directly in the keyspace, for the
// type-agnostic commands to work on without the collection families.
type fakeList struct{ items []string }

func (l *fakeList) Clone() any { return &fakeList{items: slices.Clone(l.items)} }

func putObject(srv *server.Server, db int, key string, typ, enc uint8) {
	ks := srv.Keyspace()
	m := keyspace.MaskOf([]byte(key))
	ks.Lock(m)
	defer ks.Unlock(m)
	ks.View(db, time.Now().UnixMilli()).SetObject([]byte(key), typ, enc, &fakeList{items: []string{"x"}}, 0)
}

func TestDelUnlinkExists(t *testing.T) {
	e := newKeysEnv(t)
	e.is(t, rOK(), "SET", "a", "1")
	e.is(t, rOK(), "SET", "b", "2")
	e.is(t, rOK(), "SET", "c", "3")
	e.is(t, rInt(3), "EXISTS", "a", "a", "b", "nokey")
	e.is(t, rInt(1), "DEL", "a", "a", "nokey")
	e.is(t, rInt(0), "EXISTS", "a")
	e.is(t, rInt(2), "UNLINK", "b", "c", "d")
	e.is(t, rInt(0), "DEL", "b")
	e.is(t, rErr(errs.WrongArity("del")), "DEL")
	e.is(t, rErr(errs.WrongArity("exists")), "EXISTS")
	e.is(t, rErr(errs.WrongArity("unlink")), "UNLINK")
	// An expired key is neither counted by EXISTS nor deleted by DEL.
	e.is(t, rOK(), "SET", "x", "1", "PX", "1")
	time.Sleep(5 * time.Millisecond)
	e.is(t, rInt(0), "EXISTS", "x")
	e.is(t, rOK(), "SET", "y", "1", "PX", "1")
	time.Sleep(5 * time.Millisecond)
	e.is(t, rInt(0), "DEL", "y")
}

func TestTypeAndTouch(t *testing.T) {
	e := newKeysEnv(t)
	e.is(t, rSimple("none"), "TYPE", "k")
	e.is(t, rOK(), "SET", "k", "v")
	e.is(t, rSimple("string"), "TYPE", "k")
	putObject(e.srv, 0, "l", keyspace.TypeList, keyspace.EncQuicklist)
	putObject(e.srv, 0, "h", keyspace.TypeHash, keyspace.EncListpack)
	e.is(t, rSimple("list"), "TYPE", "l")
	e.is(t, rSimple("hash"), "TYPE", "h")
	e.is(t, rInt(3), "TOUCH", "k", "l", "k", "none")
	e.is(t, rErr(errs.WrongArity("touch")), "TOUCH")
	e.is(t, rErr(errs.WrongArity("type")), "TYPE")
}

func TestRename(t *testing.T) {
	e := newKeysEnv(t)
	e.is(t, rErr(errs.NoSuchKey), "RENAME", "nokey", "x")
	e.is(t, rErr(errs.NoSuchKey), "RENAME", "nokey", "nokey")
	e.is(t, rErr(errs.NoSuchKey), "RENAMENX", "nokey", "x")
	e.is(t, rOK(), "SET", "a", "hello")
	e.is(t, rOK(), "RENAME", "a", "a")
	e.is(t, rInt(0), "RENAMENX", "a", "a")
	e.is(t, rInt(1), "EXPIRE", "a", "1000")
	e.is(t, rOK(), "RENAME", "a", "b")
	e.is(t, rInt(0), "EXISTS", "a")
	e.is(t, rBulk("hello"), "GET", "b")
	if ttl := intOf(t, e.do(t, "TTL", "b")); ttl < 999 || ttl > 1000 {
		t.Fatalf("TTL not carried over: %d", ttl)
	}
	// Overwriting a key drops its old TTL and takes the source's (none).
	e.is(t, rOK(), "SET", "c", "new")
	e.is(t, rOK(), "RENAME", "c", "b")
	e.is(t, rInt(-1), "TTL", "b")
	e.is(t, rBulk("new"), "GET", "b")
	// RENAMENX refuses an existing destination.
	e.is(t, rOK(), "SET", "d", "1")
	e.is(t, rInt(0), "RENAMENX", "d", "b")
	e.is(t, rInt(1), "RENAMENX", "d", "{x}e")
	e.is(t, rSimple("string"), "TYPE", "{x}e")
	e.is(t, rBulk("int"), "OBJECT", "ENCODING", "{x}e")
	// Collections move whole.
	putObject(e.srv, 0, "l", keyspace.TypeList, keyspace.EncQuicklist)
	e.is(t, rOK(), "RENAME", "l", "l2")
	e.is(t, rSimple("list"), "TYPE", "l2")
	e.is(t, rBulk("quicklist"), "OBJECT", "ENCODING", "l2")
	e.is(t, rErr(errs.WrongArity("rename")), "RENAME", "a")
}

func TestCopy(t *testing.T) {
	e := newKeysEnv(t)
	e.is(t, rOK(), "SET", "a", "v")
	e.is(t, rErr(errs.SameObject), "COPY", "a", "a")
	e.is(t, rErr(errs.SameObject), "COPY", "a", "a", "DB", "0")
	e.is(t, rErr(errs.Syntax), "COPY", "a", "b", "DB")
	e.is(t, rErr(errs.Syntax), "COPY", "a", "b", "foo")
	e.is(t, rErr(errs.Syntax), "COPY", "a", "b", "DB", "1", "foo")
	e.is(t, rErr(errs.NotInteger), "COPY", "a", "b", "DB", "x")
	e.is(t, rErr(errs.IntRange), "COPY", "a", "b", "DB", "2147483648")
	e.is(t, rErr(errs.DBIndexRange), "COPY", "a", "b", "DB", "16")
	e.is(t, rErr(errs.DBIndexRange), "COPY", "a", "b", "DB", "-1")
	e.is(t, rInt(0), "COPY", "nokey", "b")
	e.is(t, rInt(1), "COPY", "a", "b")
	e.is(t, rBulk("v"), "GET", "b")
	e.is(t, rOK(), "SET", "a", "w")
	e.is(t, rInt(0), "COPY", "a", "b")
	e.is(t, rBulk("v"), "GET", "b")
	e.is(t, rInt(1), "COPY", "a", "b", "REPLACE")
	e.is(t, rBulk("w"), "GET", "b")
	// Across databases, with the TTL.
	e.is(t, rInt(1), "PEXPIRE", "a", "100000")
	e.is(t, rInt(1), "COPY", "a", "a", "DB", "3")
	e.is(t, rInt(0), "COPY", "a", "a", "db", "3")
	e.is(t, rInt(1), "COPY", "a", "a", "replace", "db", "3")
	e.is(t, rOK(), "SELECT", "3")
	e.is(t, rBulk("w"), "GET", "a")
	if ttl := intOf(t, e.do(t, "PTTL", "a")); ttl < 90000 || ttl > 100000 {
		t.Fatalf("copied TTL %d", ttl)
	}
	e.is(t, rOK(), "SELECT", "0")
	// A copied collection is a clone, not a shared value.
	putObject(e.srv, 0, "l", keyspace.TypeList, keyspace.EncQuicklist)
	e.is(t, rInt(1), "COPY", "l", "l2")
	e.is(t, rSimple("list"), "TYPE", "l2")
	ks := e.srv.Keyspace()
	m := keyspace.MaskOf([]byte("l")) | keyspace.MaskOf([]byte("l2"))
	ks.Lock(m)
	v := ks.View(0, time.Now().UnixMilli())
	e1, _ := v.Peek([]byte("l"))
	e2, _ := v.Peek([]byte("l2"))
	same := e1.Object() == e2.Object()
	ks.Unlock(m)
	if same {
		t.Fatal("COPY shares the collection value")
	}
	// Encodings are kept.
	e.is(t, rOK(), "SET", "raw", strings.Repeat("x", 50))
	e.is(t, rInt(1), "COPY", "raw", "raw2")
	e.is(t, rBulk("raw"), "OBJECT", "ENCODING", "raw2")
	e.is(t, rOK(), "SET", "int", "12")
	e.is(t, rInt(1), "COPY", "int", "int2")
	e.is(t, rBulk("int"), "OBJECT", "ENCODING", "int2")
}

func TestMove(t *testing.T) {
	e := newKeysEnv(t)
	e.is(t, rErr(errs.NotInteger), "MOVE", "a", "x")
	e.is(t, rErr(errs.IntRange), "MOVE", "a", "-2147483649")
	e.is(t, rErr(errs.DBIndexRange), "MOVE", "a", "16")
	e.is(t, rErr(errs.SameObject), "MOVE", "a", "0")
	e.is(t, rInt(0), "MOVE", "a", "1")
	e.is(t, rOK(), "SET", "a", "v")
	e.is(t, rInt(1), "EXPIRE", "a", "500")
	e.is(t, rInt(1), "MOVE", "a", "1")
	e.is(t, rInt(0), "EXISTS", "a")
	e.is(t, rOK(), "SELECT", "1")
	e.is(t, rBulk("v"), "GET", "a")
	if ttl := intOf(t, e.do(t, "TTL", "a")); ttl < 499 || ttl > 500 {
		t.Fatalf("TTL after MOVE %d", ttl)
	}
	e.is(t, rOK(), "SELECT", "0")
	e.is(t, rOK(), "SET", "a", "other")
	e.is(t, rInt(0), "MOVE", "a", "1")
	e.is(t, rBulk("other"), "GET", "a")
}

func TestExpireCommands(t *testing.T) {
	e := newKeysEnv(t)
	for _, cmd := range []string{"expire", "pexpire", "expireat", "pexpireat"} {
		e.is(t, rErr(errs.WrongArity(cmd)), cmd, "k")
		e.is(t, rErrText("ERR Unsupported option foo"), cmd, "k", "10", "foo")
		e.is(t, rErr(errs.ExpireNXXX), cmd, "k", "abc", "NX", "XX")
		e.is(t, rErr(errs.ExpireNXXX), cmd, "k", "10", "nx", "gt")
		e.is(t, rErr(errs.ExpireNXXX), cmd, "k", "10", "lt", "nx")
		e.is(t, rErr(errs.ExpireGTLT), cmd, "k", "10", "GT", "LT")
		e.is(t, rErr(errs.NotInteger), cmd, "k", "abc")
		e.is(t, rErr(errs.NotInteger), cmd, "k", "1.5")
		e.is(t, rInt(0), cmd, "nokey", "100")
	}
	e.is(t, rErr(errs.InvalidExpireIn("expire")), "EXPIRE", "k", "9223372036854775807")
	e.is(t, rErr(errs.InvalidExpireIn("expire")), "EXPIRE", "k", "-9223372036854775808")
	e.is(t, rErr(errs.InvalidExpireIn("pexpire")), "PEXPIRE", "k", "9223372036854775807")
	e.is(t, rErr(errs.InvalidExpireIn("expireat")), "EXPIREAT", "k", "9223372036854775807")
	e.is(t, rInt(0), "PEXPIREAT", "k", "9223372036854775807") // no overflow check needed

	e.is(t, rOK(), "SET", "k", "v")
	e.is(t, rInt(1), "PEXPIREAT", "k", "9223372036854775807")
	e.is(t, rInt(9223372036854775807), "PEXPIRETIME", "k")
	e.is(t, rInt(1), "PERSIST", "k")

	// NX / XX.
	e.is(t, rInt(0), "EXPIRE", "k", "100", "XX")
	e.is(t, rInt(1), "EXPIRE", "k", "100", "NX")
	e.is(t, rInt(0), "EXPIRE", "k", "200", "NX")
	e.is(t, rInt(1), "EXPIRE", "k", "200", "XX")
	e.is(t, rInt(200), "TTL", "k")
	// GT / LT, including against a key without TTL (infinite). Absolute
	// deadlines, so that equal ones compare equal whatever the clock.
	e.is(t, rInt(0), "EXPIRE", "k", "100", "GT")
	e.is(t, rInt(1), "EXPIRE", "k", "300", "GT")
	e.is(t, rInt(300), "TTL", "k")
	e.is(t, rInt(1), "PEXPIREAT", "k", "100000000000000")
	e.is(t, rInt(0), "PEXPIREAT", "k", "100000000000000", "GT")
	e.is(t, rInt(0), "PEXPIREAT", "k", "100000000000000", "LT")
	e.is(t, rInt(0), "PEXPIREAT", "k", "99999999999999", "GT")
	e.is(t, rInt(0), "PEXPIREAT", "k", "100000000000001", "LT")
	e.is(t, rInt(1), "PEXPIREAT", "k", "100000000000001", "GT")
	e.is(t, rInt(1), "PEXPIREAT", "k", "99999999999999", "LT")
	e.is(t, rInt(99999999999999), "PEXPIRETIME", "k")
	e.is(t, rInt(1), "EXPIREAT", "k", "100000000000", "XX", "GT")
	e.is(t, rInt(100000000000), "EXPIRETIME", "k")
	e.is(t, rInt(1), "EXPIRE", "k", "250", "LT")
	e.is(t, rInt(250), "TTL", "k")
	e.is(t, rInt(1), "PERSIST", "k")
	e.is(t, rInt(0), "PERSIST", "k")
	e.is(t, rInt(0), "EXPIRE", "k", "100", "GT")
	e.is(t, rInt(-1), "TTL", "k")
	e.is(t, rInt(1), "EXPIRE", "k", "100", "LT")
	e.is(t, rInt(100), "TTL", "k")

	// Absolute forms.
	at := time.Now().Unix() + 1000
	e.is(t, rInt(1), "EXPIREAT", "k", strconv.FormatInt(at, 10))
	e.is(t, rInt(at), "EXPIRETIME", "k")
	e.is(t, rInt(at*1000), "PEXPIRETIME", "k")
	e.is(t, rInt(1), "PEXPIREAT", "k", strconv.FormatInt(at*1000+123, 10))
	e.is(t, rInt(at*1000+123), "PEXPIRETIME", "k")
	if pttl := intOf(t, e.do(t, "PTTL", "k")); pttl < 990000 || pttl > 1000123 {
		t.Fatalf("PTTL %d", pttl)
	}

	// Past deadlines delete the key and reply 1.
	for _, c := range [][]string{
		{"EXPIRE", "k", "-1"}, {"EXPIRE", "k", "0"}, {"PEXPIRE", "k", "-100"},
		{"EXPIREAT", "k", "1"}, {"PEXPIREAT", "k", "0"}, {"EXPIRE", "k", "-9223372036854775"},
	} {
		e.is(t, rOK(), "SET", "k", "v")
		e.is(t, rInt(1), c...)
		e.is(t, rInt(0), "EXISTS", "k")
	}
	// With a condition that fails, the key stays.
	e.is(t, rOK(), "SET", "k", "v")
	e.is(t, rInt(0), "EXPIRE", "k", "-1", "XX")
	e.is(t, rInt(1), "EXISTS", "k")
	e.is(t, rInt(1), "EXPIRE", "k", "-1", "LT")
	e.is(t, rInt(0), "EXISTS", "k")
}

func TestTTLCommands(t *testing.T) {
	e := newKeysEnv(t)
	for _, cmd := range []string{"TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME"} {
		e.is(t, rInt(-2), cmd, "nokey")
	}
	e.is(t, rOK(), "SET", "k", "v")
	for _, cmd := range []string{"TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME"} {
		e.is(t, rInt(-1), cmd, "k")
	}
	// TTL rounds to the nearest second.
	e.is(t, rInt(1), "PEXPIRE", "k", "1900")
	e.is(t, rInt(2), "TTL", "k")
	e.is(t, rInt(1), "PEXPIRE", "k", "1400")
	e.is(t, rInt(1), "TTL", "k")
	e.is(t, rErr(errs.WrongArity("ttl")), "TTL")
	e.is(t, rErr(errs.WrongArity("persist")), "PERSIST")
	e.is(t, rInt(0), "PERSIST", "nokey")
}

func TestObject(t *testing.T) {
	for _, proto := range []int{2, 3} {
		t.Run(fmt.Sprint("resp", proto), func(t *testing.T) {
			e := newKeysEnv(t)
			null := rNull2
			if proto == 3 {
				e.do(t, "HELLO", "3")
				null = "_\r\n"
			}
			e.is(t, rOK(), "SET", "i", "12345")
			e.is(t, rOK(), "SET", "s", "hello")
			e.is(t, rOK(), "SET", "r", strings.Repeat("r", 45))
			e.is(t, rBulk("int"), "OBJECT", "ENCODING", "i")
			e.is(t, rBulk("embstr"), "OBJECT", "encoding", "s")
			e.is(t, rBulk("raw"), "OBJECT", "ENCODING", "r")
			e.is(t, null, "OBJECT", "ENCODING", "nokey")
			e.is(t, rInt(1), "OBJECT", "REFCOUNT", "i")
			e.is(t, rInt(1), "OBJECT", "REFCOUNT", "s")
			e.is(t, null, "OBJECT", "REFCOUNT", "nokey")
			// The LRU clock ticks in seconds: a tick may fall in between.
			if idle := intOf(t, e.do(t, "OBJECT", "IDLETIME", "s")); idle < 0 || idle > 1 {
				t.Fatalf("IDLETIME of a fresh key: %d", idle)
			}
			e.is(t, null, "OBJECT", "IDLETIME", "nokey")
			e.is(t, rErr(errs.LFUNotSelected), "OBJECT", "FREQ", "s")
			e.is(t, null, "OBJECT", "FREQ", "nokey")
			e.is(t, rErrText("ERR wrong number of arguments for 'object|encoding' command"), "OBJECT", "ENCODING")
			e.is(t, rErrText("ERR wrong number of arguments for 'object|help' command"), "OBJECT", "HELP", "x")
			e.is(t, rErrText("ERR wrong number of arguments for 'object' command"), "OBJECT")
			help := e.do(t, "OBJECT", "HELP")
			lines := strings.Split(strings.TrimSuffix(help, "\r\n"), "\r\n")
			if lines[0] != "*15" || lines[1] != "+OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:" ||
				lines[2] != "+ENCODING <key>" || lines[15] != "+    Print this help." {
				t.Fatalf("OBJECT HELP: %q", help)
			}
		})
	}
}

func TestObjectFreqUnderLFU(t *testing.T) {
	e := newKeysEnv(t)
	e.is(t, rOK(), "CONFIG", "SET", "maxmemory-policy", "allkeys-lfu")
	e.is(t, rOK(), "CONFIG", "SET", "lfu-decay-time", "0") // no minute boundary can flake the test
	e.is(t, rOK(), "SET", "k", "v")
	e.is(t, rInt(5), "OBJECT", "FREQ", "k") // LFU_INIT_VAL, OBJECT does not touch
	e.is(t, rBulk("v"), "GET", "k")
	e.is(t, rInt(6), "OBJECT", "FREQ", "k") // the first access always counts
	for i := 0; i < 200; i++ {
		e.do(t, "GET", "k")
	}
	if f := intOf(t, e.do(t, "OBJECT", "FREQ", "k")); f < 7 || f > 40 {
		t.Fatalf("freq after 200 accesses: %d", f)
	}
	e.is(t, rErr(errs.LFUSelected), "OBJECT", "IDLETIME", "k")
	e.is(t, rOK(), "CONFIG", "SET", "maxmemory-policy", "volatile-lru")
	e.is(t, rErr(errs.LFUNotSelected), "OBJECT", "FREQ", "k")
}

func TestKeys(t *testing.T) {
	e := newKeysEnv(t)
	e.is(t, rArr(), "KEYS", "*")
	for _, k := range []string{"one", "two", "three", "four", "a*b", "A"} {
		e.is(t, rOK(), "SET", k, "1")
	}
	e.is(t, rOK(), "SET", "gone", "1", "PX", "1")
	time.Sleep(5 * time.Millisecond)
	sorted := func(raw string) []string {
		parts := strings.Split(raw, "\r\n")
		var out []string
		for i := 2; i < len(parts); i += 2 {
			out = append(out, parts[i])
		}
		slices.Sort(out)
		return out
	}
	check := func(pattern string, want ...string) {
		t.Helper()
		slices.Sort(want)
		if got := sorted(e.do(t, "KEYS", pattern)); !slices.Equal(got, want) {
			t.Fatalf("KEYS %s: %q want %q", pattern, got, want)
		}
	}
	check("*", "one", "two", "three", "four", "a*b", "A")
	check("t*", "two", "three")
	check("?o*", "four")
	check("a\\*b", "a*b")
	check("[oa]*", "one", "a*b")
	check("a", []string{}...)
	check("gone")
	e.is(t, rOK(), "SELECT", "5")
	check("*")
}

// scanAll runs a whole SCAN iteration with the given options and returns
// the keys seen (with repetitions) and the number of calls.
func scanAll(t *testing.T, e *keysEnv, opts ...string) ([]string, int) {
	t.Helper()
	var keys []string
	cursor := "0"
	for calls := 1; ; calls++ {
		raw := e.do(t, append([]string{"SCAN", cursor}, opts...)...)
		parts := strings.Split(raw, "\r\n")
		// *2 $n cursor *m ($len key)...
		if parts[0] != "*2" {
			t.Fatalf("SCAN reply %q", raw)
		}
		cursor = parts[2]
		for i := 5; i+1 < len(parts); i += 2 {
			keys = append(keys, parts[i])
		}
		if cursor == "0" {
			return keys, calls
		}
		if calls > 100000 {
			t.Fatal("SCAN does not terminate")
		}
	}
}

func TestScanOptions(t *testing.T) {
	e := newKeysEnv(t)
	e.is(t, rArr(rBulk("0"), rArr()), "SCAN", "0")
	e.is(t, rErr(errs.InvalidCursor), "SCAN", "-1")
	e.is(t, rErr(errs.InvalidCursor), "SCAN", "abc")
	e.is(t, rErr(errs.InvalidCursor), "SCAN", "18446744073709551616")
	e.is(t, rErr(errs.InvalidCursor), "SCAN", "1 ")
	e.is(t, rErr(errs.InvalidCursor), "SCAN", "")
	e.is(t, rErr(errs.InvalidCursor), "SCAN", "abc", "COUNT", "0")
	e.is(t, rErr(errs.Syntax), "SCAN", "0", "COUNT", "0")
	e.is(t, rErr(errs.Syntax), "SCAN", "0", "COUNT", "-1")
	e.is(t, rErr(errs.NotInteger), "SCAN", "0", "COUNT", "x")
	e.is(t, rErr(errs.Syntax), "SCAN", "0", "COUNT")
	e.is(t, rErr(errs.Syntax), "SCAN", "0", "MATCH")
	e.is(t, rErr(errs.Syntax), "SCAN", "0", "TYPE")
	e.is(t, rErr(errs.Syntax), "SCAN", "0", "FOO", "bar")
	e.is(t, rErr(errs.UnknownTypeName("foo")), "SCAN", "0", "TYPE", "foo")
	e.is(t, rErr(errs.UnknownTypeName("module")), "SCAN", "0", "TYPE", "module")
	e.is(t, rErr(errs.ScanNoValues), "SCAN", "0", "NOVALUES")
	e.is(t, rErr(errs.ScanNoScores), "SCAN", "0", "noscores")
	e.is(t, rErr(errs.WrongArity("scan")), "SCAN")
	// Cursors as strtoull reads them.
	for _, c := range []string{"18446744073709551615", "+0", "007", " 0", "-0"} {
		if raw := e.do(t, "SCAN", c); !strings.HasPrefix(raw, "*2\r\n") {
			t.Fatalf("SCAN %q: %q", c, raw)
		}
	}

	for i := 0; i < 50; i++ {
		e.is(t, rOK(), "SET", fmt.Sprint("user:", i), "v")
		e.is(t, rOK(), "SET", fmt.Sprint("item:", i), "v")
	}
	putObject(e.srv, 0, "list:1", keyspace.TypeList, keyspace.EncQuicklist)
	putObject(e.srv, 0, "hash:1", keyspace.TypeHash, keyspace.EncListpack)
	keys, _ := scanAll(t, e)
	if distinct(keys) != 102 {
		t.Fatalf("SCAN saw %d distinct keys", distinct(keys))
	}
	keys, _ = scanAll(t, e, "MATCH", "user:*", "COUNT", "7")
	if distinct(keys) != 50 || !allPrefix(keys, "user:") {
		t.Fatalf("SCAN MATCH: %d %v", distinct(keys), keys)
	}
	keys, _ = scanAll(t, e, "TYPE", "LIST")
	if !slices.Equal(keys, []string{"list:1"}) {
		t.Fatalf("SCAN TYPE list: %v", keys)
	}
	keys, _ = scanAll(t, e, "TYPE", "string", "MATCH", "item:1*")
	if distinct(keys) != 11 {
		t.Fatalf("SCAN TYPE string MATCH item:1*: %v", keys)
	}
	// A large COUNT returns everything at once.
	keys, calls := scanAll(t, e, "COUNT", "9223372036854775807")
	if calls != 1 || len(keys) != 102 {
		t.Fatalf("SCAN COUNT max: %d calls, %d keys", calls, len(keys))
	}
}

func distinct(keys []string) int {
	m := map[string]bool{}
	for _, k := range keys {
		m[k] = true
	}
	return len(m)
}

func allPrefix(keys []string, p string) bool {
	for _, k := range keys {
		if !strings.HasPrefix(k, p) {
			return false
		}
	}
	return true
}

// TestScanGuarantee checks SCAN's contract: every key present for the
// whole iteration is returned at least once, while other keys are added
// and removed between calls (growing and shrinking the tables).
func TestScanGuarantee(t *testing.T) {
	e := newKeysEnv(t)
	cl := servertest.Client(t, e.srv, 2)
	ctx := context.Background()
	const n = 2000
	pipe := cl.Pipeline()
	for i := 0; i < n; i++ {
		pipe.Set(ctx, fmt.Sprint("stable:", i), i, 0)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	var cursor uint64
	churn := 0
	for calls := 0; ; calls++ {
		keys, next, err := cl.Scan(ctx, cursor, "", 5).Result()
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range keys {
			seen[k] = true
		}
		// Add a burst of keys, then delete an older burst.
		pipe := cl.Pipeline()
		for j := 0; j < 20; j++ {
			pipe.Set(ctx, fmt.Sprint("churn:", churn+j), "x", 0)
		}
		if churn >= 200 {
			for j := 0; j < 30; j++ {
				pipe.Del(ctx, fmt.Sprint("churn:", churn-200+j))
			}
		}
		churn += 20
		if _, err := pipe.Exec(ctx); err != nil {
			t.Fatal(err)
		}
		cursor = next
		if cursor == 0 {
			break
		}
		if calls > 1_000_000 {
			t.Fatal("SCAN does not terminate")
		}
	}
	for i := 0; i < n; i++ {
		if !seen[fmt.Sprint("stable:", i)] {
			t.Fatalf("stable:%d never returned by SCAN", i)
		}
	}
}

func TestRandomkeyDbsize(t *testing.T) {
	e := newKeysEnv(t)
	e.is(t, rNull2, "RANDOMKEY")
	e.is(t, rInt(0), "DBSIZE")
	e.is(t, rOK(), "SET", "only", "1")
	e.is(t, rBulk("only"), "RANDOMKEY")
	e.is(t, rInt(1), "DBSIZE")
	for i := 0; i < 100; i++ {
		e.is(t, rOK(), "SET", fmt.Sprint("k", i), "1")
	}
	e.is(t, rInt(101), "DBSIZE")
	got := map[string]bool{}
	for i := 0; i < 200; i++ {
		raw := e.do(t, "RANDOMKEY")
		got[raw] = true
	}
	if len(got) < 20 {
		t.Fatalf("RANDOMKEY returned only %d distinct keys", len(got))
	}
	e.is(t, rOK(), "SELECT", "9")
	e.is(t, rInt(0), "DBSIZE")
	e.is(t, rNull2, "RANDOMKEY")
	e.do(t, "HELLO", "3")
	e.is(t, "_\r\n", "RANDOMKEY")
	e.is(t, rErr(errs.WrongArity("dbsize")), "DBSIZE", "x")
	// Only expired keys: RANDOMKEY reclaims them and finds nothing.
	e.is(t, rOK(), "SET", "e1", "1", "PX", "1")
	e.is(t, rOK(), "SET", "e2", "1", "PX", "1")
	time.Sleep(5 * time.Millisecond)
	e.is(t, "_\r\n", "RANDOMKEY")
}

func TestFlush(t *testing.T) {
	e := newKeysEnv(t)
	fill := func() {
		for _, db := range []string{"0", "1"} {
			e.is(t, rOK(), "SELECT", db)
			e.is(t, rOK(), "SET", "a", "1")
			e.is(t, rOK(), "SET", "b", "1")
		}
		e.is(t, rOK(), "SELECT", "0")
	}
	dbsize := func(db string) int64 {
		e.is(t, rOK(), "SELECT", db)
		n := intOf(t, e.do(t, "DBSIZE"))
		e.is(t, rOK(), "SELECT", "0")
		return n
	}
	for _, args := range [][]string{{"FLUSHDB", "x"}, {"FLUSHDB", "SYNC", "ASYNC"}, {"FLUSHALL", "foo"}, {"FLUSHALL", "ASYNC", "ASYNC"}} {
		e.is(t, rErr(errs.Syntax), args...)
	}
	for _, opt := range [][]string{nil, {"SYNC"}, {"async"}} {
		fill()
		e.is(t, rOK(), append([]string{"FLUSHDB"}, opt...)...)
		if dbsize("0") != 0 || dbsize("1") != 2 {
			t.Fatalf("FLUSHDB %v", opt)
		}
		fill()
		e.is(t, rOK(), append([]string{"FLUSHALL"}, opt...)...)
		if dbsize("0") != 0 || dbsize("1") != 0 {
			t.Fatalf("FLUSHALL %v", opt)
		}
	}
}

func TestSwapdb(t *testing.T) {
	e := newKeysEnv(t)
	e.is(t, rErr(errs.InvalidFirstDB), "SWAPDB", "a", "1")
	e.is(t, rErr(errs.InvalidSecondDB), "SWAPDB", "1", "a")
	e.is(t, rErr(errs.InvalidFirstDB), "SWAPDB", "a", "b")
	e.is(t, rErr(errs.InvalidSecondDB), "SWAPDB", "0", "2147483648")
	e.is(t, rErr(errs.DBIndexRange), "SWAPDB", "0", "16")
	e.is(t, rErr(errs.DBIndexRange), "SWAPDB", "-1", "0")
	e.is(t, rOK(), "SWAPDB", "0", "0")
	e.is(t, rOK(), "SET", "k", "zero")
	other := servertest.Dial(t, e.srv)
	if got := other.Do("SELECT", "1"); got != rOK() {
		t.Fatal(got)
	}
	if got := other.Do("SET", "k", "one"); got != rOK() {
		t.Fatal(got)
	}
	e.is(t, rOK(), "SWAPDB", "0", "1")
	// Clients stay on their db number and see the other contents.
	e.is(t, rBulk("one"), "GET", "k")
	if got := other.Do("GET", "k"); got != rBulk("zero") {
		t.Fatalf("db1 after swap: %q", got)
	}
	e.is(t, rOK(), "SWAPDB", "1", "0")
	e.is(t, rBulk("zero"), "GET", "k")
	e.is(t, rErr(errs.WrongArity("swapdb")), "SWAPDB", "0")
}

// TestActiveExpiry: keys with a short TTL disappear without being
// accessed.
func TestActiveExpiry(t *testing.T) {
	e := newKeysEnv(t)
	for i := 0; i < 200; i++ {
		// Long enough that all 200 are set before any expires (race builds are slow).
		e.is(t, rOK(), "SET", fmt.Sprint("short:", i), "v", "PX", "1000")
	}
	e.is(t, rOK(), "SET", "long", "v", "EX", "1000")
	e.is(t, rInt(201), "DBSIZE")
	deadline := time.Now().Add(10 * time.Second)
	for {
		n := intOf(t, e.do(t, "DBSIZE"))
		if n == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("DBSIZE still %d after 10s", n)
		}
		time.Sleep(20 * time.Millisecond)
	}
	e.is(t, rInt(1), "EXISTS", "long")
}

// TestConcurrentKeyspace runs the per-key commands and whole-database
// ones from many clients at once (for the race detector and lock order).
func TestConcurrentKeyspace(t *testing.T) {
	e := newKeysEnv(t)
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := servertest.Dial(t, e.srv)
			for i := 0; i < 200; i++ {
				k := fmt.Sprint("w", w, ":", i%20)
				r.Do("SET", k, "v")
				r.Do("EXPIRE", k, "100")
				r.Do("RENAME", k, k+"x")
				r.Do("COPY", k+"x", k, "DB", "2")
				r.Do("MOVE", k+"x", "3")
				r.Do("SCAN", "0", "COUNT", "3")
				r.Do("DBSIZE")
				if i%50 == 0 {
					r.Do("SWAPDB", "2", "3")
					r.Do("KEYS", "w*")
					r.Do("RANDOMKEY")
				}
			}
		}()
	}
	wg.Wait()
	e.is(t, rOK(), "FLUSHALL")
}

// TestImportModeStopsActiveExpiry: in import mode the active cycle leaves
// expired keys alone (the import source owns their expiry); once import
// mode is off they are reclaimed.
func TestImportModeStopsActiveExpiry(t *testing.T) {
	e := newKeysEnv(t)
	e.is(t, rOK(), "CONFIG", "SET", "hz", "100", "import-mode", "yes")
	for i := 0; i < 20; i++ {
		e.is(t, rOK(), "SET", fmt.Sprint("k", i), "v", "PX", "1")
	}
	time.Sleep(300 * time.Millisecond) // some 30 cron cycles
	e.is(t, rInt(20), "DBSIZE")
	e.is(t, rInt(0), "EXISTS", "k0")
	e.is(t, rInt(20), "DBSIZE") // a read does not delete either
	e.is(t, rOK(), "CONFIG", "SET", "import-mode", "no")
	deadline := time.Now().Add(10 * time.Second)
	for intOf(t, e.do(t, "DBSIZE")) != 0 {
		if time.Now().After(deadline) {
			t.Fatal("expired keys not reclaimed after import mode ended")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
