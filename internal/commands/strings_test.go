package commands

import (
	"context"
	"errors"
	"math/big"
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

// strEnv is a server with every family, a go-redis client (RESP2 and
// RESP3) and a raw connection for byte-exact replies.
type strEnv struct {
	srv  *server.Server
	rdb  *redis.Client // RESP2
	rdb3 *redis.Client // RESP3
	raw  *servertest.Raw
	ctx  context.Context
}

func newStrEnv(t *testing.T) *strEnv {
	t.Helper()
	srv := servertest.Start(t, nil, Register)
	return &strEnv{
		srv:  srv,
		rdb:  servertest.Client(t, srv, 2),
		rdb3: servertest.Client(t, srv, 3),
		raw:  servertest.Dial(t, srv),
		ctx:  context.Background(),
	}
}

// is sends a command on the raw connection and checks the raw reply.
func (e *strEnv) is(t *testing.T, want string, args ...string) {
	t.Helper()
	if got := e.raw.Do(args...); got != want {
		t.Fatalf("%s: got %q, want %q", strings.Join(args, " "), got, want)
	}
}

// entry reads what the keyspace holds for key: encoding and expire.
func (e *strEnv) entry(t *testing.T, key string) (enc uint8, expire int64, ok bool) {
	t.Helper()
	ks := e.srv.Keyspace()
	m := keyspace.MaskOf([]byte(key))
	ks.Lock(m)
	defer ks.Unlock(m)
	en, ok := ks.View(0, time.Now().UnixMilli()).Peek([]byte(key))
	if !ok {
		return 0, 0, false
	}
	return en.Encoding(), en.Expire(), true
}

func (e *strEnv) encoding(t *testing.T, key string) string {
	t.Helper()
	enc, _, ok := e.entry(t, key)
	if !ok {
		t.Fatalf("%s: no such key", key)
	}
	return keyspace.EncodingName(enc)
}

// putList stores a non-string value under key, for WRONGTYPE paths.
func (e *strEnv) putList(key string) {
	ks := e.srv.Keyspace()
	m := keyspace.MaskOf([]byte(key))
	ks.Lock(m)
	defer ks.Unlock(m)
	ks.View(0, time.Now().UnixMilli()).SetObject([]byte(key), keyspace.TypeList, keyspace.EncListpack, &struct{ n int }{1}, 0)
}

func sOK() string           { return "+OK\r\n" }
func sInt(n int64) string   { return ":" + strconv.FormatInt(n, 10) + "\r\n" }
func sBulk(s string) string { return "$" + strconv.Itoa(len(s)) + "\r\n" + s + "\r\n" }
func sErr(err error) string { return "-" + errs.Text(err) + "\r\n" }

const sNull = "$-1\r\n"

func TestStringGetSet(t *testing.T) {
	e := newStrEnv(t)
	if _, err := e.rdb.Get(e.ctx, "foo").Result(); err != redis.Nil {
		t.Fatalf("GET missing: %v", err)
	}
	if err := e.rdb.Set(e.ctx, "foo", "bar", 0).Err(); err != nil {
		t.Fatal(err)
	}
	if v := e.rdb.Get(e.ctx, "foo").Val(); v != "bar" {
		t.Fatalf("GET foo = %q", v)
	}
	bin := "\x00\xff\r\n"
	e.rdb.Set(e.ctx, "bin", bin, 0)
	if v := e.rdb.Get(e.ctx, "bin").Val(); v != bin {
		t.Fatalf("GET bin = %q", v)
	}
	e.rdb.Set(e.ctx, "n", 12345, 0)
	if v := e.rdb.Get(e.ctx, "n").Val(); v != "12345" {
		t.Fatalf("GET n = %q", v)
	}
	e.is(t, sOK(), "SET", "e", "")
	e.is(t, sBulk(""), "GET", "e")
	// RESP3 null.
	if _, err := e.rdb3.Get(e.ctx, "missing").Result(); err != redis.Nil {
		t.Fatalf("RESP3 GET missing: %v", err)
	}
	e.is(t, "$-1\r\n", "GET", "missing")
	e.putList("l")
	e.is(t, sErr(errs.WrongType), "GET", "l")
}

func TestStringSetOptions(t *testing.T) {
	e := newStrEnv(t)
	ok, err := e.rdb.SetNX(e.ctx, "k", "v1", 0).Result()
	if err != nil || !ok {
		t.Fatalf("SET NX new: %v %v", ok, err)
	}
	e.is(t, sNull, "SET", "k", "v2", "NX")
	e.is(t, sOK(), "SET", "k", "v3", "XX")
	e.is(t, sNull, "SET", "other", "v", "XX")
	e.is(t, sNull, "SET", "k", "v4", "nx", "nx")
	e.is(t, sOK(), "SET", "k", "v5", "xx", "xx")
	e.is(t, sErr(errs.Syntax), "SET", "k", "v", "NX", "XX")
	e.is(t, sErr(errs.Syntax), "SET", "k", "v", "XX", "NX")

	// GET returns the old value whatever NX/XX decide.
	e.rdb.Set(e.ctx, "g", "old", 0)
	e.is(t, sBulk("old"), "SET", "g", "new", "GET")
	e.is(t, sBulk("new"), "SET", "g", "newer", "NX", "GET")
	e.is(t, sBulk("new"), "GET", "g")
	e.is(t, sNull, "SET", "gm", "v", "XX", "GET")
	e.is(t, sNull, "SET", "gn", "v", "GET")
	e.is(t, sBulk("v"), "GET", "gn")
	v, err := e.rdb.SetArgs(e.ctx, "g", "x", redis.SetArgs{Get: true}).Result()
	if err != nil || v != "new" {
		t.Fatalf("SetArgs GET: %q %v", v, err)
	}
	e.putList("l")
	e.is(t, sErr(errs.WrongType), "SET", "l", "v", "GET")
	e.is(t, sOK(), "SET", "l", "v")
	e.is(t, sBulk("v"), "GET", "l")
}

func TestStringSetIfEq(t *testing.T) {
	e := newStrEnv(t)
	e.is(t, sOK(), "SET", "k", "v1")
	e.is(t, sOK(), "SET", "k", "v2", "IFEQ", "v1")
	e.is(t, sNull, "SET", "k", "v3", "IFEQ", "v1")
	e.is(t, sBulk("v2"), "GET", "k")
	e.is(t, sNull, "SET", "missing", "v", "IFEQ", "x")
	e.is(t, sInt(0), "EXISTS", "missing")
	e.is(t, sBulk("v2"), "SET", "k", "v4", "IFEQ", "v2", "GET")
	e.is(t, sBulk("v4"), "SET", "k", "v5", "IFEQ", "nope", "GET")
	e.is(t, sBulk("v4"), "GET", "k")
	e.is(t, sNull, "SET", "missing", "v", "IFEQ", "x", "GET")
	// Integers compare by their decimal form.
	e.is(t, sOK(), "SET", "n", "100")
	e.is(t, sOK(), "SET", "n", "101", "IFEQ", "100")
	e.is(t, sBulk("101"), "GET", "n")
	e.putList("l")
	e.is(t, sErr(errs.WrongType), "SET", "l", "v", "IFEQ", "a")
	e.is(t, sErr(errs.WrongType), "SET", "l", "v", "IFEQ", "a", "GET")
	for _, args := range [][]string{
		{"IFEQ"}, {"NX", "IFEQ", "x"}, {"IFEQ", "x", "NX"}, {"IFEQ", "x", "XX"}, {"IFEQ", "a", "IFEQ", "b"},
	} {
		e.is(t, sErr(errs.Syntax), append([]string{"SET", "k", "v"}, args...)...)
	}
	// IFEQ with an expire.
	e.is(t, sOK(), "SET", "k", "v6", "IFEQ", "v4", "EX", "100")
	if _, exp, _ := e.entry(t, "k"); exp == 0 {
		t.Fatal("IFEQ EX: no TTL")
	}
}

func TestStringSetExpire(t *testing.T) {
	e := newStrEnv(t)
	now := time.Now().UnixMilli()
	ttl := func(key string) int64 {
		t.Helper()
		_, exp, ok := e.entry(t, key)
		if !ok {
			t.Fatalf("%s missing", key)
		}
		if exp == 0 {
			return -1
		}
		return exp - now
	}
	near := func(key string, want int64) {
		t.Helper()
		if got := ttl(key); got < want-2000 || got > want+2000 {
			t.Fatalf("%s: ttl %d ms, want about %d", key, got, want)
		}
	}
	e.rdb.Set(e.ctx, "k", "v", 100*time.Second)
	near("k", 100000)
	e.is(t, sOK(), "SET", "k", "v", "PX", "50000")
	near("k", 50000)
	e.is(t, sOK(), "SET", "k", "v", "EXAT", "4102444800")
	if _, exp, _ := e.entry(t, "k"); exp != 4102444800000 {
		t.Fatalf("EXAT: %d", exp)
	}
	e.is(t, sOK(), "SET", "k", "v", "PXAT", "4102444800123")
	if _, exp, _ := e.entry(t, "k"); exp != 4102444800123 {
		t.Fatalf("PXAT: %d", exp)
	}
	e.is(t, sOK(), "SET", "k", "v2", "KEEPTTL")
	if _, exp, _ := e.entry(t, "k"); exp != 4102444800123 {
		t.Fatalf("KEEPTTL: %d", exp)
	}
	e.is(t, sOK(), "SET", "k", "v3")
	if ttl("k") != -1 {
		t.Fatal("SET must drop the TTL")
	}
	e.is(t, sOK(), "SET", "k", "v", "EX", "10", "EX", "100")
	near("k", 100000)
	e.is(t, sOK(), "SET", "k", "v", "EXAT", "9223372036854775")
	e.is(t, sOK(), "SET", "k", "v", "PXAT", "9223372036854775807")

	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"EX", "0"}, "set"}, {[]string{"EX", "-1"}, "set"}, {[]string{"PX", "0"}, "set"},
		{[]string{"EXAT", "0"}, "set"}, {[]string{"PXAT", "-5"}, "set"},
		{[]string{"EX", "9223372036854775"}, "set"}, {[]string{"EX", "9223372036854776"}, "set"},
		{[]string{"PX", "9223372036854775807"}, "set"},
	} {
		e.is(t, sErr(errs.InvalidExpireIn(c.want)), append([]string{"SET", "x", "v"}, c.args...)...)
	}
	e.is(t, sErr(errs.NotInteger), "SET", "x", "v", "EX", "abc")
	e.is(t, sErr(errs.NotInteger), "SET", "x", "v", "EX", "1.5")
	e.is(t, sErr(errs.Syntax), "SET", "x", "v", "EX", "abc", "NX", "XX")
	for _, args := range [][]string{
		{"EX", "10", "PX", "100"}, {"KEEPTTL", "EX", "10"}, {"EX", "10", "KEEPTTL"}, {"EX"}, {"PXAT"},
		{"PERSIST"}, {"foo"}, {"EX", "10", "EXAT", "10"},
	} {
		e.is(t, sErr(errs.Syntax), append([]string{"SET", "x", "v"}, args...)...)
	}
	e.is(t, sInt(0), "EXISTS", "x")
	// Options are C strings in Valkey: a NUL ends them.
	e.is(t, sOK(), "SET", "x", "v", "NX\x00junk")

	// An absolute time already past: nothing stored, an old value deleted.
	e.is(t, sOK(), "SET", "p", "v", "EXAT", "1")
	e.is(t, sInt(0), "EXISTS", "p")
	e.is(t, sOK(), "SET", "p", "v")
	e.is(t, sBulk("v"), "SET", "p", "v2", "GET", "PXAT", "1")
	e.is(t, sInt(0), "EXISTS", "p")
}

func TestStringSetNXEx(t *testing.T) {
	e := newStrEnv(t)
	if ok := e.rdb.SetNX(e.ctx, "k", "v1", 0).Val(); !ok {
		t.Fatal("SETNX new")
	}
	e.is(t, sInt(0), "SETNX", "k", "v2")
	e.is(t, sInt(1), "SETNX", "k2", "v2")
	e.is(t, sBulk("v1"), "GET", "k")
	e.putList("l")
	e.is(t, sInt(0), "SETNX", "l", "v")

	if err := e.rdb.SetEx(e.ctx, "s", "v", 100*time.Second).Err(); err != nil {
		t.Fatal(err)
	}
	if d := e.rdb.TTL(e.ctx, "s").Val(); d < 99*time.Second || d > 100*time.Second {
		t.Fatalf("SETEX ttl %v", d)
	}
	e.is(t, sOK(), "PSETEX", "s", "100000", "v2")
	e.is(t, sBulk("v2"), "GET", "s")
	e.is(t, sErr(errs.InvalidExpireIn("setex")), "SETEX", "s", "0", "v")
	e.is(t, sErr(errs.InvalidExpireIn("setex")), "SETEX", "s", "-1", "v")
	e.is(t, sErr(errs.InvalidExpireIn("setex")), "SETEX", "s", "9223372036854775807", "v")
	e.is(t, sErr(errs.InvalidExpireIn("psetex")), "PSETEX", "s", "0", "v")
	e.is(t, sErr(errs.InvalidExpireIn("psetex")), "PSETEX", "s", "9223372036854775807", "v")
	e.is(t, sErr(errs.NotInteger), "SETEX", "s", "abc", "v")
	e.is(t, sOK(), "SETEX", "l", "100", "v")
}

func TestStringGetExGetDelGetSet(t *testing.T) {
	e := newStrEnv(t)
	e.is(t, sOK(), "SET", "k", "v")
	e.is(t, sBulk("v"), "GETEX", "k")
	if _, exp, _ := e.entry(t, "k"); exp != 0 {
		t.Fatal("GETEX without options changed the TTL")
	}
	if v := e.rdb.GetEx(e.ctx, "k", 100*time.Second).Val(); v != "v" {
		t.Fatalf("GETEX EX = %q", v)
	}
	if _, exp, _ := e.entry(t, "k"); exp == 0 {
		t.Fatal("GETEX EX set no TTL")
	}
	e.is(t, sBulk("v"), "GETEX", "k", "PXAT", "4102444800123")
	if _, exp, _ := e.entry(t, "k"); exp != 4102444800123 {
		t.Fatalf("GETEX PXAT: %d", exp)
	}
	e.is(t, sBulk("v"), "GETEX", "k", "PERSIST")
	if _, exp, _ := e.entry(t, "k"); exp != 0 {
		t.Fatal("GETEX PERSIST kept the TTL")
	}
	e.is(t, sBulk("v"), "GETEX", "k", "EXAT", "1")
	e.is(t, sInt(0), "EXISTS", "k")
	e.is(t, sNull, "GETEX", "missing", "EX", "-1") // expire checked only for an existing key
	e.is(t, sOK(), "SET", "k", "v")
	e.is(t, sErr(errs.InvalidExpireIn("getex")), "GETEX", "k", "EX", "0")
	e.is(t, sErr(errs.NotInteger), "GETEX", "k", "EX", "x")
	for _, args := range [][]string{{"KEEPTTL"}, {"NX"}, {"GET"}, {"PERSIST", "EX", "1"}, {"EX", "1", "PERSIST"}, {"EX"}} {
		e.is(t, sErr(errs.Syntax), append([]string{"GETEX", "k"}, args...)...)
	}
	e.putList("l")
	e.is(t, sErr(errs.WrongType), "GETEX", "l", "EX", "x")

	// GETDEL
	if v := e.rdb.GetDel(e.ctx, "k").Val(); v != "v" {
		t.Fatalf("GETDEL = %q", v)
	}
	e.is(t, sInt(0), "EXISTS", "k")
	e.is(t, sNull, "GETDEL", "k")
	e.is(t, sErr(errs.WrongType), "GETDEL", "l")
	e.is(t, sInt(1), "EXISTS", "l")

	// GETSET drops the TTL.
	e.is(t, sNull, "GETSET", "g", "v1")
	e.is(t, sOK(), "SET", "g", "v1", "EX", "100")
	if v := e.rdb.GetSet(e.ctx, "g", "v2").Val(); v != "v1" {
		t.Fatalf("GETSET = %q", v)
	}
	if _, exp, _ := e.entry(t, "g"); exp != 0 {
		t.Fatal("GETSET kept the TTL")
	}
	e.is(t, sErr(errs.WrongType), "GETSET", "l", "v")
}

func TestStringAppendStrlen(t *testing.T) {
	e := newStrEnv(t)
	if n := e.rdb.Append(e.ctx, "k", "hello").Val(); n != 5 {
		t.Fatalf("APPEND new = %d", n)
	}
	e.is(t, sInt(11), "APPEND", "k", " world")
	e.is(t, sBulk("hello world"), "GET", "k")
	if n := e.rdb.StrLen(e.ctx, "k").Val(); n != 11 {
		t.Fatalf("STRLEN = %d", n)
	}
	if enc := e.encoding(t, "k"); enc != "raw" {
		t.Fatalf("APPEND leaves %s", enc)
	}
	e.is(t, sInt(0), "APPEND", "e", "")
	e.is(t, sInt(1), "EXISTS", "e")
	e.is(t, sInt(2), "APPEND", "i", "42")
	if enc := e.encoding(t, "i"); enc != "int" {
		t.Fatalf("APPEND to a missing key of an integer leaves %s", enc)
	}
	e.is(t, sInt(4), "APPEND", "i", "00")
	e.is(t, sBulk("4200"), "GET", "i")
	if enc := e.encoding(t, "i"); enc != "raw" {
		t.Fatalf("APPEND to an int leaves %s", enc)
	}
	e.is(t, sInt(0), "STRLEN", "missing")
	e.is(t, sOK(), "SET", "n", "-12345")
	e.is(t, sInt(6), "STRLEN", "n")
	e.putList("l")
	e.is(t, sErr(errs.WrongType), "APPEND", "l", "x")
	e.is(t, sErr(errs.WrongType), "STRLEN", "l")

	e.is(t, sOK(), "SET", "t", "v", "EX", "100")
	e.is(t, sInt(2), "APPEND", "t", "w")
	if _, exp, _ := e.entry(t, "t"); exp == 0 {
		t.Fatal("APPEND dropped the TTL")
	}
}

func TestStringAppendLimit(t *testing.T) {
	srv := servertest.Start(t, func(st *server.Settings) { st.ProtoMaxBulkLen = 1 << 20 }, Register)
	r := servertest.Dial(t, srv)
	big := strings.Repeat("x", 1<<19)
	if got := r.Do("SET", "k", big); got != sOK() {
		t.Fatal(got)
	}
	if got := r.Do("APPEND", "k", big); got != sInt(1<<20) {
		t.Fatal(got)
	}
	if got := r.Do("APPEND", "k", "y"); got != sErr(errs.StringTooLong) {
		t.Fatalf("APPEND past the limit: %q", got)
	}
	if got := r.Do("SETRANGE", "k2", strconv.Itoa(1<<20), "y"); got != sErr(errs.StringTooLong) {
		t.Fatalf("SETRANGE past the limit: %q", got)
	}
	if got := r.Do("SETRANGE", "k2", strconv.Itoa(1<<20-1), "y"); got != sInt(1<<20) {
		t.Fatalf("SETRANGE to the limit: %q", got)
	}
	// LCS refuses a table larger than the limit.
	if got := r.Do("LCS", "k", "k2", "LEN"); got != sErr(errs.LCSMemoryLimit) {
		t.Fatalf("LCS over the limit: %q", got)
	}
}

func TestStringIncrDecr(t *testing.T) {
	e := newStrEnv(t)
	if n := e.rdb.Incr(e.ctx, "k").Val(); n != 1 {
		t.Fatalf("INCR = %d", n)
	}
	e.is(t, sInt(2), "INCR", "k")
	e.is(t, sInt(1), "DECR", "k")
	e.is(t, sInt(101), "INCRBY", "k", "100")
	e.is(t, sInt(51), "DECRBY", "k", "50")
	e.is(t, sInt(44), "INCRBY", "k", "-7")
	e.is(t, sInt(51), "DECRBY", "k", "-7")
	e.is(t, sInt(-5), "DECRBY", "new", "5")
	if n := e.rdb.IncrBy(e.ctx, "k", 9).Val(); n != 60 {
		t.Fatalf("INCRBY = %d", n)
	}
	if n := e.rdb.DecrBy(e.ctx, "k", 10).Val(); n != 50 {
		t.Fatalf("DECRBY = %d", n)
	}
	if enc := e.encoding(t, "k"); enc != "int" {
		t.Fatalf("INCR leaves %s", enc)
	}
	// A raw numeric string is read and becomes int.
	e.is(t, sInt(2), "SETRANGE", "r", "0", "12")
	e.is(t, sInt(13), "INCR", "r")
	if enc := e.encoding(t, "r"); enc != "int" {
		t.Fatalf("INCR on raw leaves %s", enc)
	}

	for _, v := range []string{"hello", "1.5", " 1", "01", "+1", "", "1 "} {
		e.is(t, sOK(), "SET", "s", v)
		e.is(t, sErr(errs.NotInteger), "INCR", "s")
	}
	e.is(t, sErr(errs.NotInteger), "INCRBY", "k", "abc")
	e.is(t, sErr(errs.NotInteger), "INCRBY", "k", "99999999999999999999")
	e.putList("l")
	for _, c := range []string{"INCR", "DECR"} {
		e.is(t, sErr(errs.WrongType), c, "l")
	}
	e.is(t, sErr(errs.WrongType), "INCRBY", "l", "1")

	// Overflow.
	e.is(t, sOK(), "SET", "o", "9223372036854775806")
	e.is(t, sInt(9223372036854775807), "INCR", "o")
	e.is(t, sErr(errs.Overflow), "INCR", "o")
	e.is(t, sOK(), "SET", "o", "-9223372036854775807")
	e.is(t, sInt(-9223372036854775808), "DECR", "o")
	e.is(t, sErr(errs.Overflow), "DECR", "o")
	e.is(t, sErr(errs.Overflow), "INCRBY", "o", "-1")
	e.is(t, sErr(errs.DecrOverflow), "DECRBY", "o", "-9223372036854775808")
	e.is(t, sOK(), "SET", "z", "0")
	e.is(t, sInt(-9223372036854775808), "INCRBY", "z", "-9223372036854775808")

	// TTL kept.
	e.is(t, sOK(), "SET", "t", "10", "EX", "100")
	e.is(t, sInt(11), "INCR", "t")
	if _, exp, _ := e.entry(t, "t"); exp == 0 {
		t.Fatal("INCR dropped the TTL")
	}
}

func TestStringIncrByFloat(t *testing.T) {
	e := newStrEnv(t)
	steps := []struct{ key, incr, want string }{
		{"k", "10.5", "10.5"},
		{"k", "0.1", "10.6"},
		{"k", "-5", "5.6"},
		{"k", "3.0e3", "3005.60000000000000009"},
		{"a", "0.1", "0.1"},
		{"a", "0.2", "0.3"},
		{"b", "5.0e3", "5000"},
		{"b", "2.0e2", "5200"},
		{"c", "1", "1"},
		{"c", "-1.5", "-0.5"},
		{"c", "0.5", "0"},
		{"t", "1e-20", "0"},
		{"h", "0x10", "16"},
		{"h", "0x1p-2", "16.25"},
		{"tie", "0.000003814697265625", "0.00000381469726562"},
		{"tie2", "0.000011444091796875", "0.00001144409179688"},
		{"y", "9223372036854775807", "9223372036854775807"},
		{"y", "1", "9223372036854775808"},
	}
	for _, s := range steps {
		e.is(t, sBulk(s.want), "INCRBYFLOAT", s.key, s.incr)
	}
	if v := e.rdb.IncrByFloat(e.ctx, "g", 2.5).Val(); v != 2.5 {
		t.Fatalf("go-redis INCRBYFLOAT = %v", v)
	}
	// Long double range: 2e308 is fine, 1e4933 is not a float.
	e.is(t, sOK(), "SET", "big", "1e308")
	got := e.raw.Do("INCRBYFLOAT", "big", "1e308")
	if !strings.HasPrefix(got, "$309\r\n1999999999999999999") {
		t.Fatalf("INCRBYFLOAT 1e308+1e308 = %.40q", got)
	}
	for _, bad := range []string{"abc", "", " 1", "1 ", "1e", "0x", "nan", "1e5000", "1e-5000", "1\x002"} {
		e.is(t, sErr(errs.NotFloat), "INCRBYFLOAT", "bad", bad)
	}
	e.is(t, sInt(0), "EXISTS", "bad")
	for _, inf := range []string{"inf", "-inf", "Infinity"} {
		e.is(t, sErr(errs.IncrNaNOrInf), "INCRBYFLOAT", "bad", inf)
	}
	e.is(t, sOK(), "SET", "max", "1.18973149535723176502e4932")
	e.is(t, sErr(errs.IncrNaNOrInf), "INCRBYFLOAT", "max", "1.18973149535723176502e4932")
	e.is(t, sOK(), "SET", "s", "hello")
	e.is(t, sErr(errs.NotFloat), "INCRBYFLOAT", "s", "1")
	e.putList("l")
	e.is(t, sErr(errs.WrongType), "INCRBYFLOAT", "l", "1")

	// Encodings and TTL: the result is a string, never int; the TTL stays.
	e.is(t, sBulk("3"), "INCRBYFLOAT", "n", "3")
	if enc := e.encoding(t, "n"); enc != "embstr" {
		t.Fatalf("INCRBYFLOAT 3 leaves %s", enc)
	}
	e.is(t, sOK(), "SET", "tt", "1", "EX", "100")
	e.is(t, sBulk("2.5"), "INCRBYFLOAT", "tt", "1.5")
	if _, exp, _ := e.entry(t, "tt"); exp == 0 {
		t.Fatal("INCRBYFLOAT dropped the TTL")
	}
	// RESP3 replies a bulk string too.
	if v, err := e.rdb3.Do(e.ctx, "INCRBYFLOAT", "r3", "1.5").Text(); err != nil || v != "1.5" {
		t.Fatalf("RESP3 INCRBYFLOAT: %q %v", v, err)
	}
}

func TestStringMGetMSet(t *testing.T) {
	e := newStrEnv(t)
	if err := e.rdb.MSet(e.ctx, "a", "1", "b", "2", "c", "hello").Err(); err != nil {
		t.Fatal(err)
	}
	vals := e.rdb.MGet(e.ctx, "a", "missing", "c").Val()
	if len(vals) != 3 || vals[0] != "1" || vals[1] != nil || vals[2] != "hello" {
		t.Fatalf("MGET = %#v", vals)
	}
	e.putList("l")
	e.is(t, "*2\r\n$1\r\n1\r\n$-1\r\n", "MGET", "a", "l")
	e.is(t, sErr(errs.WrongArity("mset")), "MSET", "a", "1", "b")
	e.is(t, sErr(errs.WrongArity("msetnx")), "MSETNX", "a", "1", "b")
	e.is(t, sOK(), "SET", "t", "v", "EX", "100")
	e.is(t, sOK(), "MSET", "t", "v2", "a", "3", "a", "4")
	if _, exp, _ := e.entry(t, "t"); exp != 0 {
		t.Fatal("MSET kept the TTL")
	}
	e.is(t, sBulk("4"), "GET", "a")
	if ok := e.rdb.MSetNX(e.ctx, "a", "5", "d", "6").Val(); ok {
		t.Fatal("MSETNX with an existing key succeeded")
	}
	e.is(t, sInt(0), "EXISTS", "d")
	e.is(t, sInt(1), "MSETNX", "d", "1", "e", "2", "d", "3")
	e.is(t, sBulk("3"), "GET", "d")
	e.is(t, sInt(0), "MSETNX", "l", "v", "f", "1")
	e.is(t, sInt(0), "EXISTS", "f")
	// RESP3 nulls.
	vals = e.rdb3.MGet(e.ctx, "a", "missing").Val()
	if len(vals) != 2 || vals[0] != "4" || vals[1] != nil {
		t.Fatalf("RESP3 MGET = %#v", vals)
	}
}

func TestStringSetRangeGetRange(t *testing.T) {
	e := newStrEnv(t)
	if n := e.rdb.SetRange(e.ctx, "k", 0, "hello").Val(); n != 5 {
		t.Fatalf("SETRANGE = %d", n)
	}
	e.is(t, sInt(11), "SETRANGE", "k", "6", "world")
	e.is(t, sBulk("hello\x00world"), "GET", "k")
	e.is(t, sInt(11), "SETRANGE", "k", "0", "J")
	e.is(t, sInt(11), "SETRANGE", "k", "100", "")
	e.is(t, sInt(0), "SETRANGE", "m", "0", "")
	e.is(t, sInt(0), "SETRANGE", "m", "10", "")
	e.is(t, sInt(0), "EXISTS", "m")
	e.is(t, sInt(6), "SETRANGE", "m", "3", "abc")
	e.is(t, sBulk("\x00\x00\x00abc"), "GET", "m")
	if enc := e.encoding(t, "m"); enc != "raw" {
		t.Fatalf("SETRANGE leaves %s", enc)
	}
	e.is(t, sOK(), "SET", "n", "12345")
	e.is(t, sInt(5), "SETRANGE", "n", "1", "9")
	e.is(t, sBulk("19345"), "GET", "n")
	e.is(t, sErr(errs.OffsetRange), "SETRANGE", "k", "-1", "x")
	e.is(t, sErr(errs.NotInteger), "SETRANGE", "k", "x", "x")
	e.is(t, sErr(errs.StringTooLong), "SETRANGE", "k", "536870911", "xx")
	e.is(t, sErr(errs.StringTooLong), "SETRANGE", "k", "9223372036854775807", "x")
	e.putList("l")
	e.is(t, sErr(errs.WrongType), "SETRANGE", "l", "0", "")

	e.is(t, sOK(), "SET", "s", "This is a string")
	for _, c := range []struct {
		start, end, want string
	}{
		{"0", "3", "This"}, {"-3", "-1", "ing"}, {"0", "-1", "This is a string"}, {"10", "100", "string"},
		{"5", "3", ""}, {"-1", "-5", ""}, {"-100", "-50", "T"}, {"-100", "2", "Thi"}, {"0", "-100", "T"},
		{"100", "200", ""}, {"15", "15", "g"}, {"16", "16", ""},
		{"-9223372036854775808", "9223372036854775807", "This is a string"},
	} {
		e.is(t, sBulk(c.want), "GETRANGE", "s", c.start, c.end)
	}
	if v := e.rdb.GetRange(e.ctx, "s", 0, 3).Val(); v != "This" {
		t.Fatalf("go-redis GETRANGE = %q", v)
	}
	e.is(t, sBulk(""), "GETRANGE", "missing", "0", "-1")
	e.is(t, sOK(), "SET", "i", "1234567")
	e.is(t, sBulk("567"), "GETRANGE", "i", "-3", "-1")
	e.is(t, sBulk("This"), "SUBSTR", "s", "0", "3")
	e.is(t, sErr(errs.NotInteger), "GETRANGE", "s", "a", "1")
	e.is(t, sErr(errs.WrongType), "GETRANGE", "l", "0", "1")
}

func TestStringLCS(t *testing.T) {
	e := newStrEnv(t)
	e.rdb.MSet(e.ctx, "key1", "ohmytext", "key2", "mynewtext")
	if s := e.rdb.LCS(e.ctx, &redis.LCSQuery{Key1: "key1", Key2: "key2"}).Val(); s.MatchString != "mytext" {
		t.Fatalf("LCS = %+v", s)
	}
	if s := e.rdb.LCS(e.ctx, &redis.LCSQuery{Key1: "key1", Key2: "key2", Len: true}).Val(); s.Len != 6 {
		t.Fatalf("LCS LEN = %+v", s)
	}
	want2 := "*4\r\n$7\r\nmatches\r\n*2\r\n" +
		"*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n" +
		"*3\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n:2\r\n" +
		"$3\r\nlen\r\n:6\r\n"
	e.is(t, want2, "LCS", "key1", "key2", "IDX", "WITHMATCHLEN")
	e.is(t, "*4\r\n$7\r\nmatches\r\n*1\r\n*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n$3\r\nlen\r\n:6\r\n",
		"LCS", "key1", "key2", "IDX", "MINMATCHLEN", "4")
	for _, proto := range []*redis.Client{e.rdb, e.rdb3} {
		r := proto.LCS(e.ctx, &redis.LCSQuery{Key1: "key1", Key2: "key2", Idx: true, WithMatchLen: true}).Val()
		if r.Len != 6 || len(r.Matches) != 2 || r.Matches[0].Key1.Start != 4 || r.Matches[0].MatchLen != 4 ||
			r.Matches[1].Key2.End != 1 {
			t.Fatalf("LCS IDX = %+v", r)
		}
	}
	// RESP3 shape: a map.
	r3 := servertest.Dial(t, e.srv)
	r3.Do("HELLO", "3")
	if got := r3.Do("LCS", "key1", "key2", "IDX", "MINMATCHLEN", "4"); got !=
		"%2\r\n$7\r\nmatches\r\n*1\r\n*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n$3\r\nlen\r\n:6\r\n" {
		t.Fatalf("RESP3 LCS IDX = %q", got)
	}
	e.is(t, sBulk(""), "LCS", "a", "b")
	e.is(t, sInt(0), "LCS", "a", "b", "LEN")
	e.putList("l")
	e.is(t, sErr(errs.LCSNotString), "LCS", "key1", "l")
	e.is(t, sErr(errs.LCSNotString), "LCS", "l", "key1", "BAD")
	e.is(t, sErr(errs.Syntax), "LCS", "key1", "key2", "BAD")
	e.is(t, sErr(errs.Syntax), "LCS", "key1", "key2", "MINMATCHLEN")
	e.is(t, sErr(errs.NotInteger), "LCS", "key1", "key2", "MINMATCHLEN", "x")
	e.is(t, sErr(errs.LCSLenAndIdx), "LCS", "key1", "key2", "LEN", "IDX")

	// Big strings.
	a, b := strings.Repeat("abc", 1000), strings.Repeat("bcad", 500)
	e.rdb.MSet(e.ctx, "A", a, "B", b)
	n := e.rdb.LCS(e.ctx, &redis.LCSQuery{Key1: "A", Key2: "B", Len: true}).Val().Len
	s := e.rdb.LCS(e.ctx, &redis.LCSQuery{Key1: "A", Key2: "B"}).Val().MatchString
	if int64(len(s)) != n || n != int64(lcsLen([]byte(a), []byte(b))) || !isSubsequence(s, a) || !isSubsequence(s, b) {
		t.Fatalf("big LCS: len %d, string of %d", n, len(s))
	}
}

func isSubsequence(s, of string) bool {
	i := 0
	for j := 0; j < len(of) && i < len(s); j++ {
		if of[j] == s[i] {
			i++
		}
	}
	return i == len(s)
}

func TestStringDelIfEq(t *testing.T) {
	e := newStrEnv(t)
	e.is(t, sOK(), "SET", "k", "v")
	e.is(t, sInt(0), "DELIFEQ", "k", "x")
	e.is(t, sInt(1), "EXISTS", "k")
	e.is(t, sInt(1), "DELIFEQ", "k", "v")
	e.is(t, sInt(0), "EXISTS", "k")
	e.is(t, sInt(0), "DELIFEQ", "k", "v")
	e.is(t, sOK(), "SET", "n", "100")
	e.is(t, sInt(1), "DELIFEQ", "n", "100")
	e.putList("l")
	e.is(t, sErr(errs.WrongType), "DELIFEQ", "l", "a")
}

func TestStringEncodings(t *testing.T) {
	e := newStrEnv(t)
	v := func(n int) string { return strings.Repeat("v", n) }
	k := func(n int) string { return strings.Repeat("k", n) }
	for _, c := range []struct {
		key, val string
		ttl      bool
		want     string
	}{
		{"i", "12345", false, "int"},
		{"i", "-9223372036854775808", false, "int"},
		{"i", "9223372036854775808", false, "embstr"},
		{"i", "007", false, "embstr"},
		{"i", "-0", false, "embstr"},
		{"a", v(40), false, "embstr"},
		{"a", v(41), false, "raw"},
		{"foo", v(38), false, "embstr"},
		{"foo", v(39), false, "raw"},
		{"foo", v(30), true, "embstr"},
		{"foo", v(31), true, "raw"},
		{k(10), v(31), false, "embstr"},
		{k(10), v(32), false, "raw"},
		{k(31), v(10), false, "embstr"},
		{k(31), v(11), false, "raw"},
		{k(32), v(7), false, "embstr"},
		{k(32), v(8), false, "raw"},
		{"big", v(45), false, "raw"},
	} {
		args := []string{"SET", c.key, c.val}
		if c.ttl {
			args = append(args, "EX", "100")
		}
		e.raw.Do("DEL", c.key)
		e.is(t, sOK(), args...)
		if got := e.encoding(t, c.key); got != c.want {
			t.Errorf("SET %d-byte key, %d-byte value (ttl %v): %s, want %s", len(c.key), len(c.val), c.ttl, got, c.want)
		}
	}
	// An overwritten value with a TTL counts its expire field.
	e.is(t, sOK(), "SET", "foo", "x", "EX", "100")
	e.is(t, sOK(), "SET", "foo", v(31))
	if got := e.encoding(t, "foo"); got != "raw" {
		t.Errorf("overwrite of a key with TTL: %s", got)
	}
	// GETEX adding a TTL can push the value out of embstr.
	e.is(t, sOK(), "SET", "g", v(33))
	if got := e.encoding(t, "g"); got != "embstr" {
		t.Errorf("SET of a 33-byte value: %s", got)
	}
	e.is(t, sBulk(v(33)), "GETEX", "g", "EX", "100")
	if got := e.encoding(t, "g"); got != "raw" {
		t.Errorf("GETEX EX on a 33-byte value: %s", got)
	}
}

func TestStringExpiredKeys(t *testing.T) {
	e := newStrEnv(t)
	e.is(t, sOK(), "SET", "k", "v", "PX", "1")
	time.Sleep(10 * time.Millisecond)
	e.is(t, sNull, "GET", "k")
	e.is(t, sOK(), "SET", "c", "5", "PX", "1")
	time.Sleep(10 * time.Millisecond)
	e.is(t, sInt(1), "INCR", "c")
	e.is(t, sOK(), "SET", "x", "5", "PX", "1")
	time.Sleep(10 * time.Millisecond)
	e.is(t, sNull, "SET", "x", "v", "XX")
}

// --- pure ops ----------------------------------------------------------------

func TestParseLongDouble(t *testing.T) {
	for _, c := range []struct {
		in   string
		ok   bool
		want string // %.17Lf, trimmed
	}{
		{"10.5", true, "10.5"},
		{"+5", true, "5"},
		{".5", true, "0.5"},
		{"5.", true, "5"},
		{"-0", true, "0"},
		{"0x10", true, "16"},
		{"0X1.8P1", true, "3"},
		{"1e4932", true, ""},
		{"1e4933", false, ""},
		{"1e-4950", true, "0"},
		{"1e-5000", false, ""},
		{"0e99999999", true, "0"},
		{"0x1p-16445", true, "0"},
		{"0x1p-16446", false, ""},
		{"0x1.8p-16446", true, "0"},
		{"0x1p16384", false, ""},
		{"0x1.fffffffffffffffep16383", true, ""},
		{"nan", false, ""},
		{"inf", true, ""},
		{" 1", false, ""},
		{"1 ", false, ""},
		{"", false, ""},
		{"1e", false, ""},
		{"0x", false, ""},
		{"1_0", false, ""},
		{strings.Repeat("1", 5120), false, ""},
	} {
		f, ok := parseLongDouble([]byte(c.in))
		if ok != c.ok {
			t.Errorf("%.30q: ok %v, want %v", c.in, ok, c.ok)
			continue
		}
		if ok && c.want != "" {
			if got := string(appendLongDoubleHuman(nil, f)); got != c.want {
				t.Errorf("%q: %s, want %s", c.in, got, c.want)
			}
		}
	}
	// The subnormal bound: 2^-16445 exactly.
	f, _ := parseLongDouble([]byte("0x1p-16445"))
	if mant := new(big.Float); f.MantExp(mant) != -16444 {
		t.Errorf("smallest subnormal: exponent %d", f.MantExp(nil))
	}
}

func TestIncrByFloatOp(t *testing.T) {
	for _, c := range []struct{ cur, incr, want string }{
		{"0", "0.1", "0.1"},
		{"0.1", "0.2", "0.3"},
		{"10.5", "3.0e3", "3010.5"},
		{"10.8", "3.0e3", "3010.80000000000000004"},
		{"-1", "1", "0"},
		{"5", "-1e-30", "5"},
		{"0", "-1e-30", "0"},
	} {
		out, err := incrByFloat([]byte(c.cur), []byte(c.incr))
		if err != nil || string(out) != c.want {
			t.Errorf("%s + %s = %q, %v; want %s", c.cur, c.incr, out, err, c.want)
		}
	}
	if _, err := incrByFloat([]byte("1"), []byte("inf")); !errors.Is(err, errs.IncrNaNOrInf) {
		t.Errorf("inf: %v", err)
	}
	if _, err := incrByFloat([]byte("x"), []byte("1")); !errors.Is(err, errs.NotFloat) {
		t.Errorf("bad current: %v", err)
	}
}

func TestStrRange(t *testing.T) {
	for _, c := range []struct{ n, start, end, lo, hi int64 }{
		{16, 0, 3, 0, 4}, {16, -3, -1, 13, 16}, {16, 5, 3, 0, 0}, {16, -1, -5, 0, 0},
		{16, 10, 100, 10, 16}, {0, 0, -1, 0, 0}, {16, -100, 2, 0, 3}, {16, 0, -100, 0, 1},
	} {
		lo, hi := strRange(c.n, c.start, c.end)
		if lo != c.lo || hi != c.hi {
			t.Errorf("strRange(%d, %d, %d) = %d, %d; want %d, %d", c.n, c.start, c.end, lo, hi, c.lo, c.hi)
		}
	}
}

func TestExpireAt(t *testing.T) {
	const now = 1_700_000_000_000
	bad := errs.InvalidExpSet
	for _, c := range []struct {
		n    int64
		kind int
		want int64
		err  bool
	}{
		{10, expEX, now + 10000, false},
		{10, expPX, now + 10, false},
		{10, expEXAT, 10000, false},
		{10, expPXAT, 10, false},
		{0, expEX, 0, true},
		{-1, expPXAT, 0, true},
		{maxInt64 / 1000, expEX, 0, true}, // overflows when now is added
		{maxInt64/1000 + 1, expEXAT, 0, true},
		{maxInt64 / 1000, expEXAT, maxInt64 / 1000 * 1000, false},
		{maxInt64, expPX, 0, true},
		{maxInt64, expPXAT, maxInt64, false},
	} {
		got, err := expireAt(c.n, c.kind, now, bad)
		if (err != nil) != c.err || (!c.err && got != c.want) {
			t.Errorf("expireAt(%d, %d) = %d, %v", c.n, c.kind, got, err)
		}
	}
}

func TestLCSOp(t *testing.T) {
	s, m := lcsFull([]byte("ohmytext"), []byte("mynewtext"), true, 0)
	if string(s) != "mytext" || len(m) != 2 || m[0] != (lcsMatch{4, 7, 5, 8}) || m[1] != (lcsMatch{2, 3, 0, 1}) {
		t.Fatalf("lcsFull = %q %+v", s, m)
	}
	if n := lcsLen([]byte("ohmytext"), []byte("mynewtext")); n != 6 {
		t.Fatalf("lcsLen = %d", n)
	}
	if s, m := lcsFull(nil, []byte("abc"), true, 0); len(s) != 0 || len(m) != 0 {
		t.Fatalf("empty LCS = %q %v", s, m)
	}
}

// --- benchmark ---------------------------------------------------------------

// BenchmarkGetSet drives the GET and SET handlers in-process on existing
// keys with small values; both must report 0 allocs/op.
func BenchmarkGetSet(b *testing.B) {
	st := server.DefaultSettings()
	srv := server.New(st, Register)
	ks := srv.Keyspace()
	var w resp.Writer
	c := &server.Ctx{Srv: srv, W: &w}
	key := []byte("key:000000000001")
	val := []byte("value-0123456789")
	mask := keyspace.MaskOf(key)
	run := func(h server.Handler, args [][]byte) {
		c.Args = args
		c.DB = ks.View(0, time.Now().UnixMilli())
		w.Reset()
		ks.Lock(mask)
		h(c)
		ks.Unlock(mask)
	}
	setArgs := [][]byte{[]byte("SET"), key, val}
	getArgs := [][]byte{[]byte("GET"), key}
	run(cmdSet, setArgs)

	b.Run("GET", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			run(cmdGet, getArgs)
		}
		if string(w.Buf) != "$16\r\nvalue-0123456789\r\n" {
			b.Fatalf("GET reply %q", w.Buf)
		}
	})
	b.Run("SET", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			run(cmdSet, setArgs)
		}
		if string(w.Buf) != "+OK\r\n" {
			b.Fatalf("SET reply %q", w.Buf)
		}
	})
	b.Run("SET_EX", func(b *testing.B) {
		exArgs := [][]byte{[]byte("SET"), key, val, []byte("EX"), []byte("100")}
		b.ReportAllocs()
		for b.Loop() {
			run(cmdSet, exArgs)
		}
	})
	b.Run("INCR", func(b *testing.B) {
		incrArgs := [][]byte{[]byte("INCR"), []byte("counter")}
		mask = keyspace.MaskOf([]byte("counter"))
		b.ReportAllocs()
		for b.Loop() {
			run(cmdIncr, incrArgs)
		}
	})
}

// TestGetSetAllocs keeps GET and SET of existing keys allocation-free.
func TestGetSetAllocs(t *testing.T) {
	srv := server.New(server.DefaultSettings(), Register)
	ks := srv.Keyspace()
	var w resp.Writer
	c := &server.Ctx{Srv: srv, W: &w}
	key, val := []byte("k"), []byte("small-value")
	mask := keyspace.MaskOf(key)
	run := func(h server.Handler, args [][]byte) {
		c.Args = args
		c.DB = ks.View(0, time.Now().UnixMilli())
		w.Reset()
		ks.Lock(mask)
		h(c)
		ks.Unlock(mask)
	}
	set := [][]byte{[]byte("SET"), key, val}
	get := [][]byte{[]byte("GET"), key}
	run(cmdSet, set)
	run(cmdGet, get) // grow the writer's buffer once
	if n := testing.AllocsPerRun(200, func() { run(cmdSet, set) }); n != 0 {
		t.Errorf("SET: %v allocs/op", n)
	}
	if n := testing.AllocsPerRun(200, func() { run(cmdGet, get) }); n != 0 {
		t.Errorf("GET: %v allocs/op", n)
	}
}
