package commands

// The string family, as Valkey 9's t_string.c: GET SET SETNX SETEX PSETEX
// GETEX GETDEL GETSET APPEND STRLEN INCR DECR INCRBY DECRBY INCRBYFLOAT MGET
// MSET MSETNX SETRANGE GETRANGE SUBSTR LCS DELIFEQ.
//
// Encodings (OBJECT ENCODING), as Valkey 9 chooses them:
//   - int: a value that is a canonical 64-bit integer of at most 20 bytes,
//     when stored by SET and friends, APPEND on a missing key, and always
//     for the INCR/DECR family.
//   - embstr: other values whose object, with the key and (when the key has
//     a TTL, or an overwritten value had one) the expire field embedded,
//     fits 64 bytes (keyspace.EmbstrFits). INCRBYFLOAT results are embstr or
//     raw, never int, even when they look like integers.
//   - raw: everything longer, and whatever APPEND or SETRANGE modified.
//
// Expiry: relative times become absolute unix ms at the command's clock
// reading (c.DB.Now). SET with an absolute time already past deletes the
// key instead of storing it, as GETEX with EXAT/PXAT does.
//
// Every handler parses its arguments, calls keyspace entry operations or
// the pure ops of strings_ops.go, and only then chooses the reply.

import (
	"bytes"
	"math"
	"strconv"

	"petrel/internal/errs"
	"petrel/internal/keyspace"
	"petrel/internal/num"
	"petrel/internal/resp"
	"petrel/internal/server"
)

func registerStrings(r *server.Registry) {
	r.Handle("append", cmdAppend)
	r.Handle("decr", cmdDecr)
	r.Handle("decrby", cmdDecrBy)
	r.Handle("delifeq", cmdDelIfEq)
	r.Handle("get", cmdGet)
	r.Handle("getdel", cmdGetDel)
	r.Handle("getex", cmdGetEx)
	r.Handle("getrange", cmdGetRange)
	r.Handle("getset", cmdGetSet)
	r.Handle("incr", cmdIncr)
	r.Handle("incrby", cmdIncrBy)
	r.Handle("incrbyfloat", cmdIncrByFloat)
	r.Handle("lcs", cmdLCS)
	r.Handle("mget", cmdMGet)
	r.Handle("mset", cmdMSet)
	r.Handle("msetnx", cmdMSetNX)
	r.Handle("psetex", cmdPSetEx)
	r.Handle("set", cmdSet)
	r.Handle("setex", cmdSetEx)
	r.Handle("setnx", cmdSetNX)
	r.Handle("setrange", cmdSetRange)
	r.Handle("strlen", cmdStrlen)
	r.Handle("substr", cmdGetRange)
}

// --- type helpers -------------------------------------------------------------

// lookupString finds key for a read (counting a hit or a miss) and checks
// that it holds a string.
func lookupString(db keyspace.DB, key []byte) (keyspace.Entry, bool, error) {
	e, ok := db.LookupRead(key)
	if ok && e.Type() != keyspace.TypeString {
		return e, true, errs.WrongType
	}
	return e, ok, nil
}

// lookupStringWrite is lookupString for a write command (no statistics).
func lookupStringWrite(db keyspace.DB, key []byte) (keyspace.Entry, bool, error) {
	e, ok := db.LookupWrite(key)
	if ok && e.Type() != keyspace.TypeString {
		return e, true, errs.WrongType
	}
	return e, ok, nil
}

// replyValue writes a string entry's value as a bulk string.
func replyValue(w *resp.Writer, e keyspace.Entry) {
	if n, ok := e.IsInt(); ok {
		w.BulkInt(n)
		return
	}
	b, _ := e.StringBytes()
	w.Bulk(b)
}

// stringValue returns a string entry's bytes: int encodings are formatted
// into buf, other values alias the store.
func stringValue(e keyspace.Entry, buf []byte) []byte {
	if b, ok := e.StringBytes(); ok {
		return b
	}
	return e.AppendString(buf)
}

// valueEqual reports whether a string entry's value is v (binary-safe,
// int encodings compared by their decimal form, as compareStringObjects).
func valueEqual(e keyspace.Entry, v []byte) bool {
	var buf [20]byte
	return string(stringValue(e, buf[:0])) == string(v)
}

// valueInt reads a string entry as an integer (Valkey's
// getLongLongFromObject).
func valueInt(e keyspace.Entry) (int64, error) {
	if n, ok := e.IsInt(); ok {
		return n, nil
	}
	b, _ := e.StringBytes()
	n, ok := num.ParseInt(b)
	if !ok {
		return 0, errs.NotInteger
	}
	return n, nil
}

// storeString sets key to v with the absolute expire time expire (0:
// none) and the encoding Valkey 9 gives it. old is the key's entry when it
// exists (found): it is rewritten in place, which spares a second hash
// lookup, and whether it had a TTL counts for the encoding.
func storeString(db keyspace.DB, key, v []byte, old keyspace.Entry, found bool, expire int64) {
	hadTTL := found && old.Expire() != 0
	enc, n := keyspace.StringEncodingFor(key, v, hadTTL || expire != 0)
	if !found {
		db.SetStringEnc(key, v, enc, n, expire)
		return
	}
	switch enc {
	case keyspace.EncInt:
		old = old.SetInt(n)
	case keyspace.EncRaw:
		old = old.SetRawString(v)
	default: // embstr: what SetString picks for a short non-integer
		old = old.SetString(v)
	}
	if old.Expire() != expire {
		old.SetExpire(expire)
	}
}

// expireTooLate deletes key, found holding e, because a command gave it an
// absolute expire time already past (Valkey's
// deleteExpiredKeyFromOverwriteAndPropagate).
func expireTooLate(c *server.Ctx, e keyspace.Entry, key []byte) {
	e.Delete()
	c.DB.Keyspace().Stats.ExpiredKeys.Add(1)
	c.Modified(key, "expired")
	c.PropagateExpiredDelete(key)
}

// optFlag consumes the next argument if it is the option name. Valkey
// compares options as C strings, so bytes from a NUL on are ignored
// ("NX\x00junk" is NX).
func optFlag(p *server.Args, name string) bool {
	b := p.Peek()
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	if b == nil || !server.EqualFold(b, name) {
		return false
	}
	p.Next()
	return true
}

// setOpts are the options of SET (and GETEX, which shares their parser in
// Valkey: parseExtendedCommandArgumentsOrReply).
type setOpts struct {
	nx, xx, get, keepTTL, persist bool
	hasIfeq                       bool
	ifeq                          []byte
	expKind                       int // expNone, expEX, ...
	expAt                         int // argument index of the expire value
}

// expOK reports whether an expire option of kind may follow: no other
// kind was given (the same one may repeat, the last value winning).
func (o *setOpts) expOK(kind int) bool { return o.expKind == expNone || o.expKind == kind }

// parseSetOpts reads SET's options (forSet) or GETEX's, with Valkey's
// rules: NX, XX and IFEQ exclude each other; EX, PX, EXAT, PXAT, KEEPTTL
// (SET) and PERSIST (GETEX) exclude each other but may repeat; GET may
// repeat. Anything else is a syntax error. The expire value is only located
// here: it is checked after every option has been read.
func parseSetOpts(p *server.Args, forSet bool) setOpts {
	var o setOpts
	for p.More() && p.Err() == nil {
		next := p.Left() >= 2
		switch {
		case forSet && !o.xx && !o.hasIfeq && optFlag(p, "nx"):
			o.nx = true
		case forSet && !o.nx && !o.hasIfeq && optFlag(p, "xx"):
			o.xx = true
		case forSet && next && !o.nx && !o.xx && !o.hasIfeq && optFlag(p, "ifeq"):
			o.hasIfeq, o.ifeq = true, p.Next()
		case forSet && optFlag(p, "get"):
			o.get = true
		case forSet && o.expKind == expNone && optFlag(p, "keepttl"):
			o.keepTTL = true
		case !forSet && o.expKind == expNone && optFlag(p, "persist"):
			o.persist = true
		case next && !o.keepTTL && !o.persist && o.expOK(expEX) && optFlag(p, "ex"):
			o.expKind, o.expAt = expEX, p.Pos()
			p.Next()
		case next && !o.keepTTL && !o.persist && o.expOK(expPX) && optFlag(p, "px"):
			o.expKind, o.expAt = expPX, p.Pos()
			p.Next()
		case next && !o.keepTTL && !o.persist && o.expOK(expEXAT) && optFlag(p, "exat"):
			o.expKind, o.expAt = expEXAT, p.Pos()
			p.Next()
		case next && !o.keepTTL && !o.persist && o.expOK(expPXAT) && optFlag(p, "pxat"):
			o.expKind, o.expAt = expPXAT, p.Pos()
			p.Next()
		default:
			p.Fail(errs.Syntax)
		}
	}
	return o
}

// expireOf reads and checks the expire value located by parseSetOpts,
// returning the absolute time in ms (0 without an expire option).
func expireOf(c *server.Ctx, o *setOpts, invalid error) (int64, error) {
	if o.expKind == expNone {
		return 0, nil
	}
	p := c.Parser(o.expAt)
	n := p.Int64()
	if err := p.Err(); err != nil {
		return 0, err
	}
	return expireAt(n, o.expKind, c.DB.Now, invalid)
}

// setGeneric is SET and its variants (Valkey's setGenericCommand). With
// intReply the replies are 1/0 (SETNX) instead of OK/null.
func setGeneric(c *server.Ctx, key, val []byte, o *setOpts, invalid error, intReply bool) {
	when, err := expireOf(c, o, invalid)
	if err != nil {
		c.Error(err)
		return
	}
	if o.get {
		old, ok, err := lookupString(c.DB, key)
		if err != nil {
			c.Error(err)
			return
		}
		if ok {
			replyValue(c.W, old)
		} else {
			c.W.Null()
		}
	}
	e, found := c.DB.LookupWrite(key)
	abort := !o.hasIfeq && ((o.nx && found) || (o.xx && !found))
	if o.hasIfeq {
		if found && !o.get && e.Type() != keyspace.TypeString {
			c.Error(errs.WrongType)
			return
		}
		abort = !found || !valueEqual(e, o.ifeq)
	}
	if abort {
		switch {
		case o.get:
		case intReply:
			c.W.Int(0)
		default:
			c.W.Null()
		}
		return
	}
	if o.expKind != expNone && when <= c.DB.Now && !c.Srv.Settings().ImportMode {
		if found {
			expireTooLate(c, e, key)
		}
		if !o.get {
			c.W.OK()
		}
		return
	}
	expire := when
	if o.keepTTL && found {
		expire = e.Expire()
	}
	storeString(c.DB, key, val, e, found, expire)
	c.Modified(key, "set")
	if o.expKind != expNone {
		c.Notify(key, "expire")
	}
	if c.Propagating() {
		propagateSet(c, key, val, o, when)
	}
	switch {
	case o.get:
	case intReply:
		c.W.Int(1)
	default:
		c.W.OK()
	}
}

// propagateSet gives SET (SETEX, PSETEX, SETNX) its deterministic form,
// as Valkey: a relative expire becomes SET key value PXAT ms; without an
// expire, GET options are dropped.
func propagateSet(c *server.Ctx, key, val []byte, o *setOpts, when int64) {
	switch {
	case o.expKind != expNone && o.expKind != expPXAT:
		c.PropagateAs([]byte("SET"), key, val, []byte("PXAT"), strconv.AppendInt(nil, when, 10))
	case o.get && o.expKind == expNone:
		args := make([][]byte, 0, len(c.Args))
		for i, a := range c.Args {
			if i >= 3 && len(a) == 3 && equalFoldASCII(a, "get") {
				continue
			}
			args = append(args, a)
		}
		c.PropagateAs(args...)
	}
}

// --- handlers, in command-table order -------------------------------------------

// APPEND key value
func cmdAppend(c *server.Ctx) {
	key, v := c.Args[1], c.Args[2]
	e, ok, err := lookupStringWrite(c.DB, key)
	if err != nil {
		c.Error(err)
		return
	}
	if !ok {
		storeString(c.DB, key, v, e, false, 0)
		c.Modified(key, "append")
		c.W.Int(int64(len(v)))
		return
	}
	cur := e.StringLen()
	if err := checkStringLength(int64(cur), int64(len(v)), c.Srv.Settings().ProtoMaxBulkLen); err != nil {
		c.Error(err)
		return
	}
	_, b := e.GrowRaw(cur + len(v))
	copy(b[cur:], v)
	c.Modified(key, "append")
	c.W.Int(int64(len(b)))
}

// DECR key
func cmdDecr(c *server.Ctx) { incrDecr(c, -1) }

// DECRBY key decrement
func cmdDecrBy(c *server.Ctx) {
	p := c.Parser(2)
	d := p.Int64()
	if err := p.Err(); err != nil {
		c.Error(err)
		return
	}
	if d == math.MinInt64 {
		c.Error(errs.DecrOverflow)
		return
	}
	incrDecr(c, -d)
}

// DELIFEQ key value: delete key if it holds exactly value.
func cmdDelIfEq(c *server.Ctx) {
	key := c.Args[1]
	e, ok, err := lookupStringWrite(c.DB, key)
	switch {
	case err != nil:
		c.Error(err)
	case !ok || !valueEqual(e, c.Args[2]):
		c.W.Int(0)
	default:
		e.Delete()
		c.Modified(key, "del")
		c.PropagateAs([]byte("DEL"), key)
		c.W.Int(1)
	}
}

// GET key
func cmdGet(c *server.Ctx) {
	e, ok, err := lookupString(c.DB, c.Args[1])
	switch {
	case err != nil:
		c.Error(err)
	case !ok:
		c.W.Null()
	default:
		replyValue(c.W, e)
	}
}

// GETDEL key
func cmdGetDel(c *server.Ctx) {
	key := c.Args[1]
	e, ok, err := lookupString(c.DB, key)
	switch {
	case err != nil:
		c.Error(err)
	case !ok:
		c.W.Null()
	default:
		replyValue(c.W, e)
		e.Delete()
		c.Modified(key, "del")
		c.PropagateAs([]byte("DEL"), key)
	}
}

// GETEX key [EX seconds | PX ms | EXAT unix-s | PXAT unix-ms | PERSIST]
func cmdGetEx(c *server.Ctx) {
	p := c.Parser(2)
	o := parseSetOpts(&p, false)
	if err := p.Err(); err != nil {
		c.Error(err)
		return
	}
	key := c.Args[1]
	e, ok, err := lookupString(c.DB, key)
	if err != nil {
		c.Error(err)
		return
	}
	if !ok {
		c.W.Null()
		return
	}
	// As in Valkey, the expire value is checked only for an existing key.
	when, err := expireOf(c, &o, errs.InvalidExpGetex)
	if err != nil {
		c.Error(err)
		return
	}
	replyValue(c.W, e)
	switch {
	case (o.expKind == expEXAT || o.expKind == expPXAT) && when <= c.DB.Now && !c.Srv.Settings().ImportMode:
		expireTooLate(c, e, key)
	case o.expKind != expNone:
		// Adding the expire field may push an embedded value out of its
		// 64-byte object.
		if e.Encoding() == keyspace.EncEmbstr && !keyspace.EmbstrFits(len(key), e.StringLen(), true) {
			e.SetEncoding(keyspace.EncRaw)
		}
		e.SetExpire(when)
		c.Modified(key, "expire")
		if c.Propagating() {
			c.PropagateAs([]byte("PEXPIREAT"), key, strconv.AppendInt(nil, when, 10))
		}
	case o.persist && e.Expire() != 0:
		e.SetExpire(0)
		c.Modified(key, "persist")
		c.PropagateAs([]byte("PERSIST"), key)
	}
}

// GETRANGE key start end (and SUBSTR)
func cmdGetRange(c *server.Ctx) {
	p := c.Parser(2)
	start, end := p.Int64(), p.Int64()
	if err := p.Err(); err != nil {
		c.Error(err)
		return
	}
	e, ok, err := lookupString(c.DB, c.Args[1])
	switch {
	case err != nil:
		c.Error(err)
	case !ok:
		c.W.Bulk(nil)
	default:
		var buf [20]byte
		s := stringValue(e, buf[:0])
		lo, hi := strRange(int64(len(s)), start, end)
		c.W.Bulk(s[lo:hi])
	}
}

// GETSET key value
func cmdGetSet(c *server.Ctx) {
	key := c.Args[1]
	e, ok, err := lookupString(c.DB, key)
	if err != nil {
		c.Error(err)
		return
	}
	if ok {
		replyValue(c.W, e)
	} else {
		c.W.Null()
	}
	storeString(c.DB, key, c.Args[2], e, ok, 0)
	c.Modified(key, "set")
	c.PropagateAs([]byte("SET"), key, c.Args[2])
}

// INCR key
func cmdIncr(c *server.Ctx) { incrDecr(c, 1) }

// INCRBY key increment
func cmdIncrBy(c *server.Ctx) {
	p := c.Parser(2)
	d := p.Int64()
	if err := p.Err(); err != nil {
		c.Error(err)
		return
	}
	incrDecr(c, d)
}

// incrDecr is the INCR/DECR family: the result is stored int-encoded and
// the key keeps its TTL.
func incrDecr(c *server.Ctx, d int64) {
	key := c.Args[1]
	e, ok, err := lookupStringWrite(c.DB, key)
	var v int64
	if err == nil && ok {
		v, err = valueInt(e)
	}
	if err == nil {
		v, err = incrInt(v, d)
	}
	if err != nil {
		c.Error(err)
		return
	}
	if ok {
		e.SetInt(v)
	} else {
		c.DB.SetStringEnc(key, nil, keyspace.EncInt, v, 0)
	}
	c.Modified(key, "incrby")
	c.W.Int(v)
}

// INCRBYFLOAT key increment: long double arithmetic; the result is stored
// as a string (embstr or raw, never int) and the key keeps its TTL.
func cmdIncrByFloat(c *server.Ctx) {
	key := c.Args[1]
	e, ok, err := lookupStringWrite(c.DB, key)
	if err != nil {
		c.Error(err)
		return
	}
	var buf [20]byte
	cur := []byte("0")
	var expire int64
	if ok {
		cur = stringValue(e, buf[:0])
		expire = e.Expire()
	}
	out, err := incrByFloat(cur, c.Args[2])
	if err != nil {
		c.Error(err)
		return
	}
	enc := keyspace.EncRaw
	if keyspace.EmbstrFits(len(key), len(out), expire != 0) {
		enc = keyspace.EncEmbstr
	}
	c.DB.SetStringEnc(key, out, enc, 0, expire)
	c.Modified(key, "incrbyfloat")
	c.PropagateAs([]byte("SET"), key, out, []byte("KEEPTTL")) // exact on replicas whatever their float formatting
	c.W.Bulk(out)
}

// LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN]
func cmdLCS(c *server.Ctx) {
	ea, oka := c.DB.LookupRead(c.Args[1])
	eb, okb := c.DB.LookupRead(c.Args[2])
	if (oka && ea.Type() != keyspace.TypeString) || (okb && eb.Type() != keyspace.TypeString) {
		c.Error(errs.LCSNotString)
		return
	}
	p := c.Parser(3)
	var getLen, getIdx, withLen bool
	var minLen int64
	for p.More() && p.Err() == nil {
		switch {
		case optFlag(&p, "idx"):
			getIdx = true
		case optFlag(&p, "len"):
			getLen = true
		case optFlag(&p, "withmatchlen"):
			withLen = true
		case p.Left() >= 2 && optFlag(&p, "minmatchlen"):
			minLen = max(p.Int64(), 0)
		default:
			p.Fail(errs.Syntax)
		}
	}
	if err := p.Err(); err != nil {
		c.Error(err)
		return
	}
	if getLen && getIdx {
		c.Error(errs.LCSLenAndIdx)
		return
	}
	var abuf, bbuf [20]byte
	var a, b []byte
	if oka {
		a = stringValue(ea, abuf[:0])
	}
	if okb {
		b = stringValue(eb, bbuf[:0])
	}
	if uint64(len(a)) >= math.MaxUint32-1 || uint64(len(b)) >= math.MaxUint32-1 {
		c.Error(errs.LCSTooLong)
		return
	}
	// Valkey refuses a table larger than proto-max-bulk-len, whatever the
	// options (even LEN, which here needs only two rows).
	if (uint64(len(a))+1)*(uint64(len(b))+1)*4 > uint64(c.Srv.Settings().ProtoMaxBulkLen) {
		c.Error(errs.LCSMemoryLimit)
		return
	}
	w := c.W
	switch {
	case getLen:
		w.Int(int64(lcsLen(a, b)))
	case getIdx:
		s, matches := lcsFull(a, b, true, minLen)
		w.Map(2)
		w.BulkString("matches")
		w.Array(len(matches))
		for _, m := range matches {
			if withLen {
				w.Array(3)
			} else {
				w.Array(2)
			}
			w.Array(2)
			w.Int(int64(m.aStart))
			w.Int(int64(m.aEnd))
			w.Array(2)
			w.Int(int64(m.bStart))
			w.Int(int64(m.bEnd))
			if withLen {
				w.Int(int64(m.aEnd - m.aStart + 1))
			}
		}
		w.BulkString("len")
		w.Int(int64(len(s)))
	default:
		s, _ := lcsFull(a, b, false, 0)
		w.Bulk(s)
	}
}

// MGET key [key ...]: non-string keys read as null.
func cmdMGet(c *server.Ctx) {
	c.W.Array(len(c.Args) - 1)
	for _, key := range c.Args[1:] {
		e, ok := c.DB.LookupRead(key)
		if !ok || e.Type() != keyspace.TypeString {
			c.W.Null()
			continue
		}
		replyValue(c.W, e)
	}
}

// MSET key value [key value ...]
func cmdMSet(c *server.Ctx) {
	if len(c.Args)%2 == 0 {
		c.Error(errs.WrongArity("mset"))
		return
	}
	msetAll(c)
	c.W.OK()
}

// MSETNX key value [key value ...]: all or nothing, only if no key exists.
func cmdMSetNX(c *server.Ctx) {
	if len(c.Args)%2 == 0 {
		c.Error(errs.WrongArity("msetnx"))
		return
	}
	for j := 1; j < len(c.Args); j += 2 {
		if _, ok := c.DB.LookupWrite(c.Args[j]); ok {
			c.W.Int(0)
			return
		}
	}
	msetAll(c)
	c.W.Int(1)
}

// msetAll sets every key/value pair of MSET[NX], dropping old TTLs.
func msetAll(c *server.Ctx) {
	for j := 1; j < len(c.Args); j += 2 {
		key := c.Args[j]
		e, found := c.DB.LookupWrite(key)
		storeString(c.DB, key, c.Args[j+1], e, found, 0)
		c.Modified(key, "set")
	}
}

// PSETEX key milliseconds value
func cmdPSetEx(c *server.Ctx) {
	o := setOpts{expKind: expPX, expAt: 2}
	setGeneric(c, c.Args[1], c.Args[3], &o, errs.InvalidExpPset, false)
}

// SET key value [NX | XX | IFEQ value] [GET] [EX s | PX ms | EXAT unix-s |
// PXAT unix-ms | KEEPTTL]
func cmdSet(c *server.Ctx) {
	p := c.Parser(3)
	o := parseSetOpts(&p, true)
	if err := p.Err(); err != nil {
		c.Error(err)
		return
	}
	setGeneric(c, c.Args[1], c.Args[2], &o, errs.InvalidExpSet, false)
}

// SETEX key seconds value
func cmdSetEx(c *server.Ctx) {
	o := setOpts{expKind: expEX, expAt: 2}
	setGeneric(c, c.Args[1], c.Args[3], &o, errs.InvalidExpSetex, false)
}

// SETNX key value
func cmdSetNX(c *server.Ctx) {
	o := setOpts{nx: true}
	setGeneric(c, c.Args[1], c.Args[2], &o, nil, true)
}

// SETRANGE key offset value
func cmdSetRange(c *server.Ctx) {
	p := c.Parser(2)
	off := p.Int64()
	if err := p.Err(); err != nil {
		c.Error(err)
		return
	}
	if off < 0 {
		c.Error(errs.OffsetRange)
		return
	}
	key, v := c.Args[1], c.Args[3]
	e, ok, err := lookupStringWrite(c.DB, key)
	if err != nil {
		c.Error(err)
		return
	}
	cur := 0
	if ok {
		cur = e.StringLen()
	}
	if len(v) == 0 { // nothing to write: no key is created
		c.W.Int(int64(cur))
		return
	}
	if err := checkStringLength(off, int64(len(v)), c.Srv.Settings().ProtoMaxBulkLen); err != nil {
		c.Error(err)
		return
	}
	if !ok {
		c.DB.SetStringEnc(key, []byte{}, keyspace.EncRaw, 0, 0)
		e, _ = c.DB.Peek(key)
	}
	_, b := e.GrowRaw(max(cur, int(off)+len(v)))
	copy(b[off:], v)
	c.Modified(key, "setrange")
	c.W.Int(int64(len(b)))
}

// STRLEN key
func cmdStrlen(c *server.Ctx) {
	e, ok, err := lookupString(c.DB, c.Args[1])
	switch {
	case err != nil:
		c.Error(err)
	case !ok:
		c.W.Int(0)
	default:
		c.W.Int(int64(e.StringLen()))
	}
}
