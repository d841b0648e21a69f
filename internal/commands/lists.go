package commands

// The list family, as Valkey 9's t_list.c: LPUSH RPUSH LPUSHX RPUSHX LPOP
// RPOP LLEN LRANGE LINDEX LSET LINSERT LREM LTRIM LPOS LMOVE RPOPLPUSH
// LMPOP, and the blocking BLPOP BRPOP BLMOVE BRPOPLPUSH BLMPOP.
//
// Encodings (OBJECT ENCODING), from internal/types/list:
//   - listpack: one packed listpack while the list is within
//     list-max-listpack-size (a negative size is a byte limit: -1 4 KB,
//     -2 8 KB, ... -5 64 KB; a positive one an element count, with an
//     8 KB safety limit);
//   - quicklist: a chain of listpack nodes of that size, large elements in
//     nodes of their own.
//
// As in Valkey, a list converts to a quicklist before an addition that
// would take it past the limit (LPUSH, RPUSH, LINSERT, LSET, the push of
// LMOVE), and back to a listpack after a removal leaves a single node
// within half the limit (pops, LREM, LTRIM, LSET); list-compress-depth is
// accepted and recorded, nodes are not compressed. An emptied list deletes
// its key.
//
// Blocking commands pop at once when a key has elements, and otherwise
// wait (Ctx.Block, server/blocking.go); a push to a key clients wait for
// signals it (DB.SignalReady) and the waiters' commands are run again, in
// the order they blocked, once the push has released its locks. Inside
// MULTI or a script they do not block: empty keys answer as a timeout.
//
// Keyspace events are Valkey's: lpush, rpush, lpop, rpop, linsert, lset,
// lrem, ltrim, and del when a list empties (LMOVE fires the push on the
// destination, then the pop on the source).

import (
	"strconv"

	"petrel/internal/config"
	"petrel/internal/errs"
	"petrel/internal/keyspace"
	"petrel/internal/resp"
	"petrel/internal/server"
	"petrel/internal/types/list"
)

func registerLists(r *server.Registry) {
	r.Handle("lpush", cmdLPush)
	r.Handle("rpush", cmdRPush)
	r.Handle("lpushx", cmdLPushX)
	r.Handle("rpushx", cmdRPushX)
	r.Handle("linsert", cmdLInsert)
	r.Handle("llen", cmdLLen)
	r.Handle("lindex", cmdLIndex)
	r.Handle("lset", cmdLSet)
	r.Handle("lpop", cmdLPop)
	r.Handle("rpop", cmdRPop)
	r.Handle("lmpop", cmdLMPop)
	r.Handle("lrange", cmdLRange)
	r.Handle("ltrim", cmdLTrim)
	r.Handle("lpos", cmdLPos)
	r.Handle("lrem", cmdLRem)
	r.Handle("lmove", cmdLMove)
	r.Handle("rpoplpush", cmdRPopLPush)
	r.Handle("blpop", cmdBLPop)
	r.Handle("brpop", cmdBRPop)
	r.Handle("blmove", cmdBLMove)
	r.Handle("brpoplpush", cmdBRPopLPush)
	r.Handle("blmpop", cmdBLMPop)
	r.Handle("client|unblock", server.ClientUnblock)
}

// --- type helpers -------------------------------------------------------------

// listValue is a list as the keyspace stores it: the list plus what the
// server asks of collection values (COPY, MEMORY USAGE, DEBUG DIGEST,
// DEBUG OBJECT).
type listValue struct{ list.List }

func newListValue() *listValue { return &listValue{*list.New()} }

// Clone implements keyspace.Cloner.
func (l *listValue) Clone() any { return &listValue{*l.List.Clone()} }

// Digest implements server.ValueDigester: every element, in order.
func (l *listValue) Digest(d *server.Digest) {
	if l.Len() == 0 {
		return
	}
	var buf [32]byte
	it := l.IterFrom(0, false)
	for v, ok := it.Next(); ok; v, ok = it.Next() {
		if v.Int {
			d.Mix(strconv.AppendInt(buf[:0], v.N, 10))
		} else {
			d.Mix(v.B)
		}
	}
}

// DebugObjectExtra implements server.DebugObjectExtra: Valkey's quicklist
// fields of DEBUG OBJECT.
func (l *listValue) DebugObjectExtra(fast bool) string {
	nodes, fill, compress, size, ok := l.QuicklistInfo()
	if !ok {
		return ""
	}
	b := []byte(" ql_nodes:")
	b = strconv.AppendInt(b, int64(nodes), 10)
	b = append(b, " ql_avg_node:"...)
	avg := 0.0
	if nodes > 0 {
		avg = float64(l.Len()) / float64(nodes)
	}
	b = strconv.AppendFloat(b, avg, 'f', 2, 64)
	b = append(b, " ql_listpack_max:"...)
	b = strconv.AppendInt(b, int64(fill), 10)
	b = append(b, " ql_compressed:"...)
	if compress != 0 {
		b = append(b, '1')
	} else {
		b = append(b, '0')
	}
	if !fast {
		b = append(b, " ql_uncompressed_size:"...)
		b = strconv.AppendInt(b, int64(size), 10)
	}
	return string(b)
}

// listEncoding is the keyspace encoding of l.
func listEncoding(l *listValue) uint8 {
	if l.IsQuicklist() {
		return keyspace.EncQuicklist
	}
	return keyspace.EncListpack
}

// listConfigSource is implemented by servers exposing the hot configuration.
type listConfigSource interface{ Hot() *config.Hot }

// listConfig is the list configuration in force: list-max-listpack-size,
// list-compress-depth and DEBUG QUICKLIST-PACKED-THRESHOLD.
func listConfig(c *server.Ctx) list.Config {
	cfg := list.DefaultConfig
	cfg.Mem = c.Srv.ListNodes()
	if s, ok := any(c.Srv).(listConfigSource); ok {
		if h := s.Hot(); h != nil {
			cfg.Fill = int(h.ListMaxListpackSize.Load())
			cfg.Compress = int(h.ListCompressDepth.Load())
		}
	}
	// The server reports 1 GB for "not set", which in Valkey 9 means the
	// threshold follows the fill (quicklist.c's packed_threshold 0).
	if pt := c.Srv.QuicklistPackedThreshold(); pt != 1<<30 {
		cfg.PackedThreshold = int(pt)
	}
	return cfg
}

// lookupList finds key: its list (nil if the key is missing) and entry,
// or WRONGTYPE. read selects read accounting (hits and misses, LRU).
func lookupList(db keyspace.DB, key []byte, read bool) (*listValue, keyspace.Entry, error) {
	var e keyspace.Entry
	var ok bool
	if read {
		e, ok = db.LookupRead(key)
	} else {
		e, ok = db.LookupWrite(key)
	}
	if !ok {
		return nil, e, nil
	}
	l, isList := e.Object().(*listValue)
	if !isList || e.Type() != keyspace.TypeList {
		return nil, e, errs.WrongType
	}
	return l, e, nil
}

// syncEncoding records l's encoding on its entry after a change.
func syncEncoding(e keyspace.Entry, l *listValue) {
	if enc := listEncoding(l); e.Encoding() != enc {
		e.SetEncoding(enc)
	}
}

// listRemoved finishes a removal from the list under key, as Valkey's
// listElementsRemoved: the pop event, then the key's deletion if the list
// is empty, or its conversion back to a listpack if it shrank enough. The
// key is looked up again: other keys may have changed since.
func listRemoved(c *server.Ctx, key []byte, l *listValue, cfg *list.Config, head bool) {
	c.Modified(key, popEvent(head))
	e, ok := c.DB.Peek(key)
	if !ok {
		return
	}
	if l.Len() == 0 {
		e.Delete()
		c.Notify(key, "del") // the same change, a second event
		return
	}
	l.Shrink(cfg)
	syncEncoding(e, l)
}

func popEvent(head bool) string {
	if head {
		return "lpop"
	}
	return "rpop"
}

func pushEvent(head bool) string {
	if head {
		return "lpush"
	}
	return "rpush"
}

// pushTo pushes vals to the list under key (created if missing), signals
// the clients waiting for it and fires the push event. l is the key's list
// or nil; e its entry when l is not nil.
func pushTo(c *server.Ctx, key []byte, l *listValue, e keyspace.Entry, cfg *list.Config, head bool, vals ...[]byte) *listValue {
	if l == nil {
		l = newListValue()
		l.Push(cfg, head, vals...)
		c.DB.SetObject(key, keyspace.TypeList, listEncoding(l), l, 0)
	} else {
		l.Push(cfg, head, vals...)
		syncEncoding(e, l)
	}
	c.DB.SignalReady(key)
	c.Modified(key, pushEvent(head))
	return l
}

// moreChanges counts n changes beyond the one Modified counted, as
// Valkey's server.dirty counts every element pushed or popped (n may be -1
// for an LTRIM that removed nothing, which Valkey does not count).
func moreChanges(c *server.Ctx, n int) {
	if n != 0 {
		c.ModifiedN(int64(n))
	}
}

// writeElement writes one element as a bulk string.
func writeElement(w *resp.Writer, v list.Value) {
	if v.Int {
		w.BulkInt(v.N)
	} else {
		w.Bulk(v.B)
	}
}

// writeRange writes n elements from start (towards the head when
// reverse) as an array.
func writeRange(w *resp.Writer, l *listValue, start, n int, reverse bool) {
	w.Array(n)
	if n == 0 {
		return
	}
	it := l.IterFrom(start, reverse)
	for ; n > 0; n-- {
		v, _ := it.Next()
		writeElement(w, v)
	}
}

// popRange pops up to count elements from the head or tail of l (under
// key), writing them as an array, as Valkey's popGenericCommand with a
// count: the reply first, then the deletion and listRemoved.
func popRange(c *server.Ctx, key []byte, l *listValue, cfg *list.Config, head bool, count int64) int {
	n := int(min(count, int64(l.Len())))
	if head {
		writeRange(c.W, l, 0, n, false)
		l.DeleteRange(0, n)
	} else {
		writeRange(c.W, l, l.Len()-1, n, true)
		l.DeleteRange(-n, n)
	}
	listRemoved(c, key, l, cfg, head)
	return n
}

// listSide parses LEFT or RIGHT: true for LEFT (the head).
func listSide(p *server.Args) bool {
	switch b := p.Next(); {
	case p.Err() != nil:
	case server.EqualFold(b, "left"):
		return true
	case server.EqualFold(b, "right"):
		return false
	default:
		p.Fail(errs.Syntax)
	}
	return false
}

// listPositiveArg reads a long in [0, LONG_MAX], failing with err (or
// Valkey's "must be positive" when nil) for anything else.
func listPositiveArg(p *server.Args, err error) int64 {
	if err == nil {
		err = errs.CountPositive
	}
	n := p.Int64Err(err)
	if p.Err() == nil && n < 0 {
		p.Fail(err)
	}
	return n
}

// --- handlers -----------------------------------------------------------------

func cmdLPush(c *server.Ctx)  { pushGeneric(c, true, false) }
func cmdRPush(c *server.Ctx)  { pushGeneric(c, false, false) }
func cmdLPushX(c *server.Ctx) { pushGeneric(c, true, true) }
func cmdRPushX(c *server.Ctx) { pushGeneric(c, false, true) }

// pushGeneric is LPUSH/RPUSH (creating the key) and LPUSHX/RPUSHX (only
// to an existing list).
func pushGeneric(c *server.Ctx, head, xx bool) {
	key := c.Args[1]
	l, e, err := lookupList(c.DB, key, false)
	if err != nil {
		c.Error(err)
		return
	}
	if l == nil && xx {
		c.W.Int(0)
		return
	}
	cfg := listConfig(c)
	l = pushTo(c, key, l, e, &cfg, head, c.Args[2:]...)
	moreChanges(c, len(c.Args)-3)
	c.W.Int(int64(l.Len()))
}

// cmdLInsert: LINSERT key BEFORE|AFTER pivot element.
func cmdLInsert(c *server.Ctx) {
	var after bool
	switch where := c.Args[2]; {
	case server.EqualFold(where, "after"):
		after = true
	case server.EqualFold(where, "before"):
	default:
		c.Error(errs.Syntax)
		return
	}
	key := c.Args[1]
	l, e, err := lookupList(c.DB, key, false)
	if err != nil || l == nil {
		replyErrOrInt(c, err, 0)
		return
	}
	cfg := listConfig(c)
	inserted := l.Insert(&cfg, c.Args[3], c.Args[4], after)
	syncEncoding(e, l) // it may have converted even without inserting
	if !inserted {
		c.W.Int(-1)
		return
	}
	c.Modified(key, "linsert")
	c.W.Int(int64(l.Len()))
}

// replyErrOrInt writes err, or the integer n when err is nil.
func replyErrOrInt(c *server.Ctx, err error, n int64) {
	if err != nil {
		c.Error(err)
		return
	}
	c.W.Int(n)
}

func cmdLLen(c *server.Ctx) {
	l, _, err := lookupList(c.DB, c.Args[1], true)
	if err != nil || l == nil {
		replyErrOrInt(c, err, 0)
		return
	}
	c.W.Int(int64(l.Len()))
}

// cmdLIndex: LINDEX key index. A missing key answers null before the
// index is even read, as Valkey.
func cmdLIndex(c *server.Ctx) {
	l, _, err := lookupList(c.DB, c.Args[1], true)
	switch {
	case err != nil:
		c.Error(err)
		return
	case l == nil:
		c.W.Null()
		return
	}
	p := c.Parser(2)
	i := p.Int64()
	if p.Err() != nil {
		c.Error(p.Err())
		return
	}
	v, ok := l.Index(int(i))
	if !ok {
		c.W.Null()
		return
	}
	writeElement(c.W, v)
}

// cmdLSet: LSET key index element.
func cmdLSet(c *server.Ctx) {
	key := c.Args[1]
	l, e, err := lookupList(c.DB, key, false)
	switch {
	case err != nil:
		c.Error(err)
		return
	case l == nil:
		c.Error(errs.NoSuchKey)
		return
	}
	p := c.Parser(2)
	i := p.Int64()
	if p.Err() != nil {
		c.Error(p.Err())
		return
	}
	cfg := listConfig(c)
	ok := l.Set(&cfg, int(i), c.Args[3])
	syncEncoding(e, l)
	if !ok {
		c.Error(errs.OutOfRange)
		return
	}
	c.Modified(key, "lset")
	c.W.OK()
}

func cmdLPop(c *server.Ctx) { popGeneric(c, true) }
func cmdRPop(c *server.Ctx) { popGeneric(c, false) }

// popGeneric is LPOP/RPOP key [count]: one element as a bulk string, or
// with a count up to count elements as an array.
func popGeneric(c *server.Ctx, head bool) {
	if len(c.Args) > 3 {
		c.Error(errs.WrongArity(c.Spec.Name))
		return
	}
	hasCount := len(c.Args) == 3
	var count int64
	if hasCount {
		p := c.Parser(2)
		count = listPositiveArg(&p, nil)
		if p.Err() != nil {
			c.Error(p.Err())
			return
		}
	}
	key := c.Args[1]
	l, _, err := lookupList(c.DB, key, false)
	switch {
	case err != nil:
		c.Error(err)
		return
	case l == nil && hasCount:
		c.W.NullArray()
		return
	case l == nil:
		c.W.Null()
		return
	case hasCount && count == 0:
		c.W.Array(0)
		return
	}
	cfg := listConfig(c)
	if hasCount {
		n := popRange(c, key, l, &cfg, head, count)
		moreChanges(c, n-1)
		return
	}
	var buf [64]byte
	v, _ := l.Pop(head, buf[:0])
	listRemoved(c, key, l, &cfg, head)
	c.W.Bulk(v)
}

// mpopArgs are the parsed arguments of LMPOP/BLMPOP.
type mpopArgs struct {
	keys  [][]byte
	head  bool
	count int64
}

// parseMPop reads numkeys key... LEFT|RIGHT [COUNT count] from argument
// numkeysAt, with Valkey's checks in Valkey's order.
func parseMPop(c *server.Ctx, numkeysAt int) (mpopArgs, error) {
	var a mpopArgs
	p := c.Parser(numkeysAt)
	numkeys := p.Int64Err(errs.NumkeysPositive)
	if p.Err() != nil {
		return a, p.Err()
	}
	if numkeys < 1 {
		return a, errs.NumkeysPositive
	}
	if numkeys >= int64(len(c.Args)-numkeysAt-1) {
		return a, errs.Syntax
	}
	first := numkeysAt + 1
	a.keys = c.Args[first : first+int(numkeys)]
	p = c.Parser(first + int(numkeys))
	a.head = listSide(&p)
	a.count = -1
	for p.Err() == nil && p.More() {
		if a.count == -1 && p.Left() >= 2 && server.EqualFold(p.Peek(), "count") {
			p.Next()
			a.count = p.Int64Err(errs.CountGreaterZero)
			if p.Err() == nil && a.count < 1 {
				p.Fail(errs.CountGreaterZero)
			}
			continue
		}
		p.Fail(errs.Syntax)
	}
	if a.count == -1 {
		a.count = 1
	}
	return a, p.Err()
}

// mpop pops from the first non-empty list of a.keys, replying [key,
// [elements]]; ok is false when every list is empty (nothing written).
func mpop(c *server.Ctx, a *mpopArgs) (ok bool, err error) {
	for _, key := range a.keys {
		l, _, err := lookupList(c.DB, key, false)
		if err != nil {
			return false, err
		}
		if l == nil || l.Len() == 0 {
			continue
		}
		cfg := listConfig(c)
		c.W.Array(2)
		c.W.Bulk(key)
		n := popRange(c, key, l, &cfg, a.head, a.count)
		moreChanges(c, n-1)
		if c.Propagating() { // [B]LMPOP is propagated as [LR]POP key count
			c.PropagateAs(popName(a.head), key, strconv.AppendInt(nil, int64(n), 10))
		}
		return true, nil
	}
	return false, nil
}

// cmdLMPop: LMPOP numkeys key... LEFT|RIGHT [COUNT count].
func cmdLMPop(c *server.Ctx) {
	a, err := parseMPop(c, 1)
	if err == nil {
		var ok bool
		if ok, err = mpop(c, &a); err == nil && !ok {
			c.W.NullArray()
		}
	}
	if err != nil {
		c.Error(err)
	}
}

// cmdLRange: LRANGE key start stop.
func cmdLRange(c *server.Ctx) {
	p := c.Parser(2)
	start, stop := p.Int64(), p.Int64()
	if p.Err() != nil {
		c.Error(p.Err())
		return
	}
	l, _, err := lookupList(c.DB, c.Args[1], true)
	switch {
	case err != nil:
		c.Error(err)
		return
	case l == nil:
		c.W.Array(0)
		return
	}
	n := int64(l.Len())
	if start < 0 {
		start += n
	}
	if stop < 0 {
		stop += n
	}
	start = max(start, 0)
	if start > stop || start >= n {
		c.W.Array(0)
		return
	}
	stop = min(stop, n-1)
	writeRange(c.W, l, int(start), int(stop-start+1), false)
}

// cmdLTrim: LTRIM key start stop.
func cmdLTrim(c *server.Ctx) {
	p := c.Parser(2)
	start, stop := p.Int64(), p.Int64()
	if p.Err() != nil {
		c.Error(p.Err())
		return
	}
	key := c.Args[1]
	l, e, err := lookupList(c.DB, key, false)
	switch {
	case err != nil:
		c.Error(err)
		return
	case l == nil:
		c.W.OK()
		return
	}
	cfg := listConfig(c)
	removed := l.Trim(&cfg, int(start), int(stop))
	c.Modified(key, "ltrim")
	if l.Len() == 0 {
		e.Delete()
		c.Notify(key, "del")
	} else {
		syncEncoding(e, l)
	}
	moreChanges(c, removed-1)
	c.W.OK()
}

// cmdLPos: LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len].
func cmdLPos(c *server.Ctx) {
	rank, count, maxlen := int64(1), int64(-1), int64(0)
	p := c.Parser(3)
	for p.Err() == nil && p.More() {
		more := p.Left() >= 2
		switch {
		case more && server.EqualFold(p.Peek(), "rank"):
			p.Next()
			rank = p.Int64()
			switch {
			case p.Err() != nil:
			case rank == -1<<63:
				p.Fail(errs.LongRange)
			case rank == 0:
				p.Fail(errs.LposRankZero)
			}
		case more && server.EqualFold(p.Peek(), "count"):
			p.Next()
			count = listPositiveArg(&p, errs.LposCountNeg)
		case more && server.EqualFold(p.Peek(), "maxlen"):
			p.Next()
			maxlen = listPositiveArg(&p, errs.LposMaxlenNeg)
		default:
			p.Fail(errs.Syntax)
		}
	}
	if p.Err() != nil {
		c.Error(p.Err())
		return
	}
	l, _, err := lookupList(c.DB, c.Args[1], true)
	switch {
	case err != nil:
		c.Error(err)
		return
	case l == nil && count != -1:
		c.W.Array(0)
		return
	case l == nil:
		c.W.Null()
		return
	}
	want := int(count)
	if count == -1 {
		want = 1
	}
	var buf [16]int
	found := l.Pos(c.Args[2], int(rank), want, int(maxlen), buf[:0])
	if count == -1 {
		if len(found) == 0 {
			c.W.Null()
		} else {
			c.W.Int(int64(found[0]))
		}
		return
	}
	c.W.Array(len(found))
	for _, i := range found {
		c.W.Int(int64(i))
	}
}

// cmdLRem: LREM key count element.
func cmdLRem(c *server.Ctx) {
	p := c.Parser(2)
	count := p.Int64()
	if p.Err() == nil && count == -1<<63 {
		p.Fail(errs.LongRange)
	}
	if p.Err() != nil {
		c.Error(p.Err())
		return
	}
	key := c.Args[1]
	l, e, err := lookupList(c.DB, key, false)
	if err != nil || l == nil {
		replyErrOrInt(c, err, 0)
		return
	}
	cfg := listConfig(c)
	removed := l.Remove(&cfg, int(count), c.Args[3])
	if removed > 0 {
		c.Modified(key, "lrem")
		if l.Len() == 0 {
			e.Delete()
			c.Notify(key, "del")
		} else {
			syncEncoding(e, l)
		}
		moreChanges(c, removed-1)
	}
	c.W.Int(int64(removed))
}

// cmdLMove: LMOVE source destination LEFT|RIGHT LEFT|RIGHT.
func cmdLMove(c *server.Ctx) {
	p := c.Parser(3)
	from, to := listSide(&p), listSide(&p)
	if p.Err() != nil {
		c.Error(p.Err())
		return
	}
	lmove(c, from, to)
}

// cmdRPopLPush: RPOPLPUSH source destination (LMOVE ... RIGHT LEFT).
func cmdRPopLPush(c *server.Ctx) { lmove(c, false, true) }

// lmove moves one element from the source's head (from) or tail to the
// destination's head (to) or tail; it replies null if the source is
// missing.
func lmove(c *server.Ctx, from, to bool) {
	src, dstKey := c.Args[1], c.Args[2]
	l, _, err := lookupList(c.DB, src, false)
	switch {
	case err != nil:
		c.Error(err)
		return
	case l == nil || l.Len() == 0:
		c.W.Null()
		return
	}
	dst, de, err := lookupList(c.DB, dstKey, false)
	if err != nil {
		c.Error(err)
		return
	}
	cfg := listConfig(c)
	var buf [64]byte
	v, _ := l.Pop(from, buf[:0])
	pushTo(c, dstKey, dst, de, &cfg, to, v)
	listRemoved(c, src, l, &cfg, from)
	// Valkey counts a move as one change (the pop's): the push only
	// signals the destination.
	moreChanges(c, -1)
	c.W.Bulk(v)
}

// popName is the non-blocking pop a list pop is propagated as.
func popName(head bool) []byte {
	if head {
		return []byte("LPOP")
	}
	return []byte("RPOP")
}

func cmdBLPop(c *server.Ctx) { blockingPop(c, true) }
func cmdBRPop(c *server.Ctx) { blockingPop(c, false) }

// blockingPop is BLPOP/BRPOP key... timeout: [key, element] from the
// first non-empty list, or wait.
func blockingPop(c *server.Ctx, head bool) {
	keys := c.Args[1 : len(c.Args)-1]
	deadline, err := c.BlockTimeout(c.Args[len(c.Args)-1], false)
	if err != nil {
		c.Error(err)
		return
	}
	for _, key := range keys {
		l, _, err := lookupList(c.DB, key, false)
		if err != nil {
			c.Error(err)
			return
		}
		if l == nil || l.Len() == 0 {
			continue
		}
		cfg := listConfig(c)
		var buf [64]byte
		v, _ := l.Pop(head, buf[:0])
		listRemoved(c, key, l, &cfg, head)
		c.PropagateAs(popName(head), key) // B[LR]POP is propagated as [LR]POP
		c.W.Array(2)
		c.W.Bulk(key)
		c.W.Bulk(v)
		return
	}
	if !c.Block(keys, keyspace.TypeList, deadline) {
		c.W.NullArray()
	}
}

// cmdBLMove: BLMOVE source destination LEFT|RIGHT LEFT|RIGHT timeout.
func cmdBLMove(c *server.Ctx) {
	p := c.Parser(3)
	from, to := listSide(&p), listSide(&p)
	if p.Err() != nil {
		c.Error(p.Err())
		return
	}
	blmove(c, from, to, c.Args[5])
}

// cmdBRPopLPush: BRPOPLPUSH source destination timeout.
func cmdBRPopLPush(c *server.Ctx) { blmove(c, false, true, c.Args[3]) }

func blmove(c *server.Ctx, from, to bool, timeout []byte) {
	deadline, err := c.BlockTimeout(timeout, false)
	if err != nil {
		c.Error(err)
		return
	}
	if l, _, err := lookupList(c.DB, c.Args[1], false); err != nil || (l != nil && l.Len() > 0) {
		lmove(c, from, to)
		if len(c.Args) == 6 { // propagated without the wait: LMOVE, RPOPLPUSH
			c.PropagateAs([]byte("LMOVE"), c.Args[1], c.Args[2], c.Args[3], c.Args[4])
		} else {
			c.PropagateAs([]byte("RPOPLPUSH"), c.Args[1], c.Args[2])
		}
		return
	}
	if !c.Block(c.Args[1:2], keyspace.TypeList, deadline) {
		c.W.Null()
	}
}

// cmdBLMPop: BLMPOP timeout numkeys key... LEFT|RIGHT [COUNT count].
func cmdBLMPop(c *server.Ctx) {
	a, err := parseMPop(c, 2)
	if err != nil {
		c.Error(err)
		return
	}
	deadline, err := c.BlockTimeout(c.Args[1], false)
	if err != nil {
		c.Error(err)
		return
	}
	ok, err := mpop(c, &a)
	switch {
	case err != nil:
		c.Error(err)
	case ok:
	case !c.Block(a.keys, keyspace.TypeList, deadline):
		c.W.NullArray()
	}
}
