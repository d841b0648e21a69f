package commands

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"petrel/internal/errs"
	"petrel/internal/keyspace"
	"petrel/internal/resp"
	"petrel/internal/server"
	"petrel/internal/servertest"
)

// hashEnv is a server with every family, go-redis clients (RESP2 and
// RESP3) and raw connections in both protocols for byte-exact replies.
type hashEnv struct {
	srv  *server.Server
	rdb  *redis.Client // RESP2
	rdb3 *redis.Client // RESP3
	raw  *servertest.Raw
	raw3 *servertest.Raw
	ctx  context.Context
}

func newHashEnv(t *testing.T) *hashEnv {
	t.Helper()
	srv := servertest.Start(t, func(st *server.Settings) { st.EnableDebugCommand = "yes" }, Register)
	e := &hashEnv{
		srv:  srv,
		rdb:  servertest.Client(t, srv, 2),
		rdb3: servertest.Client(t, srv, 3),
		raw:  servertest.Dial(t, srv),
		raw3: servertest.Dial(t, srv),
		ctx:  context.Background(),
	}
	if got := e.raw3.Do("HELLO", "3"); !strings.HasPrefix(got, "%") {
		t.Fatalf("HELLO 3: %q", got)
	}
	return e
}

// is sends a command on the RESP2 raw connection and checks the reply.
func (e *hashEnv) is(t *testing.T, want string, args ...string) {
	t.Helper()
	if got := e.raw.Do(args...); got != want {
		t.Fatalf("%s: got %q, want %q", strings.Join(args, " "), got, want)
	}
}

// is3 is "is" on the RESP3 connection.
func (e *hashEnv) is3(t *testing.T, want string, args ...string) {
	t.Helper()
	if got := e.raw3.Do(args...); got != want {
		t.Fatalf("RESP3 %s: got %q, want %q", strings.Join(args, " "), got, want)
	}
}

func (e *hashEnv) encoding(t *testing.T, key string) string {
	t.Helper()
	got := e.raw.Do("OBJECT", "ENCODING", key)
	if !strings.HasPrefix(got, "$") {
		t.Fatalf("OBJECT ENCODING %s: %q", key, got)
	}
	return strings.Split(got, "\r\n")[1]
}

func hInt(n int64) string   { return ":" + strconv.FormatInt(n, 10) + "\r\n" }
func hBulk(s string) string { return "$" + strconv.Itoa(len(s)) + "\r\n" + s + "\r\n" }
func hErr(err error) string { return "-" + errs.Text(err) + "\r\n" }
func hArr(items ...string) string {
	return "*" + strconv.Itoa(len(items)) + "\r\n" + strings.Join(items, "")
}
func hInts(ns ...int64) string {
	var items []string
	for _, n := range ns {
		items = append(items, hInt(n))
	}
	return hArr(items...)
}

const hNull = "$-1\r\n"

// waitFor polls cond every 10 ms for up to 3 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestHashBasicsGoRedis(t *testing.T) {
	e := newHashEnv(t)
	for _, rdb := range []*redis.Client{e.rdb, e.rdb3} {
		rdb.FlushAll(e.ctx)
		if n := rdb.HSet(e.ctx, "h", "a", "1", "b", "2").Val(); n != 2 {
			t.Fatalf("HSET created %d", n)
		}
		if n := rdb.HSet(e.ctx, "h", "a", "3", "c", "4").Val(); n != 1 {
			t.Fatalf("HSET created %d", n)
		}
		if v := rdb.HGet(e.ctx, "h", "a").Val(); v != "3" {
			t.Fatalf("HGET a = %q", v)
		}
		if err := rdb.HGet(e.ctx, "h", "zz").Err(); err != redis.Nil {
			t.Fatalf("HGET missing: %v", err)
		}
		all := rdb.HGetAll(e.ctx, "h").Val()
		if len(all) != 3 || all["a"] != "3" || all["b"] != "2" || all["c"] != "4" {
			t.Fatalf("HGETALL %v", all)
		}
		if k := rdb.HKeys(e.ctx, "h").Val(); strings.Join(k, ",") != "a,b,c" {
			t.Fatalf("HKEYS %v (listpack keeps insertion order)", k)
		}
		if v := rdb.HVals(e.ctx, "h").Val(); strings.Join(v, ",") != "3,2,4" {
			t.Fatalf("HVALS %v", v)
		}
		if vs := rdb.HMGet(e.ctx, "h", "a", "zz", "c").Val(); vs[0] != "3" || vs[1] != nil || vs[2] != "4" {
			t.Fatalf("HMGET %v", vs)
		}
		if n := rdb.HLen(e.ctx, "h").Val(); n != 3 {
			t.Fatalf("HLEN %d", n)
		}
		if n := rdb.HStrLen(e.ctx, "h", "a").Val(); n != 1 {
			t.Fatalf("HSTRLEN %d", n)
		}
		if !rdb.HExists(e.ctx, "h", "a").Val() || rdb.HExists(e.ctx, "h", "zz").Val() {
			t.Fatal("HEXISTS")
		}
		if ok := rdb.HSetNX(e.ctx, "h", "a", "x").Val(); ok {
			t.Fatal("HSETNX over an existing field")
		}
		if ok := rdb.HSetNX(e.ctx, "h", "d", "x").Val(); !ok {
			t.Fatal("HSETNX new field")
		}
		if n := rdb.HIncrBy(e.ctx, "h", "a", 7).Val(); n != 10 {
			t.Fatalf("HINCRBY %d", n)
		}
		if f := rdb.HIncrByFloat(e.ctx, "h", "f", 2.5).Val(); f != 2.5 {
			t.Fatalf("HINCRBYFLOAT %v", f)
		}
		if n := rdb.HDel(e.ctx, "h", "a", "b", "zz").Val(); n != 2 {
			t.Fatalf("HDEL %d", n)
		}
		if err := rdb.HMSet(e.ctx, "m", "x", "1").Err(); err != nil {
			t.Fatal(err)
		}
		if n := rdb.HDel(e.ctx, "m", "x").Val(); n != 1 || rdb.Exists(e.ctx, "m").Val() != 0 {
			t.Fatal("an emptied hash must be deleted")
		}
		if rdb.Type(e.ctx, "h").Val() != "hash" {
			t.Fatal("TYPE")
		}
	}
}

func TestHashRawRepliesAndErrors(t *testing.T) {
	e := newHashEnv(t)
	e.is(t, hInt(2), "HSET", "h", "a", "1", "b", "2")
	e.is(t, "+OK\r\n", "HMSET", "h", "c", "3")
	e.is(t, hErr(errs.WrongArity("hset")), "HSET", "h", "a", "1", "b")
	e.is(t, hErr(errs.WrongArity("hmset")), "HMSET", "h", "a", "1", "b")
	e.is(t, hArr(hBulk("a"), hBulk("1"), hBulk("b"), hBulk("2"), hBulk("c"), hBulk("3")), "HGETALL", "h")
	e.is3(t, "%3\r\n"+hBulk("a")+hBulk("1")+hBulk("b")+hBulk("2")+hBulk("c")+hBulk("3"), "HGETALL", "h")
	e.is(t, "*0\r\n", "HGETALL", "nokey")
	e.is3(t, "%0\r\n", "HGETALL", "nokey")
	e.is3(t, "_\r\n", "HGET", "h", "zz")
	e.is(t, hNull, "HGET", "h", "zz")
	e.is(t, hArr(hBulk("1"), hNull), "HMGET", "h", "a", "zz")
	e.is(t, "*0\r\n", "HKEYS", "nokey")

	e.is(t, "+OK\r\n", "SET", "s", "v")
	for _, args := range [][]string{
		{"HSET", "s", "a", "1"}, {"HGET", "s", "a"}, {"HMGET", "s", "a"}, {"HLEN", "s"},
		{"HGETALL", "s"}, {"HINCRBY", "s", "a", "1"}, {"HRANDFIELD", "s"}, {"HSCAN", "s", "0"},
		{"HEXPIRE", "s", "1", "FIELDS", "1", "a"}, {"HTTL", "s", "FIELDS", "1", "a"},
		{"HGETEX", "s", "FIELDS", "1", "a"}, {"HSETEX", "s", "FIELDS", "1", "a", "b"},
	} {
		e.is(t, hErr(errs.WrongType), args...)
	}
	// HPERSIST writes its array header before checking the type, as
	// Valkey 9 does.
	e.is(t, "*1\r\n"+hErr(errs.WrongType), "HPERSIST", "s", "FIELDS", "1", "a")

	e.is(t, hInt(1), "HSET", "n", "s", "abc")
	e.is(t, hErr(errs.HashValueNotInt), "HINCRBY", "n", "s", "1")
	e.is(t, hErr(errs.HashValueNotFloat), "HINCRBYFLOAT", "n", "s", "1")
	e.is(t, hErr(errs.NotInteger), "HINCRBY", "n", "x", "1.5")
	e.is(t, hErr(errs.NotFloat), "HINCRBYFLOAT", "n", "x", "nan")
	e.is(t, hErr(errs.HashIncrNaNOrInf), "HINCRBYFLOAT", "n", "x", "inf")
	e.is(t, hInt(1), "HSET", "n", "big", "9223372036854775807")
	e.is(t, hErr(errs.Overflow), "HINCRBY", "n", "big", "1")
	e.is(t, hInt(1), "HSET", "n", "huge", "1e4932")
	e.is(t, hErr(errs.IncrNaNOrInf), "HINCRBYFLOAT", "n", "huge", "1e4932")
	e.is(t, hBulk("5.1"), "HINCRBYFLOAT", "n", "f", "5.1")
	e.is(t, hBulk("5.2"), "HINCRBYFLOAT", "n", "f", "0.1")
}

func TestHashIncrByFloatFormatting(t *testing.T) {
	e := newHashEnv(t)
	for _, c := range []struct{ incr, want string }{
		{"10.5", "10.5"}, {"0.1", "10.6"}, {"-10.6", "0"}, {"1e10", "10000000000"},
		{"5.0e3", "10000005000"}, {"-10000005000.5", "-0.5"},
	} {
		e.is(t, hBulk(c.want), "HINCRBYFLOAT", "h", "f", c.incr)
	}
	e.is(t, hInt(1), "HSET", "h", "i", "7")
	e.is(t, hBulk("7.25"), "HINCRBYFLOAT", "h", "i", "0.25")
}

func TestHashEncodingDefaults(t *testing.T) {
	e := newHashEnv(t)
	// 512 entries stay listpack, the 513th converts.
	args := []string{"HSET", "h"}
	for i := 0; i < 512; i++ {
		args = append(args, fmt.Sprint("f", i), "v")
	}
	e.is(t, hInt(512), args...)
	if enc := e.encoding(t, "h"); enc != "listpack" {
		t.Fatalf("512 fields: %s", enc)
	}
	e.is(t, hInt(1), "HSET", "h", "one-more", "v")
	if enc := e.encoding(t, "h"); enc != "hashtable" {
		t.Fatalf("513 fields: %s", enc)
	}
	// 64-byte values stay listpack, 65 converts; fields too.
	e.is(t, hInt(1), "HSET", "v", "f", strings.Repeat("x", 64))
	if enc := e.encoding(t, "v"); enc != "listpack" {
		t.Fatalf("64-byte value: %s", enc)
	}
	e.is(t, hInt(0), "HSET", "v", "f", strings.Repeat("x", 65))
	if enc := e.encoding(t, "v"); enc != "hashtable" {
		t.Fatalf("65-byte value: %s", enc)
	}
	e.is(t, hInt(1), "HSET", "k", strings.Repeat("k", 65), "v")
	if enc := e.encoding(t, "k"); enc != "hashtable" {
		t.Fatalf("65-byte field: %s", enc)
	}
	// HINCRBYFLOAT's result counts like any value.
	e.is(t, hInt(1), "HSET", "fl", "x", "1")
	e.rdb.HIncrByFloat(e.ctx, "fl", "x", 1e-60)
	if enc := e.encoding(t, "fl"); enc != "listpack" {
		t.Fatalf("a 64-char float: %s", enc)
	}
	// A field TTL converts; a hashtable never converts back.
	e.is(t, hInt(1), "HSET", "t", "a", "1")
	e.is(t, hInts(1), "HEXPIRE", "t", "100", "FIELDS", "1", "a")
	if enc := e.encoding(t, "t"); enc != "hashtable" {
		t.Fatalf("with a field TTL: %s", enc)
	}
	e.is(t, hInts(1), "HPERSIST", "t", "FIELDS", "1", "a")
	if enc := e.encoding(t, "t"); enc != "hashtable" {
		t.Fatalf("after HPERSIST: %s", enc)
	}
}

func TestHashEncodingConfigured(t *testing.T) {
	e := newHashEnv(t)
	e.is(t, "+OK\r\n", "CONFIG", "SET", "hash-max-listpack-entries", "4", "hash-max-listpack-value", "8")
	e.is(t, hInt(4), "HSET", "h", "a", "1", "b", "2", "c", "3", "d", "4")
	if enc := e.encoding(t, "h"); enc != "listpack" {
		t.Fatal(enc)
	}
	e.is(t, hInt(1), "HSETNX", "h", "e", "5")
	if enc := e.encoding(t, "h"); enc != "hashtable" {
		t.Fatal(enc)
	}
	// More pairs than the limit convert before writing, duplicates or not.
	e.is(t, hInt(1), "HSET", "d", "a", "1", "a", "2", "a", "3", "a", "4", "a", "5")
	if enc := e.encoding(t, "d"); enc != "hashtable" {
		t.Fatal(enc)
	}
	e.is(t, hInt(1), "HSET", "n", "a", "9999999")
	e.is(t, hInt(109999998), "HINCRBY", "n", "a", "99999999")
	if enc := e.encoding(t, "n"); enc != "hashtable" {
		t.Fatalf("a 9-byte HINCRBY result: %s", enc)
	}
	e.is(t, hInt(1), "HSETEX", "x", "FIELDS", "1", "a", "123456789")
	if enc := e.encoding(t, "x"); enc != "hashtable" {
		t.Fatal(enc)
	}
	e.is(t, "+OK\r\n", "CONFIG", "SET", "hash-max-listpack-entries", "512", "hash-max-listpack-value", "64")
}

func TestHashFieldExpireCodes(t *testing.T) {
	e := newHashEnv(t)
	e.is(t, hInt(3), "HSET", "h", "a", "1", "b", "2", "c", "3")
	// Listpack: XX and GT fail without converting.
	e.is(t, hInts(0, -2), "HEXPIRE", "h", "100", "XX", "FIELDS", "2", "a", "zz")
	e.is(t, hInts(0), "HEXPIRE", "h", "100", "GT", "FIELDS", "1", "a")
	if enc := e.encoding(t, "h"); enc != "listpack" {
		t.Fatal(enc)
	}
	e.is(t, hInts(1, 1), "HEXPIRE", "h", "100", "NX", "FIELDS", "2", "a", "b")
	e.is(t, hInts(0), "HEXPIRE", "h", "200", "NX", "FIELDS", "1", "a")
	e.is(t, hInts(1), "HEXPIRE", "h", "200", "GT", "FIELDS", "1", "a")
	e.is(t, hInts(0), "HEXPIRE", "h", "150", "GT", "FIELDS", "1", "a")
	e.is(t, hInts(1), "HEXPIRE", "h", "150", "LT", "FIELDS", "1", "a")
	e.is(t, hInts(1), "HEXPIRE", "h", "50", "LT", "FIELDS", "1", "c")
	e.is(t, hInts(2), "HEXPIRE", "h", "0", "FIELDS", "1", "c")
	ttls := e.rdb.Do(e.ctx, "HTTL", "h", "FIELDS", "3", "a", "b", "c").Val().([]any)
	if a, b := ttls[0].(int64), ttls[1].(int64); a < 149 || a > 150 || b < 99 || b > 100 || ttls[2].(int64) != -2 {
		t.Fatalf("HTTL %v", ttls)
	}
	e.is(t, hInts(1, 1, -2), "HPERSIST", "h", "FIELDS", "3", "a", "b", "c")
	e.is(t, hInts(-1), "HPERSIST", "h", "FIELDS", "1", "a")
	e.is(t, hErr(errs.NumFields), "HEXPIRE", "h", "10", "FIELDS", "2", "a")
	e.is(t, hErr(errs.NumFields), "HEXPIRE", "h", "10", "1", "a", "b")
	e.is(t, hErr(errs.InvalidExpireIn("hpexpire")), "HPEXPIRE", "h", "-1", "FIELDS", "1", "a")
	e.is(t, hErr(errs.UnsupportedOption("BAD")), "HEXPIRE", "h", "10", "BAD", "FIELDS", "1", "a")
	e.is(t, hErr(errs.ExpireNXXX), "HEXPIRE", "h", "10", "NX", "LT", "FIELDS", "1", "a")
	e.is(t, hErr(errs.ExpireGTLT), "HEXPIRE", "h", "10", "GT", "LT", "FIELDS", "1", "a")
	e.is(t, hErr(errs.Syntax), "HTTL", "h", "FIELDS", "2", "a")
	e.is(t, hErr(errs.NumFields), "HPERSIST", "h", "FIELDS", "2", "a")
}

func TestHashFieldTTLs(t *testing.T) {
	e := newHashEnv(t)
	now := time.Now().Unix()
	e.is(t, hInt(2), "HSET", "h", "a", "1", "b", "2")
	e.is(t, hInts(1), "HEXPIREAT", "h", strconv.FormatInt(now+1000, 10), "FIELDS", "1", "a")
	e.is(t, hInts(now+1000, -1, -2), "HEXPIRETIME", "h", "FIELDS", "3", "a", "b", "c")
	e.is(t, hInts((now+1000)*1000), "HPEXPIRETIME", "h", "FIELDS", "1", "a")
	ttl := e.rdb.Do(e.ctx, "HTTL", "h", "FIELDS", "1", "a").Val().([]any)[0].(int64)
	if ttl < 998 || ttl > 1000 {
		t.Fatalf("HTTL %d", ttl)
	}
	pttl := e.rdb3.Do(e.ctx, "HPTTL", "h", "FIELDS", "1", "a").Val().([]any)[0].(int64)
	if pttl < 998000 || pttl > 1000000 {
		t.Fatalf("HPTTL %d", pttl)
	}
	// HSET clears the TTL, HINCRBY keeps it.
	e.is(t, hInts(1), "HPEXPIRE", "h", "100000", "FIELDS", "1", "b")
	e.is(t, hInt(3), "HINCRBY", "h", "b", "1")
	if v := e.rdb.Do(e.ctx, "HTTL", "h", "FIELDS", "1", "b").Val().([]any)[0].(int64); v < 99 {
		t.Fatalf("HINCRBY lost the TTL: %d", v)
	}
	e.is(t, hInt(0), "HSET", "h", "b", "5")
	e.is(t, hInts(-1), "HTTL", "h", "FIELDS", "1", "b")

	// HSETEX
	e.is(t, hInt(1), "HSETEX", "x", "PX", "100000", "FIELDS", "2", "a", "1", "b", "2")
	e.is(t, hInt(0), "HSETEX", "x", "FNX", "FIELDS", "1", "a", "9")
	e.is(t, hInt(0), "HSETEX", "x", "FXX", "FIELDS", "2", "a", "9", "zz", "9")
	e.is(t, hInt(1), "HSETEX", "x", "FXX", "KEEPTTL", "FIELDS", "1", "a", "9")
	e.is(t, hBulk("9"), "HGET", "x", "a")
	if v := e.rdb.Do(e.ctx, "HPTTL", "x", "FIELDS", "1", "a").Val().([]any)[0].(int64); v < 90000 {
		t.Fatalf("KEEPTTL lost the TTL: %d", v)
	}
	e.is(t, hInt(1), "HSETEX", "x", "FIELDS", "1", "a", "10")
	e.is(t, hInts(-1), "HTTL", "x", "FIELDS", "1", "a")
	e.is(t, hInt(1), "HSETEX", "x", "EX", "0", "FIELDS", "2", "a", "x", "b", "x")
	e.is(t, hInt(0), "EXISTS", "x")
	e.is(t, hErr(errs.Syntax), "HSETEX", "x", "NX", "FIELDS", "1", "a", "b")
	e.is(t, hErr(errs.NumFields), "HSETEX", "x", "FIELDS", "2", "a", "b")
	e.is(t, hErr(errs.InvalidExpireIn("hsetex")), "HSETEX", "x", "EX", "-1", "FIELDS", "1", "a", "b")
	e.is(t, hErr(errs.NotInteger), "HSETEX", "fields", "FIELDS", "1", "a", "b")

	// HGETEX
	e.is(t, hInt(3), "HSET", "g", "a", "1", "b", "2", "c", "3")
	e.is(t, hArr(hBulk("1"), hNull), "HGETEX", "g", "EX", "100", "FIELDS", "2", "a", "zz")
	e.is(t, hInts(100, -1), "HTTL", "g", "FIELDS", "2", "a", "b")
	e.is(t, hArr(hBulk("1")), "HGETEX", "g", "PERSIST", "FIELDS", "1", "a")
	e.is(t, hInts(-1), "HTTL", "g", "FIELDS", "1", "a")
	e.is(t, hArr(hBulk("1"), hBulk("2")), "HGETEX", "g", "PXAT", "1", "FIELDS", "2", "a", "b")
	e.is(t, hArr(hNull, hNull, hBulk("3")), "HMGET", "g", "a", "b", "c")
	e.is(t, hArr(hBulk("3")), "HGETEX", "g", "EXAT", "1", "FIELDS", "1", "c")
	e.is(t, hInt(0), "EXISTS", "g")
	e.is(t, hErr(errs.Syntax), "HGETEX", "g", "KEEPTTL", "FIELDS", "1", "a")
	e.is(t, hErr(errs.NumFields), "HGETEX", "g", "FIELDS", "0", "a")
}

func TestHashFieldExpiryIsInvisible(t *testing.T) {
	e := newHashEnv(t)
	e.is(t, "+OK\r\n", "DEBUG", "SET-ACTIVE-EXPIRE", "0")
	defer e.raw.Do("DEBUG", "SET-ACTIVE-EXPIRE", "1")
	e.is(t, hInt(3), "HSET", "h", "a", "1", "b", "2", "c", "3")
	e.is(t, hInts(1, 1), "HPEXPIRE", "h", "1", "FIELDS", "2", "a", "b")
	time.Sleep(20 * time.Millisecond)
	e.is(t, hNull, "HGET", "h", "a")
	e.is(t, hArr(hNull, hNull, hBulk("3")), "HMGET", "h", "a", "b", "c")
	e.is(t, hInt(0), "HEXISTS", "h", "a")
	e.is(t, hInt(0), "HSTRLEN", "h", "a")
	e.is(t, hArr(hBulk("c"), hBulk("3")), "HGETALL", "h")
	e.is3(t, "%1\r\n"+hBulk("c")+hBulk("3"), "HGETALL", "h")
	e.is(t, hArr(hBulk("c")), "HKEYS", "h")
	e.is(t, hArr(hBulk("0"), hArr(hBulk("c"), hBulk("3"))), "HSCAN", "h", "0")
	e.is(t, hBulk("c"), "HRANDFIELD", "h")
	e.is(t, hArr(hBulk("c")), "HRANDFIELD", "h", "5")
	e.is(t, hInts(-2, -2, -1), "HTTL", "h", "FIELDS", "3", "a", "b", "c")
	e.is(t, hInt(0), "HDEL", "h", "a")
	// Not reclaimed yet: HLEN counts them, as Valkey's does.
	e.is(t, hInt(3), "HLEN", "h")
	// A write over an expired field replaces it (an addition).
	e.is(t, hInt(1), "HSET", "h", "a", "new")
	e.is(t, hInt(3), "HLEN", "h")
	e.is(t, hInt(1), "HSETNX", "h", "b", "new")
	e.is(t, hInts(-1, -1), "HTTL", "h", "FIELDS", "2", "a", "b")

	// Every field expired: the key stays (reads see an empty hash) until
	// the active cycle runs.
	e.is(t, hInt(1), "HSET", "all", "x", "1")
	e.is(t, hInts(1), "HPEXPIRE", "all", "1", "FIELDS", "1", "x")
	time.Sleep(20 * time.Millisecond)
	e.is(t, hInt(1), "EXISTS", "all")
	e.is(t, "*0\r\n", "HGETALL", "all")
	e.is(t, hNull, "HRANDFIELD", "all")
	e.is(t, "*0\r\n", "HRANDFIELD", "all", "-3")
	e.is(t, "+OK\r\n", "DEBUG", "SET-ACTIVE-EXPIRE", "1")
	waitFor(t, "the active cycle to delete the key", func() bool { return e.raw.Do("EXISTS", "all") == hInt(0) })
	waitFor(t, "the active cycle to reclaim nothing more", func() bool { return e.raw.Do("HLEN", "h") == hInt(3) })
}

func TestHashFieldExpiryActiveCycle(t *testing.T) {
	e := newHashEnv(t)
	ks := e.srv.Keyspace()
	before := ks.Stats.ExpiredFields.Load()
	// Many hashes, in every shard, with fields expiring soon.
	for i := 0; i < 200; i++ {
		k := fmt.Sprint("h", i)
		e.is(t, hInt(3), "HSET", k, "a", "1", "b", "2", "keep", "3")
		e.is(t, hInts(1, 1), "HPEXPIRE", k, "1500", "FIELDS", "2", "a", "b")
	}
	e.is(t, hInt(1), "HSET", "gone", "x", "1")
	e.is(t, hInts(1), "HPEXPIRE", "gone", "1500", "FIELDS", "1", "x")
	if n := ks.KeysWithVolatileItems(0); n != 201 {
		t.Fatalf("keys with volatile items: %d", n)
	}
	waitFor(t, "fields to be reclaimed", func() bool {
		for i := 0; i < 200; i++ {
			if e.raw.Do("HLEN", fmt.Sprint("h", i)) != hInt(1) {
				return false
			}
		}
		return e.raw.Do("EXISTS", "gone") == hInt(0)
	})
	if got := ks.Stats.ExpiredFields.Load() - before; got != 401 {
		t.Fatalf("expired fields %d", got)
	}
	if n := ks.KeysWithVolatileItems(0); n != 0 {
		t.Fatalf("keys with volatile items after reclaim: %d", n)
	}
	e.is(t, hArr(hBulk("keep"), hBulk("3")), "HGETALL", "h7")

	// Tracking follows the key: RENAME, MOVE, COPY, overwrite, DEL, FLUSHALL.
	e.is(t, hInt(1), "HSET", "r", "a", "1")
	e.is(t, hInts(1), "HPEXPIRE", "r", "100000", "FIELDS", "1", "a")
	e.is(t, "+OK\r\n", "RENAME", "r", "r2")
	e.is(t, hInt(1), "COPY", "r2", "r3")
	if n := ks.KeysWithVolatileItems(0); n != 2 {
		t.Fatalf("after RENAME+COPY: %d", n)
	}
	e.is(t, hInt(1), "MOVE", "r3", "1")
	if n0, n1 := ks.KeysWithVolatileItems(0), ks.KeysWithVolatileItems(1); n0 != 1 || n1 != 1 {
		t.Fatalf("after MOVE: %d %d", n0, n1)
	}
	e.is(t, "+OK\r\n", "SET", "r2", "string")
	if n := ks.KeysWithVolatileItems(0); n != 0 {
		t.Fatalf("after overwrite: %d", n)
	}
	e.is(t, "+OK\r\n", "SWAPDB", "0", "1")
	if n := ks.KeysWithVolatileItems(0); n != 1 {
		t.Fatalf("after SWAPDB: %d", n)
	}
	e.is(t, hInts(1), "HPEXPIRE", "r3", "1", "FIELDS", "1", "a")
	waitFor(t, "the swapped key's field to expire", func() bool { return e.raw.Do("EXISTS", "r3") == hInt(0) })
	e.is(t, hInt(1), "HSET", "f", "a", "1")
	e.is(t, hInts(1), "HPEXPIRE", "f", "100000", "FIELDS", "1", "a")
	e.is(t, "+OK\r\n", "FLUSHALL")
	if n := ks.KeysWithVolatileItems(0); n != 0 {
		t.Fatalf("after FLUSHALL: %d", n)
	}
}

func TestHashRandField(t *testing.T) {
	e := newHashEnv(t)
	e.is(t, hNull, "HRANDFIELD", "nokey")
	e.is3(t, "_\r\n", "HRANDFIELD", "nokey")
	e.is(t, "*0\r\n", "HRANDFIELD", "nokey", "3")
	for _, big := range []bool{false, true} {
		key := fmt.Sprint("h", big)
		args := []string{"HSET", key}
		n := 5
		if big {
			n = 600
		}
		for i := 0; i < n; i++ {
			args = append(args, fmt.Sprint("f", i), fmt.Sprint("v", i))
		}
		e.rdb.Do(e.ctx, toAny(args)...)
		for _, count := range []int{1, 3, n - 1, n, n + 5} {
			fs := e.rdb.HRandField(e.ctx, key, count).Val()
			if len(fs) != min(count, n) {
				t.Fatalf("big=%v count %d: %d fields", big, count, len(fs))
			}
			seen := map[string]bool{}
			for _, f := range fs {
				if seen[f] {
					t.Fatalf("big=%v count %d: duplicate %s", big, count, f)
				}
				seen[f] = true
			}
		}
		if fs := e.rdb.HRandField(e.ctx, key, -20).Val(); len(fs) != 20 {
			t.Fatalf("negative count: %d", len(fs))
		}
		kvs := e.rdb.HRandFieldWithValues(e.ctx, key, 3).Val()
		for _, kv := range kvs {
			if "v"+kv.Key[1:] != kv.Value {
				t.Fatalf("pair %v", kv)
			}
		}
		kvs = e.rdb3.HRandFieldWithValues(e.ctx, key, -4).Val()
		if len(kvs) != 4 {
			t.Fatalf("RESP3 pairs %v", kvs)
		}
	}
	// Shapes: RESP2 flat, RESP3 nested pairs.
	e.is(t, hInt(1), "HSET", "one", "f", "v")
	e.is(t, hArr(hBulk("f"), hBulk("v"), hBulk("f"), hBulk("v")), "HRANDFIELD", "one", "-2", "WITHVALUES")
	e.is3(t, hArr(hArr(hBulk("f"), hBulk("v")), hArr(hBulk("f"), hBulk("v"))), "HRANDFIELD", "one", "-2", "WITHVALUES")
	e.is(t, "*0\r\n", "HRANDFIELD", "one", "0", "WITHVALUES")
	e.is(t, hErr(errs.HRandCountRange), "HRANDFIELD", "one", "-9223372036854775808")
	e.is(t, hErr(errs.HRandValuesRange), "HRANDFIELD", "one", "4611686018427387904", "WITHVALUES")
	e.is(t, hErr(errs.Syntax), "HRANDFIELD", "one", "1", "WITHSCORES")
	e.is(t, hErr(errs.NotInteger), "HRANDFIELD", "one", "x")
}

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

func TestHashScan(t *testing.T) {
	e := newHashEnv(t)
	e.is(t, hArr(hBulk("0"), "*0\r\n"), "HSCAN", "nokey", "0", "COUNT", "0")
	e.is(t, hInt(2), "HSET", "lp", "ab", "1", "cd", "2")
	e.is(t, hArr(hBulk("0"), hArr(hBulk("ab"), hBulk("1"), hBulk("cd"), hBulk("2"))), "HSCAN", "lp", "0", "COUNT", "1")
	e.is(t, hArr(hBulk("0"), hArr(hBulk("cd"))), "HSCAN", "lp", "0", "MATCH", "c*", "NOVALUES")
	e.is(t, hErr(errs.InvalidCursor), "HSCAN", "lp", "x")
	e.is(t, hErr(errs.Syntax), "HSCAN", "lp", "0", "COUNT", "0")
	e.is(t, hErr(errs.Syntax), "HSCAN", "lp", "0", "TYPE", "hash")
	e.is(t, hErr(errs.ScanNoScores), "HSCAN", "lp", "0", "NOSCORES")
	// A hashtable: a full iteration returns every field exactly as often
	// as the guarantee allows (at least once), however small the COUNT.
	args := []string{"HSET", "big"}
	for i := 0; i < 2000; i++ {
		args = append(args, fmt.Sprint("f", i), "v")
	}
	e.rdb.Do(e.ctx, toAny(args)...)
	seen := map[string]bool{}
	var cursor uint64
	for iter := 0; ; iter++ {
		keys, next, err := e.rdb.HScan(e.ctx, "big", cursor, "", 7).Result()
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < len(keys); i += 2 {
			seen[keys[i]] = true
		}
		if cursor = next; cursor == 0 {
			break
		}
		if iter > 100000 {
			t.Fatal("HSCAN does not end")
		}
	}
	if len(seen) != 2000 {
		t.Fatalf("HSCAN saw %d of 2000", len(seen))
	}
	keys, _ := e.rdb.HScanNoValues(e.ctx, "big", 0, "f1999", 100000).Val()
	if len(keys) != 1 || keys[0] != "f1999" {
		t.Fatalf("MATCH NOVALUES: %v", keys)
	}
}

func TestHashCopyAndObjectCommands(t *testing.T) {
	e := newHashEnv(t)
	e.is(t, hInt(2), "HSET", "h", "a", "1", "b", "2")
	e.is(t, hInts(1), "HEXPIRE", "h", "100", "FIELDS", "1", "a")
	e.is(t, hInt(1), "COPY", "h", "c")
	e.is(t, hInt(1), "HSET", "c", "z", "26")
	e.is(t, hInt(2), "HLEN", "h")
	e.is(t, hInt(3), "HLEN", "c")
	if v := e.rdb.Do(e.ctx, "HTTL", "c", "FIELDS", "1", "a").Val().([]any)[0].(int64); v < 99 {
		t.Fatalf("COPY lost the field TTL: %d", v)
	}
	if e.encoding(t, "c") != "hashtable" {
		t.Fatal("COPY changed the encoding")
	}
	if n := e.rdb.MemoryUsage(e.ctx, "c").Val(); n <= 0 {
		t.Fatalf("MEMORY USAGE %d", n)
	}
	// DEBUG DIGEST-VALUE covers the contents and ignores the order.
	e.is(t, hInt(2), "HSET", "x", "a", "1", "b", "2")
	e.is(t, hInt(2), "HSET", "y", "b", "2", "a", "1")
	dx, dy := e.raw.Do("DEBUG", "DIGEST-VALUE", "x"), e.raw.Do("DEBUG", "DIGEST-VALUE", "y")
	if dx != dy || strings.Contains(dx, strings.Repeat("0", 40)) {
		t.Fatalf("digests %q %q", dx, dy)
	}
}

// BenchmarkHashHandlers measures the HSET/HGET hot paths without the
// network: a 10-field listpack hash and a 1000-field hashtable.
func BenchmarkHashHandlers(b *testing.B) {
	st := server.DefaultSettings()
	srv := server.New(st, Register)
	defer srv.Close()
	ks := srv.Keyspace()
	var w resp.Writer
	c := &server.Ctx{Srv: srv, W: &w}
	run := func(h server.Handler, args [][]byte) {
		c.Args = args
		c.DB = ks.View(0, time.Now().UnixMilli())
		w.Reset()
		m := keyspace.MaskOf(args[1])
		ks.Lock(m)
		h(c)
		ks.Unlock(m)
	}
	for _, size := range []int{10, 1000} {
		key := []byte(fmt.Sprint("hash:", size))
		fields := make([][]byte, size)
		for i := range fields {
			fields[i] = []byte(fmt.Sprint("field:", i))
			run(cmdHSet, [][]byte{[]byte("HSET"), key, fields[i], []byte("value-0123456789")})
		}
		val := []byte("value-0123456789")
		b.Run(fmt.Sprint("HSET/", size), func(b *testing.B) {
			b.ReportAllocs()
			args := [][]byte{[]byte("HSET"), key, nil, val}
			i := 0
			for b.Loop() {
				args[2] = fields[i%size]
				run(cmdHSet, args)
				i++
			}
			if string(w.Buf) != ":0\r\n" {
				b.Fatalf("HSET reply %q", w.Buf)
			}
		})
		b.Run(fmt.Sprint("HGET/", size), func(b *testing.B) {
			b.ReportAllocs()
			args := [][]byte{[]byte("HGET"), key, nil}
			i := 0
			for b.Loop() {
				args[2] = fields[i%size]
				run(cmdHGet, args)
				i++
			}
			if string(w.Buf) != "$16\r\nvalue-0123456789\r\n" {
				b.Fatalf("HGET reply %q", w.Buf)
			}
		})
	}
	b.Run("HSET/new-key", func(b *testing.B) {
		b.ReportAllocs()
		args := [][]byte{[]byte("HSET"), nil, []byte("f"), []byte("v")}
		keys := make([][]byte, 4096)
		for i := range keys {
			keys[i] = []byte(fmt.Sprint("k:", i))
		}
		i := 0
		for b.Loop() {
			args[1] = keys[i%len(keys)]
			run(cmdHSet, args)
			if i%len(keys) == len(keys)-1 {
				b.StopTimer()
				ks.FlushAll(ks.View(0, 0), false)
				b.StartTimer()
			}
			i++
		}
	})
}
