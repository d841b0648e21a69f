package commands

import (
	"context"
	"fmt"
	"slices"
	"sort"
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

// collEnv is a server with a RESP2 and a RESP3 go-redis client and a raw
// connection in each protocol, for the set and sorted set tests.
type collEnv struct {
	srv       *server.Server
	rdb, rdb3 *redis.Client
	raw, raw3 *servertest.Raw
	ctx       context.Context
}

func newCollEnv(t *testing.T) *collEnv {
	t.Helper()
	srv := servertest.Start(t, nil, Register)
	e := &collEnv{
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

// is checks a raw RESP2 reply; is3 a RESP3 one.
func (e *collEnv) is(t *testing.T, want string, args ...string) {
	t.Helper()
	if got := e.raw.Do(args...); got != want {
		t.Fatalf("%s: got %q, want %q", strings.Join(args, " "), got, want)
	}
}

func (e *collEnv) is3(t *testing.T, want string, args ...string) {
	t.Helper()
	if got := e.raw3.Do(args...); got != want {
		t.Fatalf("RESP3 %s: got %q, want %q", strings.Join(args, " "), got, want)
	}
}

func (e *collEnv) encoding(t *testing.T, key string) string {
	t.Helper()
	ks := e.srv.Keyspace()
	m := keyspace.MaskOf([]byte(key))
	ks.Lock(m)
	defer ks.Unlock(m)
	en, ok := ks.View(0, time.Now().UnixMilli()).Peek([]byte(key))
	if !ok {
		t.Fatalf("%s: no such key", key)
	}
	return keyspace.EncodingName(en.Encoding())
}

func cInt(n int64) string   { return ":" + strconv.FormatInt(n, 10) + "\r\n" }
func cBulk(s string) string { return "$" + strconv.Itoa(len(s)) + "\r\n" + s + "\r\n" }
func cErr(err error) string { return "-" + errs.Text(err) + "\r\n" }
func cArr(items ...string) string {
	return "*" + strconv.Itoa(len(items)) + "\r\n" + strings.Join(items, "")
}
func cSet3(items ...string) string {
	return "~" + strconv.Itoa(len(items)) + "\r\n" + strings.Join(items, "")
}
func cBulks(ss ...string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = cBulk(s)
	}
	return out
}

func memberNames(prefix string, from, to int) []string {
	var out []string
	for i := from; i < to; i++ {
		out = append(out, prefix+strconv.Itoa(i))
	}
	return out
}

func sortedCopy(ss []string) []string {
	out := slices.Clone(ss)
	sort.Strings(out)
	return out
}

func TestSetCommandsGoRedis(t *testing.T) {
	e := newCollEnv(t)
	for _, c := range []*redis.Client{e.rdb, e.rdb3} {
		ctx := e.ctx
		c.FlushAll(ctx)
		if n := c.SAdd(ctx, "s", "a", "b", "c", "a").Val(); n != 3 {
			t.Fatalf("SADD = %d", n)
		}
		if got := c.SMembers(ctx, "s").Val(); !slices.Equal(got, []string{"a", "b", "c"}) {
			t.Fatalf("SMEMBERS = %v", got)
		}
		if !c.SIsMember(ctx, "s", "b").Val() || c.SIsMember(ctx, "s", "z").Val() {
			t.Fatal("SISMEMBER")
		}
		if got := c.SMIsMember(ctx, "s", "a", "z", "c").Val(); !slices.Equal(got, []bool{true, false, true}) {
			t.Fatalf("SMISMEMBER = %v", got)
		}
		if c.SCard(ctx, "s").Val() != 3 || c.SCard(ctx, "nokey").Val() != 0 {
			t.Fatal("SCARD")
		}
		if c.SRem(ctx, "s", "a", "zz").Val() != 1 {
			t.Fatal("SREM")
		}
		if !c.SMove(ctx, "s", "d", "b").Val() || c.SMove(ctx, "s", "d", "b").Val() {
			t.Fatal("SMOVE")
		}
		c.SAdd(ctx, "x", 1, 2, 3, 4)
		c.SAdd(ctx, "y", 3, 4, 5)
		if got := c.SInter(ctx, "x", "y").Val(); !slices.Equal(got, []string{"3", "4"}) {
			t.Fatalf("SINTER = %v", got)
		}
		if got := c.SUnion(ctx, "x", "y").Val(); !slices.Equal(got, []string{"1", "2", "3", "4", "5"}) {
			t.Fatalf("SUNION = %v", got)
		}
		if got := c.SDiff(ctx, "x", "y").Val(); !slices.Equal(got, []string{"1", "2"}) {
			t.Fatalf("SDIFF = %v", got)
		}
		if c.SInterCard(ctx, 1, "x", "y").Val() != 1 || c.SInterCard(ctx, 0, "x", "y").Val() != 2 {
			t.Fatal("SINTERCARD")
		}
		if c.SInterStore(ctx, "i", "x", "y").Val() != 2 || c.SUnionStore(ctx, "u", "x", "y").Val() != 5 ||
			c.SDiffStore(ctx, "df", "x", "y").Val() != 2 {
			t.Fatal("S*STORE")
		}
		popped := c.SPopN(ctx, "u", 2).Val()
		if len(popped) != 2 || c.SCard(ctx, "u").Val() != 3 {
			t.Fatalf("SPOP count: %v", popped)
		}
		for _, m := range popped {
			if c.SIsMember(ctx, "u", m).Val() {
				t.Fatalf("popped %s still a member", m)
			}
		}
		if m := c.SPop(ctx, "u").Val(); m == "" {
			t.Fatal("SPOP")
		}
		if got := c.SRandMemberN(ctx, "x", -10).Val(); len(got) != 10 {
			t.Fatalf("SRANDMEMBER -10: %v", got)
		}
		if got := c.SRandMemberN(ctx, "x", 3).Val(); len(got) != 3 || len(sortedCopy(got)) != 3 {
			t.Fatalf("SRANDMEMBER 3: %v", got)
		}
		keys, cur := c.SScan(ctx, "x", 0, "", 0).Val()
		if cur != 0 || !slices.Equal(keys, []string{"1", "2", "3", "4"}) {
			t.Fatalf("SSCAN = %v %d", keys, cur)
		}
		c.Set(ctx, "str", "v", 0)
		if err := c.SAdd(ctx, "str", "a").Err(); err == nil || err.Error() != errs.Text(errs.WrongType) {
			t.Fatalf("SADD on a string: %v", err)
		}
	}
}

func TestSetRawRepliesBothProtocols(t *testing.T) {
	e := newCollEnv(t)
	e.is(t, cInt(3), "SADD", "s", "c", "a", "b")
	e.is(t, cArr(cBulks("c", "a", "b")...), "SMEMBERS", "s")
	e.is3(t, cSet3(cBulks("c", "a", "b")...), "SMEMBERS", "s")
	e.is3(t, "~0\r\n", "SMEMBERS", "nokey")
	e.is(t, "*0\r\n", "SMEMBERS", "nokey")
	e.is3(t, "_\r\n", "SPOP", "nokey")
	e.is(t, "$-1\r\n", "SPOP", "nokey")
	e.is3(t, "~0\r\n", "SPOP", "nokey", "2")
	e.is(t, "*0\r\n", "SRANDMEMBER", "nokey", "2")
	e.is3(t, "*0\r\n", "SRANDMEMBER", "nokey", "2")
	e.is3(t, "_\r\n", "SRANDMEMBER", "nokey")
	e.is(t, cArr(cInt(1), cInt(0)), "SMISMEMBER", "s", "a", "z")
	e.is(t, cArr(cBulk("0"), cArr()), "SSCAN", "nokey", "0")
	e.is(t, cArr(cBulk("0"), cArr(cBulk("a"))), "SSCAN", "s", "0", "MATCH", "a")
	e.is3(t, "~0\r\n", "SINTER", "s", "nokey")
	e.is3(t, cSet3(cBulks("c", "a", "b")...), "SINTER", "s", "s")
	e.is(t, cInt(0), "SINTERSTORE", "d", "s", "nokey")
	e.is(t, cInt(2), "SINTERCARD", "1", "s", "LIMIT", "2")

	// Errors, in Valkey's order and words.
	e.is(t, cErr(errs.WrongArity("sadd")), "SADD", "s")
	e.is(t, cErr(errs.Syntax), "SPOP", "s", "1", "2")
	e.is(t, cErr(errs.CountPositive), "SPOP", "s", "-1")
	e.is(t, cErr(errs.CountPositive), "SPOP", "s", "x")
	e.is(t, cErr(errs.NotInteger), "SRANDMEMBER", "s", "x")
	e.is(t, cErr(errs.HRandCountRange), "SRANDMEMBER", "s", "-9223372036854775808")
	e.is(t, cErr(errs.NumKeysPositive), "SINTERCARD", "0", "s")
	e.is(t, cErr(errs.NumKeysTooMany), "SINTERCARD", "3", "s")
	e.is(t, cErr(errs.LimitNegative), "SINTERCARD", "1", "s", "LIMIT", "-1")
	e.is(t, cErr(errs.Syntax), "SINTERCARD", "1", "s", "LIMIT")
	e.is(t, cErr(errs.InvalidCursor), "SSCAN", "s", "x")
	e.is(t, cErr(errs.Syntax), "SSCAN", "s", "0", "COUNT", "0")
	e.is(t, cErr(errs.ScanNoScores), "SSCAN", "s", "0", "NOSCORES")
	e.is(t, cArr(cBulk("0"), cArr()), "SSCAN", "nokey", "0", "COUNT", "0") // options unchecked
	e.is(t, "+OK\r\n", "SET", "str", "v")
	for _, cmd := range [][]string{
		{"SADD", "str", "a"}, {"SREM", "str", "a"}, {"SCARD", "str"}, {"SISMEMBER", "str", "a"},
		{"SMISMEMBER", "str", "a"}, {"SMEMBERS", "str"}, {"SPOP", "str"}, {"SPOP", "str", "1"},
		{"SRANDMEMBER", "str"}, {"SRANDMEMBER", "str", "1"}, {"SINTER", "nokey", "str"},
		{"SUNION", "s", "str"}, {"SDIFF", "str"}, {"SINTERSTORE", "d", "str"}, {"SSCAN", "str", "0"},
		{"SMOVE", "s", "str", "a"}, {"SMOVE", "str", "s", "a"},
	} {
		e.is(t, cErr(errs.WrongType), cmd...)
	}
	e.is(t, cInt(0), "SMOVE", "nokey", "str", "a") // a missing source wins
}

// Encodings and conversions at Valkey's default thresholds and at
// configured ones.
func TestSetEncodings(t *testing.T) {
	e := newCollEnv(t)
	ctx := e.ctx
	ints := func(from, to int) []any {
		var out []any
		for i := from; i < to; i++ {
			out = append(out, i)
		}
		return out
	}
	strs := func(ss []string) []any {
		out := make([]any, len(ss))
		for i, s := range ss {
			out[i] = s
		}
		return out
	}
	e.rdb.SAdd(ctx, "i", ints(0, 512)...)
	if enc := e.encoding(t, "i"); enc != "intset" {
		t.Fatalf("512 ints: %s", enc)
	}
	e.rdb.SAdd(ctx, "i", 512)
	if enc := e.encoding(t, "i"); enc != "hashtable" {
		t.Fatalf("513 ints: %s", enc)
	}
	e.rdb.SAdd(ctx, "l", strs(memberNames("m", 0, 128))...)
	if enc := e.encoding(t, "l"); enc != "listpack" {
		t.Fatalf("128 strings: %s", enc)
	}
	e.rdb.SAdd(ctx, "l", "m128")
	if enc := e.encoding(t, "l"); enc != "hashtable" {
		t.Fatalf("129 strings: %s", enc)
	}
	e.rdb.SAdd(ctx, "v", 1, strings.Repeat("x", 64))
	if enc := e.encoding(t, "v"); enc != "listpack" {
		t.Fatalf("64-byte member: %s", enc)
	}
	e.rdb.SAdd(ctx, "v", strings.Repeat("x", 65))
	if enc := e.encoding(t, "v"); enc != "hashtable" {
		t.Fatalf("65-byte member: %s", enc)
	}
	// Configured thresholds take effect at once.
	e.rdb.ConfigSet(ctx, "set-max-intset-entries", "2")
	e.rdb.ConfigSet(ctx, "set-max-listpack-entries", "3")
	e.rdb.SAdd(ctx, "c", 1, 2)
	if enc := e.encoding(t, "c"); enc != "intset" {
		t.Fatalf("configured intset: %s", enc)
	}
	e.rdb.SAdd(ctx, "c", 3)
	if enc := e.encoding(t, "c"); enc != "hashtable" {
		t.Fatalf("past configured intset: %s", enc)
	}
	e.rdb.SAdd(ctx, "d", "a", "b", "c", "d")
	if enc := e.encoding(t, "d"); enc != "hashtable" {
		t.Fatalf("past configured listpack: %s", enc)
	}
	// Contents survive every conversion.
	for _, k := range []string{"i", "l", "v", "c", "d"} {
		if n := e.rdb.SCard(ctx, k).Val(); n == 0 {
			t.Fatalf("%s lost its members", k)
		}
	}
	if got := sortedCopy(e.rdb.SMembers(ctx, "d").Val()); !slices.Equal(got, []string{"a", "b", "c", "d"}) {
		t.Fatalf("converted set: %v", got)
	}
}

// SPOP and SRANDMEMBER return what they claim, on each encoding.
func TestSetRandomCommands(t *testing.T) {
	e := newCollEnv(t)
	ctx := e.ctx
	for _, tc := range []struct {
		name string
		mems []string
	}{
		{"intset", memberNames("", 0, 50)},
		{"listpack", memberNames("m", 0, 50)},
		{"hashtable", memberNames("m", 0, 300)},
		{"big-intset", memberNames("", 0, 400)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := make([]any, len(tc.mems))
			for i, m := range tc.mems {
				args[i] = m
			}
			all := map[string]bool{}
			for _, m := range tc.mems {
				all[m] = true
			}
			for _, count := range []int64{1, 2, 10, int64(len(tc.mems)) - 1, int64(len(tc.mems)), 1000} {
				got := e.rdb.SRandMemberN(ctx, "k", count).Val()
				if len(got) != 0 {
					t.Fatalf("SRANDMEMBER on a missing key: %v", got)
				}
				e.rdb.SAdd(ctx, "k", args...)
				got = e.rdb.SRandMemberN(ctx, "k", count).Val()
				if want := min(count, int64(len(tc.mems))); int64(len(got)) != want || len(sortedCopy(slices.Compact(sortedCopy(got)))) != int(want) {
					t.Fatalf("SRANDMEMBER %d: %d members, distinct? %v", count, len(got), got)
				}
				got = e.rdb.SRandMemberN(ctx, "k", -count).Val()
				if int64(len(got)) != count {
					t.Fatalf("SRANDMEMBER -%d: %d members", count, len(got))
				}
				for _, m := range got {
					if !all[m] {
						t.Fatalf("SRANDMEMBER gave %q", m)
					}
				}
				popped := e.rdb.SPopN(ctx, "k", count).Val()
				left := e.rdb.SMembers(ctx, "k").Val()
				if int64(len(popped)) != min(count, int64(len(tc.mems))) || len(popped)+len(left) != len(tc.mems) {
					t.Fatalf("SPOP %d: popped %d, left %d", count, len(popped), len(left))
				}
				union := sortedCopy(append(slices.Clone(popped), left...))
				if !slices.Equal(slices.Compact(union), sortedCopy(tc.mems)) {
					t.Fatalf("SPOP %d: popped and left do not make the set", count)
				}
				e.rdb.Del(ctx, "k")
			}
		})
	}
}

// SSCAN over a hashtable returns every member present for the whole scan
// at least once, even when the set grows and shrinks between calls.
func TestSetScanHashtable(t *testing.T) {
	e := newCollEnv(t)
	ctx := e.ctx
	base := memberNames("m", 0, 1000)
	args := make([]any, len(base))
	for i, m := range base {
		args[i] = m
	}
	e.rdb.SAdd(ctx, "s", args...)
	seen := map[string]bool{}
	var cursor uint64
	for i := 0; ; i++ {
		keys, next := e.rdb.SScan(ctx, "s", cursor, "", 20).Val()
		for _, k := range keys {
			seen[k] = true
		}
		switch i % 3 {
		case 0: // grow
			for j := 0; j < 200; j++ {
				e.rdb.SAdd(ctx, "s", fmt.Sprintf("extra%d-%d", i, j))
			}
		case 1: // shrink the extras again
			for j := 0; j < 200; j++ {
				e.rdb.SRem(ctx, "s", fmt.Sprintf("extra%d-%d", i-1, j))
			}
		}
		if cursor = next; cursor == 0 {
			break
		}
		if i > 100000 {
			t.Fatal("scan does not end")
		}
	}
	for _, m := range base {
		if !seen[m] {
			t.Fatalf("SSCAN missed %s", m)
		}
	}
}

func BenchmarkSetHandlers(b *testing.B) {
	srv := server.New(server.DefaultSettings(), Register)
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
	for _, size := range []int{1, 100, 100000} {
		key := []byte(fmt.Sprint("set:", size))
		mems := make([][]byte, size)
		for i := range mems {
			mems[i] = []byte(fmt.Sprint("element:", i))
			run(cmdSAdd, [][]byte{[]byte("SADD"), key, mems[i]})
		}
		b.Run(fmt.Sprint("SADD-existing/", size), func(b *testing.B) {
			b.ReportAllocs()
			args := [][]byte{[]byte("SADD"), key, nil}
			i := 0
			for b.Loop() {
				args[2] = mems[i%size]
				run(cmdSAdd, args)
				i++
			}
		})
		b.Run(fmt.Sprint("SISMEMBER/", size), func(b *testing.B) {
			b.ReportAllocs()
			args := [][]byte{[]byte("SISMEMBER"), key, nil}
			i := 0
			for b.Loop() {
				args[2] = mems[i%size]
				run(cmdSIsMember, args)
				i++
			}
		})
	}
	b.Run("SADD-new/hashtable", func(b *testing.B) {
		b.ReportAllocs()
		args := [][]byte{[]byte("SADD"), []byte("grow"), nil}
		var buf []byte
		i := 0
		for b.Loop() {
			buf = strconv.AppendInt(append(buf[:0], "member:"...), int64(i), 10)
			args[2] = buf
			run(cmdSAdd, args)
			i++
		}
	})
}
