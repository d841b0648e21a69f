package commands

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"petrel/internal/errs"
	"petrel/internal/keyspace"
	"petrel/internal/resp"
	"petrel/internal/server"
)

func zpairs(pairs ...any) []redis.Z {
	var out []redis.Z
	for i := 0; i < len(pairs); i += 2 {
		out = append(out, redis.Z{Score: pairs[i].(float64), Member: pairs[i+1]})
	}
	return out
}

func TestZSetCommandsGoRedis(t *testing.T) {
	e := newCollEnv(t)
	for _, c := range []*redis.Client{e.rdb, e.rdb3} {
		ctx := e.ctx
		c.FlushAll(ctx)
		if n := c.ZAdd(ctx, "z", zpairs(1.0, "a", 2.0, "b", 3.5, "c")...).Val(); n != 3 {
			t.Fatalf("ZADD = %d", n)
		}
		if n := c.ZAddArgs(ctx, "z", redis.ZAddArgs{GT: true, Ch: true, Members: zpairs(5.0, "a", 1.0, "b")}).Val(); n != 1 {
			t.Fatalf("ZADD GT CH = %d", n)
		}
		if s := c.ZIncrBy(ctx, "z", 0.5, "b").Val(); s != 2.5 {
			t.Fatalf("ZINCRBY = %v", s)
		}
		if got := c.ZRangeWithScores(ctx, "z", 0, -1).Val(); !slices.Equal(got, zpairs(2.5, "b", 3.5, "c", 5.0, "a")) {
			t.Fatalf("ZRANGE WITHSCORES = %v", got)
		}
		if s := c.ZScore(ctx, "z", "c").Val(); s != 3.5 {
			t.Fatalf("ZSCORE = %v", s)
		}
		if got := c.ZMScore(ctx, "z", "a", "nope").Val(); len(got) != 2 || got[0] != 5 || got[1] != 0 {
			t.Fatalf("ZMSCORE = %v", got)
		}
		if r := c.ZRank(ctx, "z", "a").Val(); r != 2 {
			t.Fatalf("ZRANK = %d", r)
		}
		if rs := c.ZRevRankWithScore(ctx, "z", "a").Val(); rs.Rank != 0 || rs.Score != 5 {
			t.Fatalf("ZREVRANK WITHSCORE = %+v", rs)
		}
		if got := c.ZRangeByScore(ctx, "z", &redis.ZRangeBy{Min: "(2.5", Max: "+inf"}).Val(); !slices.Equal(got, []string{"c", "a"}) {
			t.Fatalf("ZRANGEBYSCORE = %v", got)
		}
		if got := c.ZRangeArgs(ctx, redis.ZRangeArgs{Key: "z", Start: "+inf", Stop: "-inf", ByScore: true, Rev: true, Count: 2}).Val(); !slices.Equal(got, []string{"a", "c"}) {
			t.Fatalf("ZRANGE BYSCORE REV LIMIT = %v", got)
		}
		if n := c.ZCount(ctx, "z", "3", "5").Val(); n != 2 {
			t.Fatalf("ZCOUNT = %d", n)
		}
		c.ZAdd(ctx, "lex", zpairs(0.0, "a", 0.0, "b", 0.0, "c", 0.0, "d")...)
		if got := c.ZRangeByLex(ctx, "lex", &redis.ZRangeBy{Min: "(a", Max: "[c"}).Val(); !slices.Equal(got, []string{"b", "c"}) {
			t.Fatalf("ZRANGEBYLEX = %v", got)
		}
		if n := c.ZLexCount(ctx, "lex", "-", "+").Val(); n != 4 {
			t.Fatalf("ZLEXCOUNT = %d", n)
		}
		if n := c.ZRemRangeByLex(ctx, "lex", "[a", "(c").Val(); n != 2 {
			t.Fatalf("ZREMRANGEBYLEX = %d", n)
		}
		if got := c.ZPopMin(ctx, "lex", 5).Val(); !slices.Equal(got, zpairs(0.0, "c", 0.0, "d")) {
			t.Fatalf("ZPOPMIN = %v", got)
		}
		if c.Exists(ctx, "lex").Val() != 0 {
			t.Fatal("emptied zset still exists")
		}
		c.ZAdd(ctx, "w", zpairs(1.0, "b", 10.0, "x")...)
		if got := c.ZUnionWithScores(ctx, redis.ZStore{Keys: []string{"z", "w"}, Weights: []float64{1, 2}}).Val(); !slices.Equal(got, zpairs(3.5, "c", 4.5, "b", 5.0, "a", 20.0, "x")) {
			t.Fatalf("ZUNION = %v", got)
		}
		if got := c.ZInterWithScores(ctx, &redis.ZStore{Keys: []string{"z", "w"}, Aggregate: "MAX"}).Val(); !slices.Equal(got, zpairs(2.5, "b")) {
			t.Fatalf("ZINTER = %v", got)
		}
		if got := c.ZDiff(ctx, "z", "w").Val(); !slices.Equal(got, []string{"c", "a"}) {
			t.Fatalf("ZDIFF = %v", got)
		}
		if n := c.ZInterCard(ctx, 0, "z", "w").Val(); n != 1 {
			t.Fatalf("ZINTERCARD = %d", n)
		}
		if n := c.ZUnionStore(ctx, "u", &redis.ZStore{Keys: []string{"z", "w"}}).Val(); n != 4 {
			t.Fatalf("ZUNIONSTORE = %d", n)
		}
		if n := c.ZRangeStore(ctx, "rs", redis.ZRangeArgs{Key: "u", Start: 0, Stop: 1}).Val(); n != 2 {
			t.Fatalf("ZRANGESTORE = %d", n)
		}
		key, got := c.ZMPop(ctx, "max", 2, "nokey", "u").Val()
		if key != "u" || !slices.Equal(got, zpairs(10.0, "x", 5.0, "a")) {
			t.Fatalf("ZMPOP = %s %v", key, got)
		}
		if got := c.ZRandMemberWithScores(ctx, "u", 10).Val(); len(got) != 2 {
			t.Fatalf("ZRANDMEMBER WITHSCORES = %v", got)
		}
		keys, cur := c.ZScan(ctx, "u", 0, "", 0).Val()
		if cur != 0 || len(keys) != 4 {
			t.Fatalf("ZSCAN = %v", keys)
		}
		if n := c.ZRem(ctx, "u", "b", "c", "zz").Val(); n != 2 || c.Exists(ctx, "u").Val() != 0 {
			t.Fatalf("ZREM = %d", n)
		}
		bz := c.BZPopMin(ctx, time.Second, "nokey", "z").Val()
		if bz == nil || bz.Key != "z" || bz.Member != "b" {
			t.Fatalf("BZPOPMIN = %+v", bz)
		}
	}
}

func TestZSetRawRepliesBothProtocols(t *testing.T) {
	e := newCollEnv(t)
	e.is(t, cInt(3), "ZADD", "z", "1", "a", "2.5", "b", "inf", "c")
	e.is(t, cArr(cBulk("a"), cBulk("1"), cBulk("b"), cBulk("2.5")), "ZRANGE", "z", "0", "1", "WITHSCORES")
	e.is3(t, cArr(cArr(cBulk("a"), ",1\r\n"), cArr(cBulk("b"), ",2.5\r\n")), "ZRANGE", "z", "0", "1", "WITHSCORES")
	e.is3(t, ",inf\r\n", "ZSCORE", "z", "c")
	e.is(t, cBulk("inf"), "ZSCORE", "z", "c")
	e.is3(t, "_\r\n", "ZSCORE", "z", "nope")
	e.is3(t, cArr(":1\r\n", ",2.5\r\n"), "ZRANK", "z", "b", "WITHSCORE")
	e.is3(t, "_\r\n", "ZRANK", "z", "nope", "WITHSCORE")
	e.is(t, "*-1\r\n", "ZRANK", "z", "nope", "WITHSCORE")
	e.is(t, "$-1\r\n", "ZRANK", "z", "nope")
	e.is(t, cArr(cBulk("a"), cBulk("1")), "ZPOPMIN", "z")
	e.is3(t, cArr(cBulk("b"), ",2.5\r\n"), "ZPOPMIN", "z")
	e.is3(t, cArr(cArr(cBulk("c"), ",inf\r\n")), "ZPOPMIN", "z", "1")
	e.is(t, "*0\r\n", "ZPOPMIN", "z")
	e.is(t, "*-1\r\n", "ZMPOP", "1", "z", "MIN")
	e.is3(t, "_\r\n", "ZMPOP", "1", "z", "MIN")
	e.is(t, cInt(2), "ZADD", "z", "1.5", "a", "-0.25", "b")
	e.is3(t, cArr(cBulk("z"), cArr(cArr(cBulk("b"), ",-0.25\r\n"))), "ZMPOP", "1", "z", "MIN")
	e.is(t, cArr(cBulk("z"), cArr(cArr(cBulk("a"), cBulk("1.5")))), "ZMPOP", "1", "z", "MIN")
	e.is3(t, ",1\r\n", "ZINCRBY", "z", "1", "a")
	e.is(t, "$-1\r\n", "ZADD", "z", "XX", "INCR", "1", "nope")
	e.is3(t, "_\r\n", "ZADD", "z", "NX", "INCR", "1", "a")

	// Errors, in Valkey's words.
	for _, c := range []struct {
		err  error
		args []string
	}{
		{errs.ZAddXXNX, []string{"ZADD", "z", "NX", "XX", "1", "a"}},
		{errs.ZAddGTLTNX, []string{"ZADD", "z", "GT", "LT", "1", "a"}},
		{errs.ZAddIncrPair, []string{"ZADD", "z", "INCR", "1", "a", "2", "b"}},
		{errs.Syntax, []string{"ZADD", "z", "1", "a", "2"}},
		{errs.NotFloat, []string{"ZADD", "z", "nan", "a"}},
		{errs.NotFloat, []string{"ZADD", "z", "1e500", "a"}},
		{errs.MinMaxNotFloat, []string{"ZCOUNT", "z", "x", "1"}},
		{errs.MinMaxNotLex, []string{"ZLEXCOUNT", "z", "a", "b"}},
		{errs.ZRangeLimitByRank, []string{"ZRANGE", "z", "0", "1", "LIMIT", "0", "1"}},
		{errs.ZRangeScoresByLex, []string{"ZRANGE", "z", "-", "+", "BYLEX", "WITHSCORES"}},
		{errs.CountPositive, []string{"ZPOPMIN", "z", "-1"}},
		{errs.CountAboveZero, []string{"ZMPOP", "1", "z", "MIN", "COUNT", "0"}},
		{errs.NumKeysPositive, []string{"ZMPOP", "0", "z", "MIN"}},
		{errs.AtLeastOneKey("zunion"), []string{"ZUNION", "0", "z"}},
		{errs.WeightNotFloat, []string{"ZUNION", "1", "z", "WEIGHTS", "x"}},
		{errs.LimitNegative, []string{"ZINTERCARD", "1", "z", "LIMIT", "-1"}},
		{errs.HRandValuesRange, []string{"ZRANDMEMBER", "z", "4611686018427387904", "WITHSCORES"}},
		{errs.WrongArity("zrank"), []string{"ZRANK", "z", "a", "b", "c"}},
	} {
		e.is(t, cErr(c.err), c.args...)
	}
	e.is(t, cInt(1), "ZADD", "inf", "inf", "x")
	e.is(t, cErr(errs.ScoreNaN), "ZINCRBY", "inf", "-inf", "x")
	e.is(t, "+OK\r\n", "SET", "str", "v")
	for _, cmd := range [][]string{
		{"ZADD", "str", "1", "a"}, {"ZSCORE", "str", "a"}, {"ZRANGE", "str", "0", "-1"},
		{"ZUNION", "1", "str"}, {"ZPOPMIN", "str"}, {"ZMPOP", "2", "nokey", "str", "MIN"},
		{"ZRANDMEMBER", "str"}, {"ZSCAN", "str", "0"}, {"BZPOPMIN", "str", "0"},
	} {
		e.is(t, cErr(errs.WrongType), cmd...)
	}
}

// Encodings and conversions at Valkey's default thresholds and at
// configured ones; results of the STORE forms shrink back to listpacks.
func TestZSetEncodings(t *testing.T) {
	e := newCollEnv(t)
	ctx := e.ctx
	var big []redis.Z
	for i := 0; i < 128; i++ {
		big = append(big, redis.Z{Score: float64(i), Member: "m" + strconv.Itoa(i)})
	}
	e.rdb.ZAdd(ctx, "z", big...)
	if enc := e.encoding(t, "z"); enc != "listpack" {
		t.Fatalf("128 members: %s", enc)
	}
	e.rdb.ZAdd(ctx, "z", redis.Z{Score: 1, Member: "m128"})
	if enc := e.encoding(t, "z"); enc != "skiplist" {
		t.Fatalf("129 members: %s", enc)
	}
	e.rdb.ZAdd(ctx, "v", redis.Z{Score: 1, Member: string(make([]byte, 65))})
	if enc := e.encoding(t, "v"); enc != "skiplist" {
		t.Fatalf("65-byte member: %s", enc)
	}
	e.rdb.ZUnionStore(ctx, "small", &redis.ZStore{Keys: []string{"z"}})
	if enc := e.encoding(t, "small"); enc != "skiplist" {
		t.Fatalf("129-member store: %s", enc)
	}
	e.rdb.ZRemRangeByRank(ctx, "z", 0, 9)
	e.rdb.ZUnionStore(ctx, "small", &redis.ZStore{Keys: []string{"z"}})
	if enc := e.encoding(t, "small"); enc != "listpack" {
		t.Fatalf("119-member store: %s", enc)
	}
	if got, want := e.rdb.ZRange(ctx, "small", 0, -1).Val(), e.rdb.ZRange(ctx, "z", 0, -1).Val(); !slices.Equal(got, want) {
		t.Fatal("store lost members")
	}
	e.rdb.ConfigSet(ctx, "zset-max-listpack-entries", "2")
	e.rdb.ZAdd(ctx, "c", zpairs(1.0, "a", 2.0, "b")...)
	if enc := e.encoding(t, "c"); enc != "listpack" {
		t.Fatalf("configured: %s", enc)
	}
	e.rdb.ZAdd(ctx, "c", zpairs(3.0, "c")...)
	if enc := e.encoding(t, "c"); enc != "skiplist" {
		t.Fatalf("past configured: %s", enc)
	}
	// -0 survives only in a skiplist, as in Valkey.
	e.rdb.ZAdd(ctx, "c", zpairs(math.Copysign(0, -1), "neg")...)
	e.is(t, cBulk("-0"), "ZSCORE", "c", "neg")
	e.rdb.ConfigSet(ctx, "zset-max-listpack-entries", "128")
	e.rdb.ZAdd(ctx, "d", zpairs(math.Copysign(0, -1), "neg")...)
	e.is(t, cBulk("0"), "ZSCORE", "d", "neg")
}

// A skiplist-encoded sorted set driven through the server against a model:
// ranks, score ranges and lex ranges agree after every batch of changes.
func TestZSetServerModel(t *testing.T) {
	e := newCollEnv(t)
	ctx := e.ctx
	r := rand.New(rand.NewPCG(7, 7))
	model := map[string]float64{}
	for round := 0; round < 40; round++ {
		for i := 0; i < 100; i++ {
			m := fmt.Sprintf("k%04d", r.IntN(2000))
			if r.IntN(4) == 0 {
				e.rdb.ZRem(ctx, "z", m)
				delete(model, m)
				continue
			}
			s := float64(r.IntN(300)) / 2
			e.rdb.ZAdd(ctx, "z", redis.Z{Score: s, Member: m})
			model[m] = s
		}
		type ent struct {
			m string
			s float64
		}
		var want []ent
		for m, s := range model {
			want = append(want, ent{m, s})
		}
		sort.Slice(want, func(i, j int) bool {
			if want[i].s != want[j].s {
				return want[i].s < want[j].s
			}
			return want[i].m < want[j].m
		})
		got := e.rdb.ZRangeWithScores(ctx, "z", 0, -1).Val()
		if len(got) != len(want) {
			t.Fatalf("round %d: %d members, want %d", round, len(got), len(want))
		}
		for i := range got {
			if got[i].Member != want[i].m || got[i].Score != want[i].s {
				t.Fatalf("round %d: member %d is %v, want %v", round, i, got[i], want[i])
			}
		}
		for k := 0; k < 5; k++ {
			i := r.IntN(len(want))
			if rk := e.rdb.ZRank(ctx, "z", want[i].m).Val(); rk != int64(i) {
				t.Fatalf("ZRANK %s = %d, want %d", want[i].m, rk, i)
			}
			lo := float64(r.IntN(300)) / 2
			n := 0
			for _, w := range want {
				if w.s >= lo && w.s <= lo+10 {
					n++
				}
			}
			if c := e.rdb.ZCount(ctx, "z", strconv.FormatFloat(lo, 'f', -1, 64), strconv.FormatFloat(lo+10, 'f', -1, 64)).Val(); c != int64(n) {
				t.Fatalf("ZCOUNT %v: %d, want %d", lo, c, n)
			}
		}
	}
	if enc := e.encoding(t, "z"); enc != "skiplist" {
		t.Fatalf("encoding %s", enc)
	}
}

// BZPOPMIN waits for a ZADD on another connection.
func TestBZPopMinBlocks(t *testing.T) {
	e := newCollEnv(t)
	done := make(chan *redis.ZWithKey, 1)
	go func() {
		done <- e.rdb3.BZPopMin(e.ctx, 5*time.Second, "q").Val()
	}()
	time.Sleep(50 * time.Millisecond)
	e.rdb.ZAdd(e.ctx, "q", redis.Z{Score: 2, Member: "x"})
	select {
	case got := <-done:
		if got == nil || got.Key != "q" || got.Member != "x" || got.Score != 2 {
			t.Fatalf("BZPOPMIN = %+v", got)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("BZPOPMIN was not served")
	}
	if e.rdb.Exists(e.ctx, "q").Val() != 0 {
		t.Fatal("served key still exists")
	}
}

func BenchmarkZSetHandlers(b *testing.B) {
	srv := server.New(server.DefaultSettings(), Register)
	defer srv.Close()
	ks := srv.Keyspace()
	var w resp.Writer
	w.Proto = 2
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
	for _, size := range []int{100, 1000000} {
		key := []byte(fmt.Sprint("zset:", size))
		mems := make([][]byte, size)
		scores := make([][]byte, size)
		for i := range mems {
			mems[i] = []byte(fmt.Sprint("element:", i))
			scores[i] = strconv.AppendInt(nil, int64(i*7919%1000003), 10)
			run(cmdZAdd, [][]byte{[]byte("ZADD"), key, scores[i], mems[i]})
		}
		b.Run(fmt.Sprint("ZADD-update/", size), func(b *testing.B) {
			b.ReportAllocs()
			args := [][]byte{[]byte("ZADD"), key, nil, nil}
			i := 0
			for b.Loop() {
				args[2], args[3] = scores[(i*31)%size], mems[i%size]
				run(cmdZAdd, args)
				i++
			}
		})
		b.Run(fmt.Sprint("ZRANK/", size), func(b *testing.B) {
			b.ReportAllocs()
			args := [][]byte{[]byte("ZRANK"), key, nil}
			i := 0
			for b.Loop() {
				args[2] = mems[(i*7919)%size]
				run(cmdZRank, args)
				i++
			}
		})
		b.Run(fmt.Sprint("ZRANGE-10/", size), func(b *testing.B) {
			b.ReportAllocs()
			args := [][]byte{[]byte("ZRANGE"), key, nil, nil, []byte("WITHSCORES")}
			i := 0
			for b.Loop() {
				start := (i * 7919) % max(size-10, 1)
				args[2] = strconv.AppendInt(args[2][:0], int64(start), 10)
				args[3] = strconv.AppendInt(args[3][:0], int64(start+9), 10)
				run(cmdZRange, args)
				i++
			}
		})
	}
	b.Run("ZADD-new", func(b *testing.B) {
		b.ReportAllocs()
		args := [][]byte{[]byte("ZADD"), []byte("grow"), nil, nil}
		var sb, mb []byte
		i := 0
		for b.Loop() {
			sb = strconv.AppendInt(sb[:0], int64(i*7919%1000003), 10)
			mb = strconv.AppendInt(append(mb[:0], "member:"...), int64(i), 10)
			args[2], args[3] = sb, mb
			run(cmdZAdd, args)
			i++
		}
	})
}
