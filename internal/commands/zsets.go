package commands

// The sorted set family, as Valkey 9's t_zset.c: ZADD ZINCRBY ZREM ZCARD
// ZCOUNT ZLEXCOUNT ZSCORE ZMSCORE ZRANK ZREVRANK ZRANGE ZRANGESTORE
// ZREVRANGE ZRANGEBYSCORE ZREVRANGEBYSCORE ZRANGEBYLEX ZREVRANGEBYLEX
// ZREMRANGEBYRANK ZREMRANGEBYSCORE ZREMRANGEBYLEX ZPOPMIN ZPOPMAX ZMPOP
// ZRANDMEMBER ZUNION ZINTER ZDIFF ZINTERCARD ZUNIONSTORE ZINTERSTORE
// ZDIFFSTORE ZSCAN.
//
// Encodings (OBJECT ENCODING), as Valkey chooses and converts them
// (package types/zset has the rules):
//   - listpack: at most zset-max-listpack-entries members of at most
//     zset-max-listpack-value bytes (scores stored as integers when they
//     are integral, so a -0 score reads back as 0);
//   - skiplist: a member dictionary plus an order-statistic B+tree (in
//     place of Valkey's skiplist, same complexity).
// A listpack only becomes a skiplist, except the results of
// ZUNIONSTORE/ZINTERSTORE/ZDIFFSTORE, which are listpacks when they fit.
//
// Scores: arguments parse as Valkey's string2d (strtod, hex floats and
// inf accepted, overflow and NaN rejected); range bounds as zslParseRange
// (strtod up to a NUL, "(" for exclusive). Replies write scores with
// Valkey's d2string as RESP3 doubles (bulk strings in RESP2); ZSCAN on a
// skiplist prints them "%.17g", on a listpack as stored.
//
// WITHSCORES replies are flat in RESP2 and arrays of [member, score] pairs
// in RESP3, as Valkey does.

import (
	"bytes"
	"math"
	"strconv"
	"strings"

	"petrel/internal/errs"
	"petrel/internal/glob"
	"petrel/internal/keyspace"
	"petrel/internal/resp"
	"petrel/internal/server"
	"petrel/internal/types/set"
	"petrel/internal/types/zset"
)

func registerZSets(r *server.Registry) {
	r.Handle("bzmpop", cmdBZMPop)
	r.Handle("bzpopmax", cmdBZPopMax)
	r.Handle("bzpopmin", cmdBZPopMin)
	r.Handle("zadd", cmdZAdd)
	r.Handle("zcard", cmdZCard)
	r.Handle("zcount", cmdZCount)
	r.Handle("zdiff", cmdZDiff)
	r.Handle("zdiffstore", cmdZDiffStore)
	r.Handle("zincrby", cmdZIncrBy)
	r.Handle("zinter", cmdZInter)
	r.Handle("zintercard", cmdZInterCard)
	r.Handle("zinterstore", cmdZInterStore)
	r.Handle("zlexcount", cmdZLexCount)
	r.Handle("zmpop", cmdZMPop)
	r.Handle("zmscore", cmdZMScore)
	r.Handle("zpopmax", cmdZPopMax)
	r.Handle("zpopmin", cmdZPopMin)
	r.Handle("zrandmember", cmdZRandMember)
	r.Handle("zrange", cmdZRange)
	r.Handle("zrangebylex", cmdZRangeByLex)
	r.Handle("zrangebyscore", cmdZRangeByScore)
	r.Handle("zrangestore", cmdZRangeStore)
	r.Handle("zrank", cmdZRank)
	r.Handle("zrem", cmdZRem)
	r.Handle("zremrangebylex", cmdZRemRangeByLex)
	r.Handle("zremrangebyrank", cmdZRemRangeByRank)
	r.Handle("zremrangebyscore", cmdZRemRangeByScore)
	r.Handle("zrevrange", cmdZRevRange)
	r.Handle("zrevrangebylex", cmdZRevRangeByLex)
	r.Handle("zrevrangebyscore", cmdZRevRangeByScore)
	r.Handle("zrevrank", cmdZRevRank)
	r.Handle("zscan", cmdZScan)
	r.Handle("zscore", cmdZScore)
	r.Handle("zunion", cmdZUnion)
	r.Handle("zunionstore", cmdZUnionStore)
}

// --- type helpers -------------------------------------------------------------

// zsetValue is a sorted set as the keyspace stores it, with the value
// interfaces the server looks for.
type zsetValue struct{ zset.ZSet }

func (v *zsetValue) Clone() any { return &zsetValue{*v.ZSet.Clone()} }

// Digest feeds DEBUG DIGEST as xorObjectDigest: per member, a fresh digest
// mixing the member then the score (fpconv_dtoa), XORed in.
func (v *zsetValue) Digest(d *server.Digest) {
	var buf [32]byte
	v.Each(func(m []byte, s float64) bool {
		var e server.Digest
		e.Mix(m)
		e.Mix(zset.AppendFpconv(buf[:0], s))
		d.Xor(e[:])
		return true
	})
}

// zsetLimits are the current zset-max-listpack-* thresholds.
func zsetLimits(c *server.Ctx) zset.Limits {
	if h := hotConfig(c); h != nil {
		return zset.Limits{
			ListpackEntries: int(h.ZsetMaxListpackEntries.Load()),
			ListpackValue:   int(h.ZsetMaxListpackValue.Load()),
		}
	}
	return zset.DefaultLimits
}

func zsetEncoding(z *zsetValue) uint8 {
	if z.Encoding() == zset.Listpack {
		return keyspace.EncListpack
	}
	return keyspace.EncSkiplist
}

func zsetOf(e keyspace.Entry) (*zsetValue, error) { return objectOf[*zsetValue](e, keyspace.TypeZSet) }

// zsetRead finds key for a read: the sorted set, nil when missing, or
// WRONGTYPE.
func zsetRead(db keyspace.DB, key []byte) (*zsetValue, error) {
	return readObject[*zsetValue](db, key, keyspace.TypeZSet)
}

// zsetWrite finds key for a write.
func zsetWrite(db keyspace.DB, key []byte) (*zsetValue, keyspace.Entry, error) {
	return writeObject[*zsetValue](db, key, keyspace.TypeZSet)
}

func syncZSetEncoding(e keyspace.Entry, z *zsetValue) {
	if enc := zsetEncoding(z); e.Encoding() != enc {
		e.SetEncoding(enc)
	}
}

// afterZSetRemoval deletes key when z is empty (a "del" event after the
// removal's own, which the caller reported), or records its encoding.
func afterZSetRemoval(c *server.Ctx, e keyspace.Entry, key []byte, z *zsetValue) {
	if z.Len() == 0 {
		e.Delete()
		c.Notify(key, "del")
		return
	}
	syncZSetEncoding(e, z)
}

// storeZSet replaces dst with z (a new value), or deletes dst when z is
// empty, as the *STORE commands do; it replies the stored length.
func storeZSet(c *server.Ctx, dst []byte, z *zsetValue, event string) {
	if z.Len() > 0 {
		c.DB.SetObject(dst, keyspace.TypeZSet, zsetEncoding(z), z, 0)
		c.DB.SignalReady(dst)
		c.Modified(dst, event)
		c.W.Int(int64(z.Len()))
		return
	}
	if c.DB.Delete(dst) {
		c.Modified(dst, "del")
	}
	c.W.Int(0)
}

// scoreArg reads a score as string2d.
func scoreArg(p *server.Args, err error) float64 {
	b := p.Next()
	if b == nil {
		return 0
	}
	f, ok := zset.ParseScore(b)
	if !ok {
		p.Fail(err)
	}
	return f
}

// writeScored writes one member of a WITHSCORES reply: in RESP3 a
// [member, score] pair.
func writeScored(w *resp.Writer, m []byte, s float64, withScores bool) {
	if withScores && w.Proto == 3 {
		w.Array(2)
	}
	w.Bulk(m)
	if withScores {
		w.Double(s)
	}
}

// scoredLen is the array length of n members in a WITHSCORES reply.
func scoredLen(w *resp.Writer, n int, withScores bool) int {
	if withScores && w.Proto != 3 {
		return 2 * n
	}
	return n
}

// --- ZADD / ZINCRBY / ZREM ------------------------------------------------------

// ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...]
func cmdZAdd(c *server.Ctx) { zaddGeneric(c, 0) }

// ZINCRBY key increment member
func cmdZIncrBy(c *server.Ctx) { zaddGeneric(c, zset.FlagIncr) }

// zaddGeneric is Valkey's zaddGenericCommand (ZINCRBY parses its
// arguments the same way, options included).
func zaddGeneric(c *server.Ctx, flags int) {
	key := c.Args[1]
	ch := false
	i := 2
options:
	for ; i < len(c.Args); i++ {
		switch a := c.Args[i]; {
		case isKeyword(a, "nx"):
			flags |= zset.FlagNX
		case isKeyword(a, "xx"):
			flags |= zset.FlagXX
		case isKeyword(a, "ch"):
			ch = true
		case isKeyword(a, "incr"):
			flags |= zset.FlagIncr
		case isKeyword(a, "gt"):
			flags |= zset.FlagGT
		case isKeyword(a, "lt"):
			flags |= zset.FlagLT
		default:
			break options
		}
	}
	incr := flags&zset.FlagIncr != 0
	nx, xx := flags&zset.FlagNX != 0, flags&zset.FlagXX != 0
	gt, lt := flags&zset.FlagGT != 0, flags&zset.FlagLT != 0
	pairs := c.Args[i:]
	if len(pairs) == 0 || len(pairs)%2 != 0 {
		c.Error(errs.Syntax)
		return
	}
	n := len(pairs) / 2
	switch {
	case nx && xx:
		c.Error(errs.ZAddXXNX)
		return
	case (gt && nx) || (lt && nx) || (gt && lt):
		c.Error(errs.ZAddGTLTNX)
		return
	case incr && n > 1:
		c.Error(errs.ZAddIncrPair)
		return
	}
	var small [8]float64
	scores := small[:0]
	maxLen := 0
	p := c.Parser(i)
	for j := 0; j < n; j++ {
		scores = append(scores, scoreArg(&p, errs.NotFloat))
		maxLen = max(maxLen, len(p.Next()))
	}
	if err := p.Err(); err != nil {
		c.Error(err)
		return
	}
	z, e, err := zsetWrite(c.DB, key)
	if err != nil {
		c.Error(err)
		return
	}
	lim := zsetLimits(c)
	created := false
	var added, updated, processed int64
	var score float64
	nanErr := false
	if z == nil {
		if xx {
			goto reply
		}
		z = &zsetValue{*zset.New(n, maxLen, lim)}
		created = true
	} else {
		z.MaybeConvert(n, maxLen, lim)
	}
	for j := 0; j < n; j++ {
		out, ns := z.Add(scores[j], pairs[2*j+1], flags, lim)
		if out&zset.OutNaN != 0 {
			nanErr = true
			break
		}
		if out&zset.OutAdded != 0 {
			added++
		}
		if out&zset.OutUpdated != 0 {
			updated++
		}
		if out&zset.OutNop == 0 {
			processed++
		}
		score = ns
	}
	if created {
		if z.Len() > 0 {
			c.DB.SetObject(key, keyspace.TypeZSet, zsetEncoding(z), z, 0)
			c.DB.SignalReady(key)
		}
	} else {
		syncZSetEncoding(e, z)
	}
	if added > 0 || updated > 0 {
		if incr {
			c.Modified(key, "zincr")
		} else {
			c.Modified(key, "zadd")
		}
	}
reply:
	switch {
	case nanErr:
		c.Error(errs.ScoreNaN)
	case incr && processed > 0:
		c.W.Double(score)
	case incr:
		c.W.Null()
	case ch:
		c.W.Int(added + updated)
	default:
		c.W.Int(added)
	}
}

// ZREM key member [member ...]
func cmdZRem(c *server.Ctx) {
	key := c.Args[1]
	z, e, err := zsetWrite(c.DB, key)
	if err != nil {
		c.Error(err)
		return
	}
	if z == nil {
		c.W.Int(0)
		return
	}
	deleted := int64(0)
	for _, m := range c.Args[2:] {
		if z.Delete(m) {
			deleted++
		}
		if z.Len() == 0 {
			break
		}
	}
	if deleted > 0 {
		c.Modified(key, "zrem")
		afterZSetRemoval(c, e, key, z)
	}
	c.W.Int(deleted)
}

// --- reads --------------------------------------------------------------------

// ZCARD key
func cmdZCard(c *server.Ctx) {
	z, err := zsetRead(c.DB, c.Args[1])
	switch {
	case err != nil:
		c.Error(err)
	case z == nil:
		c.W.Int(0)
	default:
		c.W.Int(int64(z.Len()))
	}
}

// ZSCORE key member
func cmdZScore(c *server.Ctx) {
	z, err := zsetRead(c.DB, c.Args[1])
	if err != nil {
		c.Error(err)
		return
	}
	if z == nil {
		c.W.Null()
		return
	}
	if s, ok := z.Score(c.Args[2]); ok {
		c.W.Double(s)
	} else {
		c.W.Null()
	}
}

// ZMSCORE key member [member ...]: a missing key is an empty set.
func cmdZMScore(c *server.Ctx) {
	z, err := zsetRead(c.DB, c.Args[1])
	if err != nil {
		c.Error(err)
		return
	}
	c.W.Array(len(c.Args) - 2)
	for _, m := range c.Args[2:] {
		if z != nil {
			if s, ok := z.Score(m); ok {
				c.W.Double(s)
				continue
			}
		}
		c.W.Null()
	}
}

// ZRANK key member [WITHSCORE]
func cmdZRank(c *server.Ctx) { zrankGeneric(c, false) }

// ZREVRANK key member [WITHSCORE]
func cmdZRevRank(c *server.Ctx) { zrankGeneric(c, true) }

func zrankGeneric(c *server.Ctx, reverse bool) {
	if len(c.Args) > 4 {
		c.Error(errs.WrongArity(c.Spec.Name))
		return
	}
	withScore := false
	if len(c.Args) == 4 {
		if !isKeyword(c.Args[3], "withscore") {
			c.Error(errs.Syntax)
			return
		}
		withScore = true
	}
	z, err := zsetRead(c.DB, c.Args[1])
	if err != nil {
		c.Error(err)
		return
	}
	var r int
	var s float64
	ok := false
	if z != nil {
		r, s, ok = z.Rank(c.Args[2], reverse)
	}
	switch {
	case !ok && withScore:
		c.W.NullArray()
	case !ok:
		c.W.Null()
	case withScore:
		c.W.Array(2)
		c.W.Int(int64(r))
		c.W.Double(s)
	default:
		c.W.Int(int64(r))
	}
}

// ZCOUNT key min max
func cmdZCount(c *server.Ctx) {
	r, ok := zset.ParseScoreRange(c.Args[2], c.Args[3])
	if !ok {
		c.Error(errs.MinMaxNotFloat)
		return
	}
	z, err := zsetRead(c.DB, c.Args[1])
	switch {
	case err != nil:
		c.Error(err)
	case z == nil:
		c.W.Int(0)
	default:
		c.W.Int(int64(z.CountByScore(r)))
	}
}

// ZLEXCOUNT key min max
func cmdZLexCount(c *server.Ctx) {
	r, ok := zset.ParseLexRange(c.Args[2], c.Args[3])
	if !ok {
		c.Error(errs.MinMaxNotLex)
		return
	}
	z, err := zsetRead(c.DB, c.Args[1])
	switch {
	case err != nil:
		c.Error(err)
	case z == nil:
		c.W.Int(0)
	default:
		c.W.Int(int64(z.CountByLex(r)))
	}
}

// --- ZRANGE and friends -------------------------------------------------------

type zrangeType uint8

const (
	zrangeAuto zrangeType = iota
	zrangeRank
	zrangeScore
	zrangeLex
)

type zrangeDir uint8

const (
	zdirAuto zrangeDir = iota
	zdirForward
	zdirReverse
)

// ZRANGE key start stop [BYSCORE|BYLEX] [REV] [LIMIT offset count] [WITHSCORES]
func cmdZRange(c *server.Ctx) { zrangeGeneric(c, 1, nil, zrangeAuto, zdirAuto) }

// ZRANGESTORE dst src min max [BYSCORE|BYLEX] [REV] [LIMIT offset count]
func cmdZRangeStore(c *server.Ctx) { zrangeGeneric(c, 2, c.Args[1], zrangeAuto, zdirAuto) }

// ZREVRANGE key start stop [WITHSCORES]
func cmdZRevRange(c *server.Ctx) { zrangeGeneric(c, 1, nil, zrangeRank, zdirReverse) }

// ZRANGEBYSCORE key min max [WITHSCORES] [LIMIT offset count]
func cmdZRangeByScore(c *server.Ctx) { zrangeGeneric(c, 1, nil, zrangeScore, zdirForward) }

// ZREVRANGEBYSCORE key max min [WITHSCORES] [LIMIT offset count]
func cmdZRevRangeByScore(c *server.Ctx) { zrangeGeneric(c, 1, nil, zrangeScore, zdirReverse) }

// ZRANGEBYLEX key min max [LIMIT offset count]
func cmdZRangeByLex(c *server.Ctx) { zrangeGeneric(c, 1, nil, zrangeLex, zdirForward) }

// ZREVRANGEBYLEX key max min [LIMIT offset count]
func cmdZRevRangeByLex(c *server.Ctx) { zrangeGeneric(c, 1, nil, zrangeLex, zdirReverse) }

// zrangeGeneric is Valkey's zrangeGenericCommand: the source key at
// argument keyAt, then min, max and the options; dst is ZRANGESTORE's
// destination (nil for the replying forms).
func zrangeGeneric(c *server.Ctx, keyAt int, dst []byte, typ zrangeType, dir zrangeDir) {
	store := dst != nil
	key := c.Args[keyAt]
	minIdx, maxIdx := keyAt+1, keyAt+2
	withScores := false
	offset, limit := int64(0), int64(-1)
	for j := keyAt + 3; j < len(c.Args); j++ {
		a := c.Args[j]
		left := len(c.Args) - j - 1
		switch {
		case !store && isKeyword(a, "withscores"):
			withScores = true
		case isKeyword(a, "limit") && left >= 2:
			p := c.Parser(j + 1)
			offset, limit = p.Int64(), p.Int64()
			if err := p.Err(); err != nil {
				c.Error(err)
				return
			}
			j += 2
		case dir == zdirAuto && isKeyword(a, "rev"):
			dir = zdirReverse
		case typ == zrangeAuto && isKeyword(a, "bylex"):
			typ = zrangeLex
		case typ == zrangeAuto && isKeyword(a, "byscore"):
			typ = zrangeScore
		default:
			c.Error(errs.Syntax)
			return
		}
	}
	if dir == zdirAuto {
		dir = zdirForward
	}
	if typ == zrangeAuto {
		typ = zrangeRank
	}
	if limit != -1 && typ == zrangeRank {
		c.Error(errs.ZRangeLimitByRank)
		return
	}
	if withScores && typ == zrangeLex {
		c.Error(errs.ZRangeScoresByLex)
		return
	}
	reverse := dir == zdirReverse
	if reverse && typ != zrangeRank {
		minIdx, maxIdx = maxIdx, minIdx
	}
	var start, end int64
	var sr zset.ScoreRange
	var lr zset.LexRange
	switch typ {
	case zrangeRank:
		p := c.Parser(minIdx)
		start, end = p.Int64(), p.Int64()
		if err := p.Err(); err != nil {
			c.Error(err)
			return
		}
	case zrangeScore:
		var ok bool
		if sr, ok = zset.ParseScoreRange(c.Args[minIdx], c.Args[maxIdx]); !ok {
			c.Error(errs.MinMaxNotFloat)
			return
		}
	case zrangeLex:
		var ok bool
		if lr, ok = zset.ParseLexRange(c.Args[minIdx], c.Args[maxIdx]); !ok {
			c.Error(errs.MinMaxNotLex)
			return
		}
	}
	z, err := zsetRead(c.DB, key)
	if err != nil {
		c.Error(err)
		return
	}
	if z == nil {
		if store {
			storeZSet(c, dst, &zsetValue{*zset.New(0, 0, zsetLimits(c))}, "zrangestore")
		} else {
			c.W.Array(0)
		}
		return
	}
	// The consumer: the client's reply, or a new sorted set for STORE.
	var out *zsetValue
	var lim zset.Limits
	var d resp.Deferred
	emit := func(m []byte, s float64) {
		if store {
			out.Insert(s, m, lim)
			return
		}
		writeScored(c.W, m, s, withScores)
	}
	begin := func(n int) { // n < 0: not known yet
		if store {
			lim = zsetLimits(c)
			out = &zsetValue{*zset.New(max(n, 0), 0, lim)}
			return
		}
		if n > 0 {
			c.W.Array(scoredLen(c.W, n, withScores))
		} else {
			d = c.W.DeferArray()
		}
	}
	finish := func(n int, known bool) {
		if store {
			storeZSet(c, dst, out, "zrangestore")
			return
		}
		if !known {
			c.W.Finish(d, scoredLen(c.W, n, withScores))
		}
	}
	switch typ {
	case zrangeRank:
		n := int64(z.Len())
		if start < 0 {
			start += n
		}
		if end < 0 {
			end += n
		}
		if start < 0 {
			start = 0
		}
		if start > end || start >= n {
			begin(0)
			finish(0, false)
			return
		}
		if end >= n {
			end = n - 1
		}
		begin(int(end - start + 1))
		z.RangeByRank(int(start), int(end), reverse, emit)
		finish(int(end-start+1), true)
	case zrangeScore:
		begin(-1)
		n := z.RangeByScore(sr, clampInt(offset), clampInt(limit), reverse, emit)
		finish(n, false)
	case zrangeLex:
		begin(-1)
		n := z.RangeByLex(lr, clampInt(offset), clampInt(limit), reverse, emit)
		finish(n, false)
	}
}

func clampInt(v int64) int {
	if v > math.MaxInt {
		return math.MaxInt
	}
	if v < math.MinInt {
		return math.MinInt
	}
	return int(v)
}

// --- removal by range ---------------------------------------------------------

// ZREMRANGEBYRANK key start stop
func cmdZRemRangeByRank(c *server.Ctx) { zremrangeGeneric(c, zrangeRank) }

// ZREMRANGEBYSCORE key min max
func cmdZRemRangeByScore(c *server.Ctx) { zremrangeGeneric(c, zrangeScore) }

// ZREMRANGEBYLEX key min max
func cmdZRemRangeByLex(c *server.Ctx) { zremrangeGeneric(c, zrangeLex) }

func zremrangeGeneric(c *server.Ctx, typ zrangeType) {
	key := c.Args[1]
	var start, end int64
	var sr zset.ScoreRange
	var lr zset.LexRange
	var event string
	switch typ {
	case zrangeRank:
		event = "zremrangebyrank"
		p := c.Parser(2)
		start, end = p.Int64(), p.Int64()
		if err := p.Err(); err != nil {
			c.Error(err)
			return
		}
	case zrangeScore:
		event = "zremrangebyscore"
		var ok bool
		if sr, ok = zset.ParseScoreRange(c.Args[2], c.Args[3]); !ok {
			c.Error(errs.MinMaxNotFloat)
			return
		}
	default:
		event = "zremrangebylex"
		var ok bool
		if lr, ok = zset.ParseLexRange(c.Args[2], c.Args[3]); !ok {
			c.Error(errs.MinMaxNotLex)
			return
		}
	}
	z, e, err := zsetWrite(c.DB, key)
	if err != nil {
		c.Error(err)
		return
	}
	if z == nil {
		c.W.Int(0)
		return
	}
	var deleted int
	switch typ {
	case zrangeRank:
		n := int64(z.Len())
		if start < 0 {
			start += n
		}
		if end < 0 {
			end += n
		}
		if start < 0 {
			start = 0
		}
		if start > end || start >= n {
			c.W.Int(0)
			return
		}
		if end >= n {
			end = n - 1
		}
		deleted = z.DeleteRangeByRank(int(start), int(end))
	case zrangeScore:
		deleted = z.DeleteRangeByScore(sr)
	default:
		deleted = z.DeleteRangeByLex(lr)
	}
	if deleted > 0 {
		c.Modified(key, event)
		afterZSetRemoval(c, e, key, z)
	}
	c.W.Int(int64(deleted))
}

// --- pops ---------------------------------------------------------------------

// ZPOPMIN key [count]
func cmdZPopMin(c *server.Ctx) { zpopMinMax(c, false) }

// ZPOPMAX key [count]
func cmdZPopMax(c *server.Ctx) { zpopMinMax(c, true) }

func zpopMinMax(c *server.Ctx, max bool) {
	if len(c.Args) > 3 {
		c.Error(errs.Syntax)
		return
	}
	count := int64(-1)
	if len(c.Args) == 3 {
		p := c.Parser(2)
		count = p.Int64Err(errs.CountPositive)
		if p.Err() == nil && count < 0 {
			p.Fail(errs.CountPositive)
		}
		if err := p.Err(); err != nil {
			c.Error(err)
			return
		}
	}
	nested := c.W.Proto == 3 && count != -1
	zpopGeneric(c, c.Args[1:2], max, false, count, nested, false)
}

// zpopGeneric is Valkey's genericZpopCommand: pop from the first existing
// key among keys. emitKey prefixes the key (ZMPOP); nested writes [member,
// score] pairs; nilWhenEmpty replies a null array when no key exists.
// count -1 is a plain single pop.
func zpopGeneric(c *server.Ctx, keys [][]byte, max, emitKey bool, count int64, nested, nilWhenEmpty bool) {
	var z *zsetValue
	var e keyspace.Entry
	var key []byte
	for _, k := range keys {
		zz, ee, err := zsetWrite(c.DB, k)
		if err != nil {
			c.Error(err)
			return
		}
		if zz != nil {
			z, e, key = zz, ee, k
			break
		}
	}
	if z == nil {
		if nilWhenEmpty {
			c.W.NullArray()
		} else {
			c.W.Array(0)
		}
		return
	}
	if count == 0 {
		c.W.Array(0)
		return
	}
	single := count == -1
	if single {
		count = 1
	}
	n := int(min(count, int64(z.Len())))
	event := "zpopmin"
	if max {
		event = "zpopmax"
	}
	c.Modified(key, event)
	if emitKey && c.Propagating() { // [B]ZMPOP, BZPOP*: propagated as ZPOPMIN/ZPOPMAX
		if single {
			c.PropagateAsStrings(strings.ToUpper(event), string(key))
		} else {
			c.PropagateAsStrings(strings.ToUpper(event), string(key), strconv.Itoa(n))
		}
	}
	switch {
	case !nested && !emitKey:
		c.W.Array(2 * n)
	case nested && !emitKey:
		c.W.Array(n)
	case !nested && emitKey:
		c.W.Array(2*n + 1)
		c.W.Bulk(key)
	default:
		c.W.Array(2)
		c.W.Bulk(key)
		c.W.Array(n)
	}
	var buf [64]byte
	for i := 0; i < n; i++ {
		m, s := z.Pop(max, buf[:0])
		if nested {
			c.W.Array(2)
		}
		c.W.Bulk(m)
		c.W.Double(s)
	}
	afterZSetRemoval(c, e, key, z)
}

// ZMPOP numkeys key [key ...] MIN|MAX [COUNT count]
func cmdZMPop(c *server.Ctx) {
	keys, max, count, err := parseZMPop(c, 1)
	if err != nil {
		c.Error(err)
		return
	}
	zpopGeneric(c, keys, max, true, count, true, true)
}

// parseZMPop reads [B]ZMPOP's numkeys (at index at), keys, MIN|MAX and
// COUNT.
func parseZMPop(c *server.Ctx, at int) (keys [][]byte, max bool, count int64, err error) {
	p := c.Parser(at)
	numkeys := p.Int64Err(errs.NumKeysPositive)
	if p.Err() == nil && numkeys < 1 {
		p.Fail(errs.NumKeysPositive)
	}
	if err := p.Err(); err != nil {
		return nil, false, 0, err
	}
	whereIdx := int64(at) + numkeys + 1
	if whereIdx >= int64(len(c.Args)) {
		return nil, false, 0, errs.Syntax
	}
	switch w := c.Args[whereIdx]; {
	case isKeyword(w, "min"):
	case isKeyword(w, "max"):
		max = true
	default:
		return nil, false, 0, errs.Syntax
	}
	count = -1
	p = c.Parser(int(whereIdx) + 1)
	for p.More() && p.Err() == nil {
		if count == -1 && p.Left() >= 2 && takeKeyword(&p, "count") {
			if count = p.Int64Err(errs.CountAboveZero); p.Err() == nil && count < 1 {
				p.Fail(errs.CountAboveZero)
			}
		} else {
			p.Fail(errs.Syntax)
		}
	}
	if err := p.Err(); err != nil {
		return nil, false, 0, err
	}
	if count == -1 {
		count = 1
	}
	return c.Args[at+1 : whereIdx], max, count, nil
}

// BZPOPMIN key [key ...] timeout
func cmdBZPopMin(c *server.Ctx) { bzpop(c, false) }

// BZPOPMAX key [key ...] timeout
func cmdBZPopMax(c *server.Ctx) { bzpop(c, true) }

// bzpop is BZPOPMIN/BZPOPMAX: [key, member, score] from the first
// non-empty sorted set, or wait for one.
func bzpop(c *server.Ctx, max bool) {
	keys := c.Args[1 : len(c.Args)-1]
	deadline, err := c.BlockTimeout(c.Args[len(c.Args)-1], false)
	if err != nil {
		c.Error(err)
		return
	}
	bzpopGeneric(c, keys, max, -1, false, deadline)
}

// BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count]
func cmdBZMPop(c *server.Ctx) {
	keys, max, count, err := parseZMPop(c, 2)
	if err != nil {
		c.Error(err)
		return
	}
	deadline, err := c.BlockTimeout(c.Args[1], false)
	if err != nil {
		c.Error(err)
		return
	}
	bzpopGeneric(c, keys, max, count, true, deadline)
}

// bzpopGeneric is blockingGenericZpopCommand: pop from the first key
// holding a sorted set (a key of another type is an error), or block on
// all of them. A client that may not block replies a null array.
func bzpopGeneric(c *server.Ctx, keys [][]byte, max bool, count int64, nested bool, deadline int64) {
	for i, k := range keys {
		z, _, err := zsetWrite(c.DB, k)
		if err != nil {
			c.Error(err)
			return
		}
		if z == nil || z.Len() == 0 {
			continue
		}
		zpopGeneric(c, keys[i:i+1], max, true, count, nested, nested)
		return
	}
	if !c.Block(keys, keyspace.TypeZSet, deadline) {
		c.W.NullArray()
	}
}

// --- ZRANDMEMBER --------------------------------------------------------------

// ZRANDMEMBER key [count [WITHSCORES]]
func cmdZRandMember(c *server.Ctx) {
	key := c.Args[1]
	if len(c.Args) == 2 {
		z, err := zsetRead(c.DB, key)
		switch {
		case err != nil:
			c.Error(err)
		case z == nil:
			c.W.Null()
		default:
			var buf [20]byte
			m, _ := z.Random(newRand(), buf[:0])
			c.W.Bulk(m)
		}
		return
	}
	p := c.Parser(2)
	l := p.Int64()
	if p.Err() == nil && l == math.MinInt64 {
		p.Fail(errs.HRandCountRange)
	}
	if err := p.Err(); err != nil {
		c.Error(err)
		return
	}
	withScores := false
	if len(c.Args) > 4 || (len(c.Args) == 4 && !isKeyword(c.Args[3], "withscores")) {
		c.Error(errs.Syntax)
		return
	}
	if len(c.Args) == 4 {
		withScores = true
		if l < -math.MaxInt64/2 || l > math.MaxInt64/2 {
			c.Error(errs.HRandValuesRange)
			return
		}
	}
	z, err := zsetRead(c.DB, key)
	if err != nil {
		c.Error(err)
		return
	}
	if z == nil || l == 0 {
		c.W.Array(0)
		return
	}
	r := newRand()
	size := z.Len()
	var buf [20]byte
	switch {
	case l < 0 || l == 1:
		n := l
		if n < 0 {
			n = -n
		}
		c.W.Array(scoredLen(c.W, int(n), withScores))
		for ; n > 0 && !replyOverflow(c); n-- {
			m, s := z.Random(r, buf[:0])
			writeScored(c.W, m, s, withScores)
		}
	case l >= int64(size):
		c.W.Array(scoredLen(c.W, size, withScores))
		z.EachReverse(func(m []byte, s float64) bool {
			writeScored(c.W, m, s, withScores)
			return true
		})
	default:
		c.W.Array(scoredLen(c.W, int(l), withScores))
		z.RandomDistinct(r, int(l), func(m []byte, s float64) { writeScored(c.W, m, s, withScores) })
	}
}

// --- ZUNION / ZINTER / ZDIFF --------------------------------------------------

type zsetOp uint8

const (
	opUnion zsetOp = iota
	opInter
	opDiff
)

// ZUNION numkeys key [key ...] [WEIGHTS w ...] [AGGREGATE SUM|MIN|MAX] [WITHSCORES]
func cmdZUnion(c *server.Ctx) { zsetOpGeneric(c, nil, 1, opUnion, false) }

// ZUNIONSTORE destination numkeys key [key ...] [WEIGHTS w ...] [AGGREGATE ...]
func cmdZUnionStore(c *server.Ctx) { zsetOpGeneric(c, c.Args[1], 2, opUnion, false) }

// ZINTER numkeys key [key ...] [WEIGHTS w ...] [AGGREGATE ...] [WITHSCORES]
func cmdZInter(c *server.Ctx) { zsetOpGeneric(c, nil, 1, opInter, false) }

// ZINTERSTORE destination numkeys key [key ...] [WEIGHTS w ...] [AGGREGATE ...]
func cmdZInterStore(c *server.Ctx) { zsetOpGeneric(c, c.Args[1], 2, opInter, false) }

// ZINTERCARD numkeys key [key ...] [LIMIT limit]
func cmdZInterCard(c *server.Ctx) { zsetOpGeneric(c, nil, 1, opInter, true) }

// ZDIFF numkeys key [key ...] [WITHSCORES]
func cmdZDiff(c *server.Ctx) { zsetOpGeneric(c, nil, 1, opDiff, false) }

// ZDIFFSTORE destination numkeys key [key ...]
func cmdZDiffStore(c *server.Ctx) { zsetOpGeneric(c, c.Args[1], 2, opDiff, false) }

// setSource presents a set as a sorted set whose scores are all 1.
type setSource struct{ s *set.Set }

func (ss *setSource) Len() int { return ss.s.Len() }
func (ss *setSource) Each(fn func(m []byte, s float64) bool) {
	ss.s.Each(func(m []byte) bool { return fn(m, 1) })
}
func (ss *setSource) Score(m []byte) (float64, bool) { return 1, ss.s.Contains(m) }

// zsetOpGeneric is Valkey's zunionInterDiffGenericCommand.
func zsetOpGeneric(c *server.Ctx, dst []byte, numkeysAt int, op zsetOp, cardOnly bool) {
	p := c.Parser(numkeysAt)
	setnum := p.Int64()
	if err := p.Err(); err != nil {
		c.Error(err)
		return
	}
	if setnum < 1 {
		c.Error(errs.AtLeastOneKey(c.Spec.Name))
		return
	}
	if setnum > int64(len(c.Args)-(numkeysAt+1)) {
		c.Error(errs.Syntax)
		return
	}
	keys := c.Args[numkeysAt+1 : numkeysAt+1+int(setnum)]
	inputs := make([]zset.Input, len(keys))
	sources := make(map[string]zset.Source, len(keys))
	for i, k := range keys {
		inputs[i].Weight = 1
		e, ok := c.DB.LookupRead(k)
		if !ok {
			continue
		}
		if src, seen := sources[string(k)]; seen {
			inputs[i].Src = src // the same key twice: the same source
			continue
		}
		switch e.Type() {
		case keyspace.TypeZSet:
			inputs[i].Src = &e.Object().(*zsetValue).ZSet
		case keyspace.TypeSet:
			inputs[i].Src = &setSource{&e.Object().(*setValue).Set}
		default:
			c.Error(errs.WrongType)
			return
		}
		sources[string(k)] = inputs[i].Src
	}
	agg := zset.Sum
	withScores := false
	limit := int64(0)
	p = c.Parser(numkeysAt + 1 + int(setnum))
	for p.More() && p.Err() == nil {
		left := p.Left()
		switch {
		case op != opDiff && !cardOnly && left >= int(setnum)+1 && takeKeyword(&p, "weights"):
			for i := range inputs {
				inputs[i].Weight = scoreArg(&p, errs.WeightNotFloat)
			}
		case op != opDiff && !cardOnly && left >= 2 && takeKeyword(&p, "aggregate"):
			switch a := p.Next(); {
			case isKeyword(a, "sum"):
				agg = zset.Sum
			case isKeyword(a, "min"):
				agg = zset.Min
			case isKeyword(a, "max"):
				agg = zset.Max
			default:
				p.Fail(errs.Syntax)
			}
		case dst == nil && !cardOnly && takeKeyword(&p, "withscores"):
			withScores = true
		case cardOnly && left >= 2 && takeKeyword(&p, "limit"):
			if limit = p.Int64Err(errs.LimitNegative); p.Err() == nil && limit < 0 {
				p.Fail(errs.LimitNegative)
			}
		default:
			p.Fail(errs.Syntax)
		}
	}
	if err := p.Err(); err != nil {
		c.Error(err)
		return
	}
	var res *zset.ZSet
	var st zset.Stats
	card := 0
	switch op {
	case opUnion:
		res, st = zset.Union(inputs, agg)
	case opInter:
		res, card, st = zset.Inter(inputs, agg, cardOnly, clampInt(limit))
	default:
		res, st = zset.Diff(inputs)
	}
	switch {
	case cardOnly:
		c.W.Int(int64(card))
	case dst != nil:
		out := &zsetValue{*res}
		if out.Len() > 0 {
			out.ToListpackIfFits(st.MaxLen, st.TotalLen, zsetLimits(c))
		}
		event := "zunionstore"
		switch op {
		case opInter:
			event = "zinterstore"
		case opDiff:
			event = "zdiffstore"
		}
		storeZSet(c, dst, out, event)
	default:
		c.W.Array(scoredLen(c.W, res.Len(), withScores))
		res.Each(func(m []byte, s float64) bool {
			writeScored(c.W, m, s, withScores)
			return true
		})
	}
}

// --- ZSCAN --------------------------------------------------------------------

// ZSCAN key cursor [MATCH pattern] [COUNT count] [NOSCORES]
func cmdZScan(c *server.Ctx) {
	cursor, ok := parseScanCursor(c.Args[2])
	if !ok {
		c.Error(errs.InvalidCursor)
		return
	}
	z, err := zsetRead(c.DB, c.Args[1])
	if err != nil {
		c.Error(err)
		return
	}
	if z == nil {
		replyEmptyScan(c)
		return
	}
	o, err := parseCollectionScan(c, true)
	if err != nil {
		c.Error(err)
		return
	}
	var items [][]byte
	next := z.Scan(cursor, o.count, func(m, score []byte) {
		if o.pattern != nil && !glob.Match(o.pattern, m, false) {
			return
		}
		items = append(items, bytes.Clone(m))
		if !o.noScores {
			items = append(items, bytes.Clone(score))
		}
	})
	replyScan(c, next, items)
}
