package commands

// The set family, as Valkey 9's t_set.c: SADD SREM SCARD SISMEMBER
// SMISMEMBER SMEMBERS SRANDMEMBER SPOP SMOVE SINTER SINTERCARD SINTERSTORE
// SUNION SUNIONSTORE SDIFF SDIFFSTORE SSCAN.
//
// Encodings (OBJECT ENCODING), as Valkey chooses and converts them
// (package types/set has the rules):
//   - intset: only integers, at most set-max-intset-entries of them;
//   - listpack: at most set-max-listpack-entries members of at most
//     set-max-listpack-value bytes;
//   - hashtable: anything else.
//
// Replies: SMEMBERS, SINTER, SUNION, SDIFF and SPOP with a count reply a
// set (RESP3 "~"), SRANDMEMBER with a count an array. Members come in the
// encoding's order: ascending for an intset, insertion order for a
// listpack, table order (unspecified) for a hashtable.
//
// Randomness (SPOP, SRANDMEMBER) comes from a generator seeded per call.
// Keyspace events are Valkey's: sadd, srem, spop, smove's srem/sadd,
// sinterstore, sunionstore, sdiffstore, and del when a set empties.

import (
	"bytes"
	"math"
	"math/rand/v2"
	"sort"
	"strconv"

	"petrel/internal/config"
	"petrel/internal/errs"
	"petrel/internal/glob"
	"petrel/internal/keyspace"
	"petrel/internal/num"
	"petrel/internal/resp"
	"petrel/internal/server"
	"petrel/internal/types/set"
)

func registerSets(r *server.Registry) {
	r.Handle("sadd", cmdSAdd)
	r.Handle("scard", cmdSCard)
	r.Handle("sdiff", cmdSDiff)
	r.Handle("sdiffstore", cmdSDiffStore)
	r.Handle("sinter", cmdSInter)
	r.Handle("sintercard", cmdSInterCard)
	r.Handle("sinterstore", cmdSInterStore)
	r.Handle("sismember", cmdSIsMember)
	r.Handle("smembers", cmdSInter)
	r.Handle("smismember", cmdSMIsMember)
	r.Handle("smove", cmdSMove)
	r.Handle("spop", cmdSPop)
	r.Handle("srandmember", cmdSRandMember)
	r.Handle("srem", cmdSRem)
	r.Handle("sscan", cmdSScan)
	r.Handle("sunion", cmdSUnion)
	r.Handle("sunionstore", cmdSUnionStore)
}

// --- type helpers -------------------------------------------------------------

// setValue is a set as the keyspace stores it: the set plus the value
// interfaces the server looks for (COPY's Cloner, MEMORY USAGE, DEBUG
// DIGEST and OBJECT's serialized length).
type setValue struct{ set.Set }

func (v *setValue) Clone() any { return &setValue{*v.Set.Clone()} }

// Digest feeds DEBUG DIGEST as Valkey's xorObjectDigest: each member XORed.
func (v *setValue) Digest(d *server.Digest) {
	v.Each(func(m []byte) bool {
		d.Xor(m)
		return true
	})
}

// encodingConfig is implemented by servers exposing the hot configuration
// (the encoding thresholds among it); others get Valkey's defaults.
type encodingConfig interface{ Hot() *config.Hot }

func hotConfig(c *server.Ctx) *config.Hot {
	if s, ok := any(c.Srv).(encodingConfig); ok {
		return s.Hot()
	}
	return nil
}

// setLimits are the current set-max-* thresholds.
func setLimits(c *server.Ctx) set.Limits {
	if h := hotConfig(c); h != nil {
		return set.Limits{
			IntsetEntries:   int(h.SetMaxIntsetEntries.Load()),
			ListpackEntries: int(h.SetMaxListpackEntries.Load()),
			ListpackValue:   int(h.SetMaxListpackValue.Load()),
		}
	}
	return set.DefaultLimits
}

// setEncoding is the keyspace encoding of s.
func setEncoding(s *setValue) uint8 {
	switch s.Encoding() {
	case set.Intset:
		return keyspace.EncIntset
	case set.Listpack:
		return keyspace.EncListpack
	}
	return keyspace.EncHashtable
}

// newRand returns a generator for one command's random choices.
func newRand() *rand.Rand { return rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64())) }

// setOf returns the set an entry holds, or WRONGTYPE.
func setOf(e keyspace.Entry) (*setValue, error) { return objectOf[*setValue](e, keyspace.TypeSet) }

// setRead finds key for a read command: the set, nil when missing, or
// WRONGTYPE.
func setRead(db keyspace.DB, key []byte) (*setValue, error) {
	return readObject[*setValue](db, key, keyspace.TypeSet)
}

// setWrite finds key for a write command.
func setWrite(db keyspace.DB, key []byte) (*setValue, keyspace.Entry, error) {
	return writeObject[*setValue](db, key, keyspace.TypeSet)
}

// syncSetEncoding records s's encoding on its entry after a change.
func syncSetEncoding(e keyspace.Entry, s *setValue) {
	if enc := setEncoding(s); e.Encoding() != enc {
		e.SetEncoding(enc)
	}
}

// storeSet stores s under key after a command changed it or built it:
// the key is created, its encoding updated, or it is deleted when s is
// empty (reporting whether it existed). Entries taken before other keys
// changed may be stale, so the key is looked up again.
func storeSet(db keyspace.DB, key []byte, s *setValue) (existed bool) {
	e, ok := db.Peek(key)
	if s.Len() == 0 {
		if ok {
			e.Delete()
		}
		return ok
	}
	if ok && e.Type() == keyspace.TypeSet && e.Object().(*setValue) == s {
		syncSetEncoding(e, s)
		return true
	}
	db.SetObject(key, keyspace.TypeSet, setEncoding(s), s, 0)
	return ok
}

// replySetMembers writes every member of s as a set reply.
func replySetMembers(c *server.Ctx, s *set.Set) {
	c.W.Set(s.Len())
	s.Each(func(m []byte) bool {
		c.W.Bulk(m)
		return true
	})
}

// --- handlers -----------------------------------------------------------------

// SADD key member [member ...]
func cmdSAdd(c *server.Ctx) {
	key := c.Args[1]
	members := c.Args[2:]
	s, e, err := setWrite(c.DB, key)
	if err != nil {
		c.Error(err)
		return
	}
	lim := setLimits(c)
	created := s == nil
	if created {
		s = &setValue{*set.New(members[0], len(members), lim)}
	} else {
		s.MaybeConvert(len(members), lim)
	}
	added := int64(0)
	for _, m := range members {
		if s.Add(m, lim) {
			added++
		}
	}
	if created {
		c.DB.SetObject(key, keyspace.TypeSet, setEncoding(s), s, 0)
	} else {
		syncSetEncoding(e, s)
	}
	if added > 0 {
		c.Modified(key, "sadd")
	}
	c.W.Int(added)
}

// SCARD key
func cmdSCard(c *server.Ctx) {
	s, err := setRead(c.DB, c.Args[1])
	switch {
	case err != nil:
		c.Error(err)
	case s == nil:
		c.W.Int(0)
	default:
		c.W.Int(int64(s.Len()))
	}
}

// SISMEMBER key member
func cmdSIsMember(c *server.Ctx) {
	s, err := setRead(c.DB, c.Args[1])
	switch {
	case err != nil:
		c.Error(err)
	case s != nil && s.Contains(c.Args[2]):
		c.W.Int(1)
	default:
		c.W.Int(0)
	}
}

// SMISMEMBER key member [member ...]: a missing key is an empty set.
func cmdSMIsMember(c *server.Ctx) {
	s, err := setRead(c.DB, c.Args[1])
	if err != nil {
		c.Error(err)
		return
	}
	c.W.Array(len(c.Args) - 2)
	for _, m := range c.Args[2:] {
		if s != nil && s.Contains(m) {
			c.W.Int(1)
		} else {
			c.W.Int(0)
		}
	}
}

// SREM key member [member ...]
func cmdSRem(c *server.Ctx) {
	key := c.Args[1]
	s, e, err := setWrite(c.DB, key)
	if err != nil {
		c.Error(err)
		return
	}
	if s == nil {
		c.W.Int(0)
		return
	}
	deleted := int64(0)
	for _, m := range c.Args[2:] {
		if s.Remove(m) {
			deleted++
			if s.Len() == 0 {
				break
			}
		}
	}
	if deleted > 0 {
		c.Modified(key, "srem")
		if s.Len() == 0 {
			e.Delete()
			c.Notify(key, "del")
		} else {
			syncSetEncoding(e, s)
		}
	}
	c.W.Int(deleted)
}

// SMOVE source destination member
func cmdSMove(c *server.Ctx) {
	srcKey, dstKey, m := c.Args[1], c.Args[2], c.Args[3]
	src, srcEntry, err := setWrite(c.DB, srcKey)
	if src == nil && err == nil {
		c.W.Int(0)
		return
	}
	dst, _, dstErr := setWrite(c.DB, dstKey)
	if err == nil {
		err = dstErr
	}
	if err != nil {
		c.Error(err)
		return
	}
	if bytes.Equal(srcKey, dstKey) {
		if src.Contains(m) {
			c.W.Int(1)
		} else {
			c.W.Int(0)
		}
		return
	}
	if !src.Remove(m) {
		c.W.Int(0)
		return
	}
	c.Modified(srcKey, "srem")
	if src.Len() == 0 {
		srcEntry.Delete()
		c.Notify(srcKey, "del")
	} else {
		syncSetEncoding(srcEntry, src)
	}
	lim := setLimits(c)
	if dst == nil {
		dst = &setValue{*set.New(m, 1, lim)}
	}
	if dst.Add(m, lim) {
		storeSet(c.DB, dstKey, dst)
		c.Modified(dstKey, "sadd")
	}
	c.W.Int(1)
}

// SPOP key [count]
func cmdSPop(c *server.Ctx) {
	key := c.Args[1]
	if len(c.Args) > 3 {
		c.Error(errs.Syntax)
		return
	}
	if len(c.Args) == 3 {
		spopCount(c, key)
		return
	}
	s, e, err := setWrite(c.DB, key)
	if err != nil {
		c.Error(err)
		return
	}
	if s == nil {
		c.W.Null()
		return
	}
	var buf [64]byte
	m := s.Pop(newRand(), buf[:0])
	c.Modified(key, "spop")
	c.PropagateAs([]byte("SREM"), key, m) // the member chosen, not the choice
	c.W.Bulk(m)
	if s.Len() == 0 {
		e.Delete()
		c.Notify(key, "del")
	} else {
		syncSetEncoding(e, s)
	}
}

// spopCount is SPOP key count.
func spopCount(c *server.Ctx, key []byte) {
	p := c.Parser(2)
	count := p.Int64Err(errs.CountPositive)
	if p.Err() == nil && count < 0 {
		p.Fail(errs.CountPositive)
	}
	if err := p.Err(); err != nil {
		c.Error(err)
		return
	}
	s, e, err := setWrite(c.DB, key)
	if err != nil {
		c.Error(err)
		return
	}
	if s == nil || count == 0 {
		c.W.Set(0)
		return
	}
	size := int64(s.Len())
	c.Modified(key, "spop")
	if count >= size {
		replySetMembers(c, &s.Set)
		e.Delete()
		c.Notify(key, "del")
		if c.Propagating() { // the whole set went: propagated as its deletion
			del := "DEL"
			if h := c.Srv.Hot(); h != nil && h.LazyfreeLazyServerDel.Load() {
				del = "UNLINK"
			}
			c.PropagateAs([]byte(del), key)
		}
		return
	}
	c.W.Set(int(count))
	if !c.Propagating() {
		s.PopN(newRand(), int(count), setLimits(c), func(m []byte) { c.W.Bulk(m) })
		syncSetEncoding(e, s)
		return
	}
	// Propagated as SREMs of the members chosen, 1024 per command.
	c.NoPropagate()
	srem := [][]byte{[]byte("SREM"), key}
	s.PopN(newRand(), int(count), setLimits(c), func(m []byte) {
		c.W.Bulk(m)
		if srem = append(srem, append([]byte(nil), m...)); len(srem) == 2+1024 {
			c.AlsoPropagate(srem...)
			srem = srem[:2]
		}
	})
	if len(srem) > 2 {
		c.AlsoPropagate(srem...)
	}
	syncSetEncoding(e, s)
}

// SRANDMEMBER key [count]
func cmdSRandMember(c *server.Ctx) {
	key := c.Args[1]
	if len(c.Args) > 3 {
		c.Error(errs.Syntax)
		return
	}
	if len(c.Args) == 2 {
		s, err := setRead(c.DB, key)
		switch {
		case err != nil:
			c.Error(err)
		case s == nil:
			c.W.Null()
		default:
			var buf [20]byte
			c.W.Bulk(s.Random(newRand(), buf[:0]))
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
	s, err := setRead(c.DB, key)
	if err != nil {
		c.Error(err)
		return
	}
	if s == nil || l == 0 {
		c.W.Array(0)
		return
	}
	r := newRand()
	size := s.Len()
	var buf [20]byte
	switch {
	case l < 0 || l == 1:
		n := l
		if n < 0 {
			n = -n
		}
		c.W.Array(int(n))
		for ; n > 0 && !replyOverflow(c); n-- {
			c.W.Bulk(s.Random(r, buf[:0]))
		}
	case l >= int64(size):
		c.W.Array(size)
		s.Each(func(m []byte) bool {
			c.W.Bulk(m)
			return true
		})
	default:
		c.W.Array(int(l))
		s.RandomDistinct(r, int(l), func(m []byte) { c.W.Bulk(m) })
	}
}

// setOperands looks up the source keys of SINTER/SUNION/SDIFF: nil for a
// missing key, WRONGTYPE at the first key of another type.
func setOperands(c *server.Ctx, keys [][]byte) ([]*setValue, error) {
	sets := make([]*setValue, len(keys))
	for i, k := range keys {
		s, err := setRead(c.DB, k)
		if err != nil {
			return nil, err
		}
		sets[i] = s
	}
	return sets, nil
}

// SINTER key [key ...] (and SMEMBERS key)
func cmdSInter(c *server.Ctx) { sinterGeneric(c, c.Args[1:], nil, false, 0) }

// SINTERSTORE destination key [key ...]
func cmdSInterStore(c *server.Ctx) { sinterGeneric(c, c.Args[2:], c.Args[1], false, 0) }

// SINTERCARD numkeys key [key ...] [LIMIT limit]
func cmdSInterCard(c *server.Ctx) {
	p := c.Parser(1)
	numkeys := p.Int64Err(errs.NumKeysPositive)
	if p.Err() == nil && numkeys < 1 {
		p.Fail(errs.NumKeysPositive)
	}
	if err := p.Err(); err != nil {
		c.Error(err)
		return
	}
	if numkeys > int64(len(c.Args)-2) {
		c.Error(errs.NumKeysTooMany)
		return
	}
	limit := int64(0)
	p = c.Parser(2 + int(numkeys))
	for p.More() && p.Err() == nil {
		if p.Left() >= 2 && takeKeyword(&p, "limit") {
			if limit = p.Int64Err(errs.LimitNegative); p.Err() == nil && limit < 0 {
				p.Fail(errs.LimitNegative)
			}
		} else {
			p.Fail(errs.Syntax)
		}
	}
	if err := p.Err(); err != nil {
		c.Error(err)
		return
	}
	sinterGeneric(c, c.Args[2:2+numkeys], nil, true, int(limit))
}

// sinterGeneric is Valkey's sinterGenericCommand: the members of the
// smallest set found in all the others, replied (as a set), counted
// (SINTERCARD, up to limit when non-zero) or stored in dst.
func sinterGeneric(c *server.Ctx, keys [][]byte, dst []byte, cardOnly bool, limit int) {
	sets, err := setOperands(c, keys)
	if err != nil {
		c.Error(err)
		return
	}
	for _, s := range sets {
		if s == nil {
			switch {
			case dst != nil:
				if c.DB.Delete(dst) {
					c.Modified(dst, "del")
				}
				c.W.Int(0)
			case cardOnly:
				c.W.Int(0)
			default:
				c.W.Set(0)
			}
			return
		}
	}
	sort.SliceStable(sets, func(i, j int) bool { return sets[i].Len() < sets[j].Len() })
	lim := setLimits(c)
	first := sets[0]
	var out *setValue
	var d resp.Deferred
	switch {
	case dst != nil:
		switch first.Encoding() {
		case set.Intset:
			out = &setValue{*set.NewIntset()}
		case set.Listpack:
			out = &setValue{*set.NewListpack(len(first.ListpackBytes()))}
		default:
			out = &setValue{*set.NewListpack(0)}
		}
	case !cardOnly:
		d = c.W.DeferSet()
	}
	card := 0
	onlyIntegers := true
	var buf [20]byte
	first.EachRaw(func(m []byte, v int64, isInt bool) bool {
		elem := m
		if isInt {
			elem = strconv.AppendInt(buf[:0], v, 10)
		}
		for _, s := range sets[1:] {
			if s == first {
				continue
			}
			if isInt && s.ContainsInt(v) || !isInt && s.Contains(elem) {
				continue
			}
			return true
		}
		switch {
		case cardOnly:
			card++
			return limit == 0 || card < limit
		case dst == nil:
			c.W.Bulk(elem)
			card++
		default:
			if !isInt && onlyIntegers {
				if first.Encoding() != set.Hashtable {
					onlyIntegers = false
				} else if _, ok := num.ParseInt(m); !ok {
					onlyIntegers = false
				}
			}
			out.Add(elem, lim)
		}
		return true
	})
	switch {
	case cardOnly:
		c.W.Int(int64(card))
	case dst == nil:
		c.W.Finish(d, card)
	default:
		if out.Len() > 0 {
			if onlyIntegers {
				out.ToIntsetIfFits(lim)
			}
			out.Compact()
			c.DB.SetObject(dst, keyspace.TypeSet, setEncoding(out), out, 0)
			c.Modified(dst, "sinterstore")
			c.W.Int(int64(out.Len()))
		} else {
			if c.DB.Delete(dst) {
				c.Modified(dst, "del")
			}
			c.W.Int(0)
		}
	}
}

// SUNION key [key ...]
func cmdSUnion(c *server.Ctx) { sunionDiffGeneric(c, c.Args[1:], nil, false) }

// SUNIONSTORE destination key [key ...]
func cmdSUnionStore(c *server.Ctx) { sunionDiffGeneric(c, c.Args[2:], c.Args[1], false) }

// SDIFF key [key ...]
func cmdSDiff(c *server.Ctx) { sunionDiffGeneric(c, c.Args[1:], nil, true) }

// SDIFFSTORE destination key [key ...]
func cmdSDiffStore(c *server.Ctx) { sunionDiffGeneric(c, c.Args[2:], c.Args[1], true) }

// sunionDiffGeneric is Valkey's sunionDiffGenericCommand. The result
// starts as an intset when storing or when every input is an intset, as a
// hashtable otherwise, and grows by the usual conversions.
func sunionDiffGeneric(c *server.Ctx, keys [][]byte, dst []byte, diff bool) {
	sets, err := setOperands(c, keys)
	if err != nil {
		c.Error(err)
		return
	}
	lim := setLimits(c)
	startIntset := true
	for _, s := range sets {
		if dst == nil && s != nil && s.Encoding() != set.Intset {
			startIntset = false
		}
	}
	var out *setValue
	if startIntset {
		out = &setValue{*set.NewIntset()}
	} else {
		out = &setValue{*set.NewHashtable(0)}
	}
	add := func(m []byte) bool {
		out.Add(m, lim)
		return true
	}
	switch {
	case !diff:
		for _, s := range sets {
			if s != nil {
				s.Each(add)
			}
		}
	case sets[0] != nil:
		same := false
		for _, s := range sets[1:] {
			same = same || s == sets[0]
		}
		if !same {
			sets[0].Each(func(m []byte) bool {
				for _, s := range sets[1:] {
					if s != nil && s.Contains(m) {
						return true
					}
				}
				return add(m)
			})
		}
	}
	if dst == nil {
		replySetMembers(c, &out.Set)
		return
	}
	if out.Len() > 0 {
		c.DB.SetObject(dst, keyspace.TypeSet, setEncoding(out), out, 0)
		if diff {
			c.Modified(dst, "sdiffstore")
		} else {
			c.Modified(dst, "sunionstore")
		}
		c.W.Int(int64(out.Len()))
		return
	}
	if c.DB.Delete(dst) {
		c.Modified(dst, "del")
	}
	c.W.Int(0)
}

// SSCAN key cursor [MATCH pattern] [COUNT count]
func cmdSScan(c *server.Ctx) {
	cursor, ok := parseScanCursor(c.Args[2])
	if !ok {
		c.Error(errs.InvalidCursor)
		return
	}
	s, err := setRead(c.DB, c.Args[1])
	if err != nil {
		c.Error(err)
		return
	}
	if s == nil {
		replyEmptyScan(c)
		return
	}
	o, err := parseCollectionScan(c, false)
	if err != nil {
		c.Error(err)
		return
	}
	var items [][]byte
	next := s.Scan(cursor, o.count, func(m []byte) {
		if o.pattern == nil || glob.Match(o.pattern, m, false) {
			items = append(items, append([]byte(nil), m...))
		}
	})
	replyScan(c, next, items)
}

// --- helpers shared with zsets.go -----------------------------------------------

// isKeyword reports whether b is the keyword s, compared as Valkey's strcasecmp
// on the C string (bytes from a NUL on are ignored).
func isKeyword(b []byte, s string) bool {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	return server.EqualFold(b, s)
}

// takeKeyword consumes the next argument if it is the keyword s (see
// isKeyword).
func takeKeyword(p *server.Args, s string) bool {
	if b := p.Peek(); b != nil && isKeyword(b, s) {
		p.Next()
		return true
	}
	return false
}

// scanOpts are SSCAN/ZSCAN's options.
type scanOpts struct {
	count    int
	pattern  []byte
	noScores bool
}

// parseCollectionScan reads the options after the cursor as Valkey's
// scanGenericCommand does for a key's elements (zset: ZSCAN, which
// accepts NOSCORES).
func parseCollectionScan(c *server.Ctx, zset bool) (scanOpts, error) {
	o := scanOpts{count: 10}
	p := c.Parser(3)
	for p.More() && p.Err() == nil {
		switch {
		case p.Left() >= 2 && takeKeyword(&p, "count"):
			n := p.Int64()
			if p.Err() == nil && n < 1 {
				p.Fail(errs.Syntax)
			}
			o.count = int(min(n, math.MaxInt32))
		case p.Left() >= 2 && takeKeyword(&p, "match"):
			o.pattern = p.Next()
			if len(o.pattern) == 1 && o.pattern[0] == '*' {
				o.pattern = nil
			}
		case takeKeyword(&p, "novalues"):
			p.Fail(errs.ScanNoValues)
		case takeKeyword(&p, "noscores"):
			if !zset {
				p.Fail(errs.ScanNoScores)
			}
			o.noScores = true
		default:
			p.Fail(errs.Syntax)
		}
	}
	return o, p.Err()
}

func replyEmptyScan(c *server.Ctx) {
	c.W.Array(2)
	c.W.BulkString("0")
	c.W.Array(0)
}

func replyScan(c *server.Ctx, next uint64, items [][]byte) {
	var buf [20]byte
	c.W.Array(2)
	c.W.Bulk(strconv.AppendUint(buf[:0], next, 10))
	c.W.Array(len(items))
	for _, it := range items {
		c.W.Bulk(it)
	}
}

// maxReplyBytes bounds a reply that a small request can make arbitrarily
// large (SRANDMEMBER/ZRANDMEMBER/HRANDFIELD with a huge negative count)
// even when no client-output-buffer-limit applies.
const maxReplyBytes = 1 << 30

// replyOverflow reports whether the reply has grown past the client's
// output buffer limit or maxReplyBytes; the client is then closed, as
// Valkey closes a client past its limit (the truncated reply is never
// sent).
func replyOverflow(c *server.Ctx) bool {
	if c.ReplyOverLimit() {
		return true
	}
	if c.W.Len() <= maxReplyBytes {
		return false
	}
	if c.Client != nil {
		c.Client.Kill()
	}
	return true
}
