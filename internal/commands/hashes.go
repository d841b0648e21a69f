package commands

// The hash family, as Valkey 9's t_hash.c: HSET HSETNX HMSET HGET HMGET
// HDEL HLEN HSTRLEN HEXISTS HKEYS HVALS HGETALL HINCRBY HINCRBYFLOAT
// HRANDFIELD HSCAN, and hash field expiration: HEXPIRE HPEXPIRE HEXPIREAT
// HPEXPIREAT HTTL HPTTL HEXPIRETIME HPEXPIRETIME HPERSIST HGETEX HSETEX.
//
// Encodings (OBJECT ENCODING), from internal/types/hash:
//   - listpack: the packed form, while the hash has at most
//     hash-max-listpack-entries fields, none longer than
//     hash-max-listpack-value bytes (nor any value), and no field TTL;
//   - hashtable: beyond those limits, or from the first field TTL on.
//
// Conversions happen where Valkey's do: HSET/HSETNX/HMSET check the
// arguments first (more pairs than the entry limit, duplicates included,
// or a string over the value limit), every write checks the field and
// value it stores and the resulting length, and setting a TTL on a present
// field converts. A hash never converts back.
//
// Field expiry: a field whose TTL passed is invisible to every command but
// still counted by HLEN until the active expiry cycle reclaims it (through
// keyspace's FieldExpirer index) or a write replaces it, exactly as in
// Valkey 9 (no lazy reclaim on reads). A write over an expired field
// reports "hexpired" before its own event. When a command leaves a hash
// empty, the key is deleted ("del").
//
// Values are stored as hashObject, a pointer-shaped wrapper around
// *hash.Hash (an interface holds it without allocating) that adds the
// keyspace's Cloner and FieldExpirer and the server's MemorySizer and
// ValueDigester.

import (
	"bytes"
	"math"
	"math/rand/v2"
	"strconv"
	"time"

	"petrel/internal/errs"
	"petrel/internal/glob"
	"petrel/internal/keyspace"
	"petrel/internal/num"
	"petrel/internal/resp"
	"petrel/internal/server"
	"petrel/internal/types/hash"
)

func registerHashes(r *server.Registry) {
	r.Handle("hdel", cmdHDel)
	r.Handle("hexists", cmdHExists)
	r.Handle("hexpire", cmdHExpire)
	r.Handle("hexpireat", cmdHExpireAt)
	r.Handle("hexpiretime", cmdHExpireTime)
	r.Handle("hget", cmdHGet)
	r.Handle("hgetall", cmdHGetAll)
	r.Handle("hgetex", cmdHGetEx)
	r.Handle("hincrby", cmdHIncrBy)
	r.Handle("hincrbyfloat", cmdHIncrByFloat)
	r.Handle("hkeys", cmdHKeys)
	r.Handle("hlen", cmdHLen)
	r.Handle("hmget", cmdHMGet)
	r.Handle("hmset", cmdHSet)
	r.Handle("hpersist", cmdHPersist)
	r.Handle("hpexpire", cmdHPExpire)
	r.Handle("hpexpireat", cmdHPExpireAt)
	r.Handle("hpexpiretime", cmdHPExpireTime)
	r.Handle("hpttl", cmdHPTTL)
	r.Handle("hrandfield", cmdHRandField)
	r.Handle("hscan", cmdHScan)
	r.Handle("hset", cmdHSet)
	r.Handle("hsetex", cmdHSetEx)
	r.Handle("hsetnx", cmdHSetNX)
	r.Handle("hstrlen", cmdHStrlen)
	r.Handle("httl", cmdHTTL)
	r.Handle("hvals", cmdHVals)
}

// --- type helpers ---------------------------------------------------------------

// hashObject is a hash as the keyspace stores it.
type hashObject struct{ *hash.Hash }

// Clone implements keyspace.Cloner (COPY).
func (o hashObject) Clone() any { return hashObject{o.Hash.Clone()} }

// MemoryUsage implements server.MemorySizer: the exact bytes held, which
// costs no more than a sample.
func (o hashObject) MemoryUsage(samples int) int { return o.Hash.MemoryUsage() }

// Digest implements server.ValueDigester as Valkey's xorObjectDigest does
// for a hash: each live field and value mixed into their own digest, those
// XORed together.
func (o hashObject) Digest(d *server.Digest) {
	o.Range(time.Now().UnixMilli(), func(f, v []byte) bool {
		var e server.Digest
		e.Mix(f)
		e.Mix(v)
		d.Xor(e[:])
		return true
	})
}

// ReclaimExpiredFields implements keyspace.FieldExpirer for the active
// expiry cycle.
func (o hashObject) ReclaimExpiredFields(now int64, max int) (reclaimed, left int) {
	n := o.ExpireFields(now, max, nil)
	return n, o.Len()
}

// ReclaimExpiredFieldsNamed implements keyspace.FieldNamer: the active
// cycle propagates the fields it reclaims as HDEL.
func (o hashObject) ReclaimExpiredFieldsNamed(now int64, max int, fn func(field []byte)) (reclaimed, left int) {
	n := o.ExpireFields(now, max, fn)
	return n, o.Len()
}

// hashEncoding is the OBJECT ENCODING of h.
func hashEncoding(h *hash.Hash) uint8 {
	if h.Packed() {
		return keyspace.EncListpack
	}
	return keyspace.EncHashtable
}

// hashLimits are the current hash-max-listpack-entries and -value.
func hashLimits(c *server.Ctx) hash.Limits {
	if h := c.Srv.Hot(); h != nil {
		return hash.Limits{MaxEntries: h.HashMaxListpackEntries.Load(), MaxValue: h.HashMaxListpackValue.Load()}
	}
	return hash.DefaultLimits
}

// hashRead finds key for a read command (counting a hit or miss): the hash,
// or nil when the key is missing, or WRONGTYPE.
func hashRead(db keyspace.DB, key []byte) (*hash.Hash, error) {
	e, ok := db.LookupRead(key)
	if !ok {
		return nil, nil
	}
	if e.Type() != keyspace.TypeHash {
		return nil, errs.WrongType
	}
	return e.Object().(hashObject).Hash, nil
}

// hashWriter is a hash being changed by a write command: the value of an
// existing key, changed in place, or a new one stored by done.
type hashWriter struct {
	c      *server.Ctx
	key    []byte
	e      keyspace.Entry
	found  bool
	h      *hash.Hash
	hadVol bool // whether some field had a TTL before the change
}

// hashWrite finds key for a write command. With create, a missing key
// gets a new, empty hash (stored only by done); otherwise w.h is nil for a
// missing key.
func hashWrite(c *server.Ctx, key []byte, create bool) (hashWriter, error) {
	e, found := c.DB.LookupWrite(key)
	return hashWriterOf(c, key, e, found, create)
}

// hashWriterOf is hashWrite for a key already looked up.
func hashWriterOf(c *server.Ctx, key []byte, e keyspace.Entry, found, create bool) (hashWriter, error) {
	w := hashWriter{c: c, key: key, e: e, found: found}
	switch {
	case w.found && w.e.Type() != keyspace.TypeHash:
		return w, errs.WrongType
	case w.found:
		w.h = w.e.Object().(hashObject).Hash
		w.hadVol = w.h.HasFieldExpiry()
	case create:
		w.h = hash.New()
	}
	return w, nil
}

// done records the change: a new hash is stored, an existing one gets its
// encoding and field-expiry tracking updated; a hash left empty is
// deleted, reporting "del" (a second event of the change the caller
// reported with Modified). Call it once, after the change.
func (w *hashWriter) done() {
	switch {
	case w.h == nil:
	case w.h.Len() == 0:
		if w.found {
			w.e.Delete()
		}
		w.c.Notify(w.key, "del")
	case !w.found:
		w.c.DB.SetObject(w.key, keyspace.TypeHash, hashEncoding(w.h), hashObject{w.h}, 0)
	default:
		if enc := hashEncoding(w.h); w.e.Encoding() != enc {
			w.e.SetEncoding(enc)
		}
		if w.h.HasFieldExpiry() != w.hadVol {
			w.e.SyncFieldExpiry()
		}
	}
}

// alreadyExpired reports whether a field deadline has passed so that the
// command deletes the fields instead of setting it (Valkey's
// checkAlreadyExpired): in import mode the fields keep their past
// deadline, for the import source to delete them.
func alreadyExpired(c *server.Ctx, when int64) bool {
	return when <= c.DB.Now && !c.Srv.Settings().ImportMode
}

// storedDeadline maps a deadline of 0 ms (EXAT 0, kept in import mode) to
// 1 ms: the hash type uses 0 for "no TTL". Either is long past.
func storedDeadline(when int64) int64 {
	if when == 0 {
		return 1
	}
	return when
}

// fieldsExpired counts fields reclaimed by a command (INFO expired_fields).
func fieldsExpired(c *server.Ctx, n int) {
	if n > 0 {
		c.DB.Keyspace().Stats.ExpiredFields.Add(int64(n))
	}
}

// argBytes is the total length of strings about to be stored.
func argBytes(strs [][]byte) int {
	n := 0
	for _, s := range strs {
		n += len(s)
	}
	return n
}

// hashArgIs compares an argument with a keyword as C's strcasecmp does
// (the argument ends at its first NUL).
func hashArgIs(b []byte, s string) bool {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	return server.EqualFold(b, s)
}

// fieldsAt finds the FIELDS keyword as Valkey does (the first argument from
// index from on, not the last one, that reads "fields") and returns its
// index, or -1.
func fieldsAt(args [][]byte, from int) int {
	for i := from; i < len(args)-1; i++ {
		if hashArgIs(args[i], "fields") {
			return i
		}
	}
	return -1
}

// hashExpireAt turns a hash expire command's time argument into unix ms
// (Valkey's convertExpireArgumentToUnixTime): negative values, and values
// that overflow once scaled or added to base, are invalid.
func hashExpireAt(arg []byte, base int64, seconds bool, name string) (int64, error) {
	when, ok := num.ParseInt(arg)
	if !ok {
		return 0, errs.NotInteger
	}
	if when < 0 {
		return 0, errs.InvalidExpireIn(name)
	}
	if seconds {
		if when > math.MaxInt64/1000 {
			return 0, errs.InvalidExpireIn(name)
		}
		when *= 1000
	}
	if when > math.MaxInt64-base {
		return 0, errs.InvalidExpireIn(name)
	}
	return when + base, nil
}

// replyHashValue writes a field's value, or null when absent.
func replyHashValue(c *server.Ctx, h *hash.Hash, field []byte) {
	if h != nil {
		if v, ok := h.Get(field, c.DB.Now); ok {
			c.W.Bulk(v)
			return
		}
	}
	c.W.Null()
}

// --- handlers, in command-table order -------------------------------------------

// HDEL key field [field ...]
func cmdHDel(c *server.Ctx) {
	key := c.Args[1]
	w, err := hashWrite(c, key, false)
	if err != nil {
		c.Error(err)
		return
	}
	if w.h == nil {
		c.W.Int(0)
		return
	}
	deleted := 0
	for _, f := range c.Args[2:] {
		if w.h.Delete(f, c.DB.Now) {
			deleted++
			if w.h.Len() == 0 {
				break
			}
		}
	}
	if deleted > 0 {
		c.Modified(key, "hdel")
		w.done()
	}
	c.W.Int(int64(deleted))
}

// HEXISTS key field
func cmdHExists(c *server.Ctx) {
	h, err := hashRead(c.DB, c.Args[1])
	switch {
	case err != nil:
		c.Error(err)
	case h != nil && h.Exists(c.Args[2], c.DB.Now):
		c.W.Int(1)
	default:
		c.W.Int(0)
	}
}

// HEXPIRE key seconds [NX | XX | GT | LT] FIELDS numfields field [field ...]
func cmdHExpire(c *server.Ctx) { hexpireGeneric(c, c.DB.Now, true, "hexpire") }

// HEXPIREAT key unix-time-seconds [NX | XX | GT | LT] FIELDS numfields field ...
func cmdHExpireAt(c *server.Ctx) { hexpireGeneric(c, 0, true, "hexpireat") }

// HPEXPIRE key milliseconds [NX | XX | GT | LT] FIELDS numfields field ...
func cmdHPExpire(c *server.Ctx) { hexpireGeneric(c, c.DB.Now, false, "hpexpire") }

// HPEXPIREAT key unix-time-milliseconds [NX | XX | GT | LT] FIELDS numfields field ...
func cmdHPExpireAt(c *server.Ctx) { hexpireGeneric(c, 0, false, "hpexpireat") }

// hexpireGeneric is Valkey's hexpireGenericCommand: per field -2 (no such
// field), 0 (condition not met), 1 (set) or 2 (deleted: time not in the
// future). Errors come in Valkey's order: options, numfields, the time,
// then the key's type.
func hexpireGeneric(c *server.Ctx, base int64, seconds bool, name string) {
	fi := fieldsAt(c.Args, 3)
	cond := 0
	var n int64
	if fi >= 0 {
		var nx, xx, gt, lt bool
		for _, opt := range c.Args[3:fi] {
			switch {
			case hashArgIs(opt, "nx"):
				nx = true
			case hashArgIs(opt, "xx"):
				xx = true
			case hashArgIs(opt, "gt"):
				gt = true
			case hashArgIs(opt, "lt"):
				lt = true
			default:
				c.Error(errs.UnsupportedOption(cString(opt)))
				return
			}
		}
		if nx && (xx || gt || lt) {
			c.Error(errs.ExpireNXXX)
			return
		}
		if gt && lt {
			c.Error(errs.ExpireGTLT)
			return
		}
		cond = condFlags(nx, xx, gt, lt)
		p := c.Parser(fi + 1)
		n = p.Int64()
		if err := p.Err(); err != nil {
			c.Error(err)
			return
		}
		fi += 2
	}
	if fi < 0 || n <= 0 || n != int64(len(c.Args)-fi) {
		c.Error(errs.NumFields)
		return
	}
	when, err := hashExpireAt(c.Args[2], base, seconds, name)
	if err != nil {
		c.Error(err)
		return
	}
	absWhen := when // as propagated
	if !alreadyExpired(c, when) {
		cond |= hash.KeepPast // import mode keeps even a past deadline
		when = storedDeadline(when)
	}
	key := c.Args[1]
	w, err := hashWrite(c, key, false)
	if err != nil {
		c.Error(err)
		return
	}
	fields := c.Args[fi:]
	c.W.Array(len(fields))
	expired, updated := 0, 0
	var deleted [][]byte // propagated as HDEL
	for _, f := range fields {
		r := hash.NoField
		if w.h != nil && w.h.Len() > 0 {
			r = w.h.SetExpire(f, when, cond, c.DB.Now)
		}
		switch r {
		case hash.ExpireSet:
			updated++
		case hash.ExpireDeleted:
			expired++
			if c.Propagating() {
				deleted = append(deleted, f)
			}
		}
		c.W.Int(int64(r))
	}
	if expired == 0 && updated == 0 {
		return
	}
	fieldsExpired(c, expired)
	propagateHExpire(c, name, absWhen, deleted)
	if expired > 0 {
		c.Modified(key, "hexpired")
	} else {
		c.Modified(key, "hexpire")
	}
	w.done()
}

// propagateHExpire chooses how a hash expire command that changed
// something propagates, as Valkey's hexpireGenericCommand: the fields
// it deleted (a deadline not in the future) as HDEL, otherwise as
// HPEXPIREAT with the absolute deadline in ms and the other arguments
// unchanged.
func propagateHExpire(c *server.Ctx, name string, when int64, deleted [][]byte) {
	switch {
	case !c.Propagating():
	case len(deleted) > 0:
		c.PropagateAs(hdelArgs(c.Args[1], deleted)...)
	case name != "hpexpireat":
		args := append([][]byte{[]byte("HPEXPIREAT"), c.Args[1], strconv.AppendInt(nil, when, 10)}, c.Args[3:]...)
		c.PropagateAs(args...)
	}
}

// hdelArgs is `HDEL key field...`.
func hdelArgs(key []byte, fields [][]byte) [][]byte {
	args := make([][]byte, 0, len(fields)+2)
	args = append(args, []byte("HDEL"), key)
	return append(args, fields...)
}

func condFlags(nx, xx, gt, lt bool) int {
	f := 0
	if nx {
		f |= hash.CondNX
	}
	if xx {
		f |= hash.CondXX
	}
	if gt {
		f |= hash.CondGT
	}
	if lt {
		f |= hash.CondLT
	}
	return f
}

// HEXPIRETIME key FIELDS numfields field [field ...]
func cmdHExpireTime(c *server.Ctx) { httlGeneric(c, true, false) }

// HPEXPIRETIME key FIELDS numfields field [field ...]
func cmdHPExpireTime(c *server.Ctx) { httlGeneric(c, true, true) }

// HTTL key FIELDS numfields field [field ...]
func cmdHTTL(c *server.Ctx) { httlGeneric(c, false, false) }

// HPTTL key FIELDS numfields field [field ...]
func cmdHPTTL(c *server.Ctx) { httlGeneric(c, false, true) }

// httlGeneric is Valkey's httlGenericCommand: per field -2 (no such
// field), -1 (no TTL), else the remaining time (or, with abs, the unix
// time) in seconds rounded to the nearest, or ms. As in Valkey, the word
// before numfields is not checked.
func httlGeneric(c *server.Ctx, abs, ms bool) {
	p := c.Parser(3)
	n := p.Int64()
	if err := p.Err(); err != nil {
		c.Error(err)
		return
	}
	if n <= 0 || n != int64(len(c.Args)-4) {
		c.Error(errs.Syntax)
		return
	}
	h, err := hashRead(c.DB, c.Args[1])
	if err != nil {
		c.Error(err)
		return
	}
	c.W.Array(int(n))
	for _, f := range c.Args[4:] {
		var exp int64
		ok := false
		if h != nil {
			_, exp, ok = h.GetExpiry(f, c.DB.Now)
		}
		switch {
		case !ok:
			c.W.Int(-2)
		case exp == 0:
			c.W.Int(-1)
		default:
			if !abs {
				exp = max(exp-c.DB.Now, 0)
			}
			if !ms {
				exp = (exp + 500) / 1000
			}
			c.W.Int(exp)
		}
	}
}

// HGET key field
func cmdHGet(c *server.Ctx) {
	h, err := hashRead(c.DB, c.Args[1])
	if err != nil {
		c.Error(err)
		return
	}
	replyHashValue(c, h, c.Args[2])
}

// HGETALL key: a map in RESP3, a flat field/value array in RESP2.
func cmdHGetAll(c *server.Ctx) { hgetallGeneric(c, true, true) }

// HKEYS key
func cmdHKeys(c *server.Ctx) { hgetallGeneric(c, true, false) }

// HVALS key
func cmdHVals(c *server.Ctx) { hgetallGeneric(c, false, true) }

func hgetallGeneric(c *server.Ctx, fields, values bool) {
	asMap := fields && values
	h, err := hashRead(c.DB, c.Args[1])
	if err != nil {
		c.Error(err)
		return
	}
	if h == nil {
		if asMap {
			c.W.Map(0)
		} else {
			c.W.Array(0)
		}
		return
	}
	emit := func(f, v []byte) bool {
		if fields {
			c.W.Bulk(f)
		}
		if values {
			c.W.Bulk(v)
		}
		return true
	}
	if !h.HasFieldExpiry() {
		// Every field is live: the count is known.
		if asMap {
			c.W.Map(h.Len())
		} else {
			c.W.Array(h.Len())
		}
		h.Range(c.DB.Now, emit)
		return
	}
	// Expired fields are skipped: the header is filled in afterwards.
	var d resp.Deferred
	if asMap {
		d = c.W.DeferMap()
	} else {
		d = c.W.DeferArray()
	}
	n := 0
	h.Range(c.DB.Now, func(f, v []byte) bool {
		n++
		return emit(f, v)
	})
	c.W.Finish(d, n)
}

// hgetexOpts are HGETEX's options (Valkey's parseExtendedCommandArgumentsOrReply
// for COMMAND_HGET): EX, PX, EXAT, PXAT (one kind, repeatable) or PERSIST.
type hgetexOpts struct {
	persist bool
	kind    int // expNone, expEX, expPX, expEXAT, expPXAT
	expire  []byte
}

// parseHashExpireOpts reads the options between index 2 and the FIELDS
// keyword at fi, for HGETEX (forSet false) or HSETEX (forSet: FNX, FXX and
// KEEPTTL instead of PERSIST). Every option is compared as a C string.
func parseHashExpireOpts(args [][]byte, fi int, forSet bool) (o hgetexOpts, fnx, fxx, keepTTL bool, err error) {
	for j := 2; j < fi; j++ {
		opt := args[j]
		hasNext := j < fi-1
		exp := func(kind int) bool {
			if !hasNext || keepTTL || o.persist || (o.kind != expNone && o.kind != kind) || !hashArgIs(opt, expName[kind]) {
				return false
			}
			o.kind, o.expire = kind, args[j+1]
			j++
			return true
		}
		switch {
		case forSet && !fxx && hashArgIs(opt, "fnx"):
			fnx = true
		case forSet && !fnx && hashArgIs(opt, "fxx"):
			fxx = true
		case forSet && o.kind == expNone && hashArgIs(opt, "keepttl"):
			keepTTL = true
		case !forSet && o.kind == expNone && hashArgIs(opt, "persist"):
			o.persist = true
		case exp(expEX), exp(expPX), exp(expEXAT), exp(expPXAT):
		default:
			return o, false, false, false, errs.Syntax
		}
	}
	return o, fnx, fxx, keepTTL, nil
}

var expName = [...]string{expEX: "ex", expPX: "px", expEXAT: "exat", expPXAT: "pxat"}

// when is the absolute expiry an expire option asks for, in unix ms.
func (o *hgetexOpts) when(now int64, name string) (int64, error) {
	base := now
	if o.kind == expEXAT || o.kind == expPXAT {
		base = 0
	}
	return hashExpireAt(o.expire, base, o.kind == expEX || o.kind == expEXAT, name)
}

// HGETEX key [EX seconds | PX ms | EXAT unix-s | PXAT unix-ms | PERSIST]
// FIELDS numfields field [field ...]: the values (null for missing
// fields), then each field's TTL changed; a time not in the future
// deletes the fields.
func cmdHGetEx(c *server.Ctx) {
	var o hgetexOpts
	n := int64(-1)
	fi := fieldsAt(c.Args, 0)
	if fi >= 0 {
		var err error
		if o, _, _, _, err = parseHashExpireOpts(c.Args, fi, false); err != nil {
			c.Error(err)
			return
		}
		p := c.Parser(fi + 1)
		n = p.Int64()
		if err := p.Err(); err != nil {
			c.Error(err)
			return
		}
		fi += 2
	} else {
		fi = len(c.Args) - 1
	}
	if n == 0 || n != int64(len(c.Args)-fi) {
		c.Error(errs.NumFields)
		return
	}
	key := c.Args[1]
	e, found := c.DB.LookupRead(key) // HGETEX counts as a read, as in Valkey
	w, err := hashWriterOf(c, key, e, found, false)
	if err != nil {
		c.Error(err)
		return
	}
	h := w.h
	var when, absWhen int64
	setExpiry, setExpired := false, false
	if !o.persist && o.kind != expNone {
		if when, err = o.when(c.DB.Now, "hgetex"); err != nil {
			c.Error(err)
			return
		}
		setExpired = alreadyExpired(c, when)
		setExpiry = !setExpired
		absWhen = when
		when = storedDeadline(when)
	}
	fields := c.Args[fi:]
	c.W.Array(len(fields))
	changes := 0
	var changed [][]byte // propagated
	for _, f := range fields {
		replyHashValue(c, h, f)
		if h == nil || h.Len() == 0 {
			continue
		}
		ok := false
		switch {
		case setExpired:
			if ok = h.Delete(f, c.DB.Now); ok {
				fieldsExpired(c, 1)
			}
		case setExpiry:
			ok = h.SetExpire(f, when, hash.KeepPast, c.DB.Now) == hash.ExpireSet
		case o.persist:
			ok = h.Persist(f, c.DB.Now) == hash.ExpireSet
		}
		if ok {
			changes++
			if c.Propagating() {
				changed = append(changed, f)
			}
		}
	}
	if changes == 0 {
		return
	}
	propagateHGetEx(c, setExpired, setExpiry, absWhen, changed)
	switch {
	case setExpired:
		c.Modified(key, "hexpired")
	case setExpiry:
		c.Modified(key, "hexpire")
	default:
		c.Modified(key, "hpersist")
	}
	w.done()
}

// propagateHGetEx makes HGETEX, which is never propagated as itself,
// propagate as Valkey does with the fields it changed: HDEL (a deadline
// not in the future), HPEXPIREAT key ms FIELDS n ..., or HPERSIST key
// FIELDS n ....
func propagateHGetEx(c *server.Ctx, setExpired, setExpiry bool, when int64, changed [][]byte) {
	if !c.Propagating() {
		return
	}
	key := c.Args[1]
	n := strconv.AppendInt(nil, int64(len(changed)), 10)
	switch {
	case setExpired:
		c.PropagateAs(hdelArgs(key, changed)...)
	case setExpiry:
		c.PropagateAs(append([][]byte{[]byte("HPEXPIREAT"), key, strconv.AppendInt(nil, when, 10), []byte("FIELDS"), n}, changed...)...)
	default:
		c.PropagateAs(append([][]byte{[]byte("HPERSIST"), key, []byte("FIELDS"), n}, changed...)...)
	}
}

// HINCRBY key field increment: the field keeps its TTL.
func cmdHIncrBy(c *server.Ctx) {
	p := c.Parser(3)
	incr := p.Int64()
	if err := p.Err(); err != nil {
		c.Error(err)
		return
	}
	key, field := c.Args[1], c.Args[2]
	w, err := hashWrite(c, key, true)
	if err != nil {
		c.Error(err)
		return
	}
	var v int64
	cur, exp, ok := w.h.GetExpiry(field, c.DB.Now)
	if ok {
		if v, ok = num.ParseInt(cur); !ok {
			c.Error(errs.HashValueNotInt)
			return
		}
	}
	if v, err = incrInt(v, incr); err != nil {
		c.Error(err)
		return
	}
	var buf [20]byte
	out := strconv.AppendInt(buf[:0], v, 10)
	hsetOne(c, w, field, out, exp, "hincrby")
	if w.hadVol {
		// A field may expire at another moment on the replica: the result
		// is propagated, as in Valkey.
		propagateAsSet(c, field, out, exp)
	}
	c.W.Int(v)
}

// HINCRBYFLOAT key field increment: long double arithmetic and formatting
// as INCRBYFLOAT; the field keeps its TTL.
func cmdHIncrByFloat(c *server.Ctx) {
	incr, ok := parseLongDouble(c.Args[3])
	if !ok {
		c.Error(errs.NotFloat)
		return
	}
	if incr.IsInf() {
		c.Error(errs.HashIncrNaNOrInf)
		return
	}
	key, field := c.Args[1], c.Args[2]
	w, err := hashWrite(c, key, true)
	if err != nil {
		c.Error(err)
		return
	}
	cur, exp, found := w.h.GetExpiry(field, c.DB.Now)
	v, _ := parseLongDouble([]byte("0"))
	if found {
		if v, ok = parseLongDouble(cur); !ok {
			c.Error(errs.HashValueNotFloat)
			return
		}
	}
	sum, ok := addLongDouble(v, incr)
	if !ok {
		c.Error(errs.IncrNaNOrInf)
		return
	}
	out := appendLongDoubleHuman(nil, sum)
	hsetOne(c, w, field, out, exp, "hincrbyfloat")
	propagateAsSet(c, field, out, exp) // the result, not float arithmetic
	c.W.Bulk(out)
}

// propagateAsSet makes HINCRBY/HINCRBYFLOAT propagate the value they
// stored: HSET key field value, or, to keep the field's deadline exp,
// HSETEX key PXAT exp FIELDS 1 field value.
func propagateAsSet(c *server.Ctx, field, value []byte, exp int64) {
	switch {
	case !c.Propagating():
	case exp == 0:
		c.PropagateAs([]byte("HSET"), c.Args[1], field, value)
	default:
		c.PropagateAs([]byte("HSETEX"), c.Args[1], []byte("PXAT"), strconv.AppendInt(nil, exp, 10),
			[]byte("FIELDS"), []byte("1"), field, value)
	}
}

// hsetOne stores one computed value (HINCRBY, HINCRBYFLOAT) with expiry
// exp and reports event.
func hsetOne(c *server.Ctx, w hashWriter, field, value []byte, exp int64, event string) {
	_, overwritten := w.h.Set(field, value, exp, false, hashLimits(c), c.DB.Now)
	w.done()
	if overwritten {
		fieldsExpired(c, 1)
		c.Notify(w.key, "hexpired")
	}
	c.Modified(w.key, event)
}

// HLEN key: fields whose TTL passed count until reclaimed, as in Valkey.
func cmdHLen(c *server.Ctx) {
	h, err := hashRead(c.DB, c.Args[1])
	switch {
	case err != nil:
		c.Error(err)
	case h == nil:
		c.W.Int(0)
	default:
		c.W.Int(int64(h.Len()))
	}
}

// HMGET key field [field ...]
func cmdHMGet(c *server.Ctx) {
	h, err := hashRead(c.DB, c.Args[1])
	if err != nil {
		c.Error(err)
		return
	}
	c.W.Array(len(c.Args) - 2)
	for _, f := range c.Args[2:] {
		replyHashValue(c, h, f)
	}
}

// HPERSIST key FIELDS numfields field [field ...]: per field 1 (TTL
// removed), -1 (no TTL), -2 (no such field). As in Valkey 9, the array
// header is written before the key's type is checked, so a WRONGTYPE error
// arrives as the array's first element.
func cmdHPersist(c *server.Ctx) {
	p := c.Parser(3)
	n := p.Int64()
	if err := p.Err(); err != nil {
		c.Error(err)
		return
	}
	if n <= 0 || n != int64(len(c.Args)-4) {
		c.Error(errs.NumFields)
		return
	}
	c.W.Array(int(n))
	key := c.Args[1]
	w, err := hashWrite(c, key, false)
	if err != nil {
		c.Error(err)
		return
	}
	changes := 0
	for _, f := range c.Args[4:] {
		r := hash.NoField
		if w.h != nil {
			r = w.h.Persist(f, c.DB.Now)
		}
		if r == hash.ExpireSet {
			changes++
		}
		c.W.Int(int64(r))
	}
	if changes > 0 {
		w.done()
		c.Modified(key, "hpersist")
	}
}

// HRANDFIELD key [count [WITHVALUES]]
func cmdHRandField(c *server.Ctx) {
	if len(c.Args) == 2 {
		h, err := hashRead(c.DB, c.Args[1])
		if err != nil {
			c.Error(err)
			return
		}
		if h != nil {
			if f, _, ok := h.RandomField(c.DB.Now, rand.Uint64); ok {
				c.W.Bulk(f)
				return
			}
		}
		c.W.Null()
		return
	}
	p := c.Parser(2)
	l := p.Int64()
	if err := p.Err(); err != nil {
		c.Error(err)
		return
	}
	if l == math.MinInt64 {
		c.Error(errs.HRandCountRange)
		return
	}
	withValues := false
	if len(c.Args) > 4 || (len(c.Args) == 4 && !hashArgIs(c.Args[3], "withvalues")) {
		c.Error(errs.Syntax)
		return
	}
	if len(c.Args) == 4 {
		withValues = true
		if l < -math.MaxInt64/2 || l > math.MaxInt64/2 {
			c.Error(errs.HRandValuesRange)
			return
		}
	}
	h, err := hashRead(c.DB, c.Args[1])
	if err != nil {
		c.Error(err)
		return
	}
	if h == nil || l == 0 {
		c.W.Array(0)
		return
	}
	count, unique := uint64(l), true
	if l < 0 {
		count, unique = uint64(-l), false
	}
	resp3 := c.W.Proto == 3
	d := c.W.DeferArray()
	n := 0
	h.Random(count, unique, c.DB.Now, rand.Uint64, func(f, v []byte) bool {
		if withValues && resp3 {
			c.W.Array(2)
		}
		c.W.Bulk(f)
		if withValues {
			c.W.Bulk(v)
		}
		n++
		return !replyOverflow(c)
	})
	if withValues && !resp3 {
		n *= 2
	}
	c.W.Finish(d, n)
}

// HSCAN key cursor [MATCH pattern] [COUNT count] [NOVALUES]: a listpack
// hash is returned whole with cursor 0; a hashtable is scanned bucket by
// bucket. As in Valkey, the options of a missing key are not checked.
func cmdHScan(c *server.Ctx) {
	cursor, ok := parseScanCursor(c.Args[2])
	if !ok {
		c.Error(errs.InvalidCursor)
		return
	}
	h, err := hashRead(c.DB, c.Args[1])
	if err != nil {
		c.Error(err)
		return
	}
	if h == nil {
		c.W.Array(2)
		c.W.BulkString("0")
		c.W.Array(0)
		return
	}
	count := int64(10)
	var pattern []byte
	noValues := false
	p := c.Parser(3)
	for p.More() && p.Err() == nil {
		switch {
		case p.Left() >= 2 && hashArgIs(p.Peek(), "count"):
			p.Next()
			if count = p.Int64(); p.Err() == nil && count < 1 {
				p.Fail(errs.Syntax)
			}
		case p.Left() >= 2 && hashArgIs(p.Peek(), "match"):
			p.Next()
			pattern = p.Next()
			if len(pattern) == 1 && pattern[0] == '*' {
				pattern = nil
			}
		case hashArgIs(p.Peek(), "novalues"):
			p.Next()
			noValues = true
		case hashArgIs(p.Peek(), "noscores"):
			p.Fail(errs.ScanNoScores)
		default:
			p.Fail(errs.Syntax)
		}
	}
	if err := p.Err(); err != nil {
		c.Error(err)
		return
	}
	var items [][]byte
	next := h.Scan(cursor, int(min(count, math.MaxInt)), c.DB.Now, func(f, v []byte) {
		if pattern != nil && !glob.Match(pattern, f, false) {
			return
		}
		items = append(items, f)
		if !noValues {
			items = append(items, v)
		}
	})
	var buf [20]byte
	c.W.Array(2)
	c.W.Bulk(strconv.AppendUint(buf[:0], next, 10))
	c.W.Array(len(items))
	for _, it := range items {
		c.W.Bulk(it)
	}
}

// HSET key field value [field value ...] (and HMSET, which replies OK).
// A field's TTL is cleared.
func cmdHSet(c *server.Ctx) {
	hmset := server.EqualFold(c.Args[0], "hmset")
	if len(c.Args)%2 == 1 {
		name := "hset"
		if hmset {
			name = "hmset"
		}
		c.Error(errs.WrongArity(name))
		return
	}
	key := c.Args[1]
	w, err := hashWrite(c, key, true)
	if err != nil {
		c.Error(err)
		return
	}
	strs := c.Args[2:]
	lim := hashLimits(c)
	w.h.PrepareSet(strs, lim)
	if !w.h.Room(argBytes(strs)) {
		c.Error(errs.HashTooLarge)
		return
	}
	created, overwritten := 0, 0
	for i := 0; i < len(strs); i += 2 {
		updated, exp := w.h.Set(strs[i], strs[i+1], 0, false, lim, c.DB.Now)
		if !updated {
			created++
		}
		if exp {
			overwritten++
		}
	}
	w.done()
	if overwritten > 0 {
		fieldsExpired(c, overwritten)
		c.Notify(key, "hexpired")
	}
	c.Modified(key, "hset")
	if hmset {
		c.W.OK()
		return
	}
	c.W.Int(int64(created))
}

// HSETEX key [FNX | FXX] [EX s | PX ms | EXAT unix-s | PXAT unix-ms |
// KEEPTTL] FIELDS numfields field value [field value ...]: 1 when every
// field was set (or, for a time not in the future, deleted), 0 when FNX or
// FXX failed. Without an expire option or KEEPTTL the fields lose their
// TTLs.
func cmdHSetEx(c *server.Ctx) {
	var o hgetexOpts
	var fnx, fxx, keepTTL bool
	var n int64
	fi := fieldsAt(c.Args, 0)
	if fi >= 0 {
		var err error
		if o, fnx, fxx, keepTTL, err = parseHashExpireOpts(c.Args, fi, true); err != nil {
			c.Error(err)
			return
		}
		p := c.Parser(fi + 1)
		n = p.Int64()
		if err := p.Err(); err != nil {
			c.Error(err)
			return
		}
		fi += 2
	} else {
		fi = len(c.Args) - 1
	}
	if n <= 0 || n > math.MaxInt64/2 || n*2 != int64(len(c.Args)-fi) {
		c.Error(errs.NumFields)
		return
	}
	key := c.Args[1]
	w, err := hashWrite(c, key, false)
	if err != nil {
		c.Error(err)
		return
	}
	var when, absWhen int64
	setExpired := false
	if !keepTTL && o.kind != expNone {
		if when, err = o.when(c.DB.Now, "hsetex"); err != nil {
			c.Error(err)
			return
		}
		setExpired = alreadyExpired(c, when)
		absWhen = when
		when = storedDeadline(when)
	}
	pairs := c.Args[fi:]
	if fnx || fxx {
		for i := 0; i < len(pairs); i += 2 {
			exists := w.h != nil && w.h.Exists(pairs[i], c.DB.Now)
			if (fnx && exists) || (fxx && !exists) {
				c.W.Int(0)
				return
			}
		}
	}
	if w.h == nil {
		w.h = hash.New()
	}
	lim := hashLimits(c)
	if !setExpired && !w.h.Room(argBytes(pairs)) {
		c.Error(errs.HashTooLarge)
		return
	}
	changes, overwritten := 0, 0
	var touched [][]byte // propagated: fields deleted, or expired ones KEEPTTL overwrote
	for i := 0; i < len(pairs); i += 2 {
		if setExpired {
			if w.h.DeleteAny(pairs[i]) {
				changes++
				touched = append(touched, pairs[i])
			}
			fieldsExpired(c, 1)
			continue
		}
		if _, exp := w.h.Set(pairs[i], pairs[i+1], when, keepTTL, lim, c.DB.Now); exp {
			overwritten++
			if keepTTL {
				touched = append(touched, pairs[i])
			}
		}
		changes++
	}
	if changes > 0 && overwritten > 0 {
		fieldsExpired(c, overwritten)
		c.Notify(key, "hexpired")
	}
	c.Modified(key, "hset")
	propagateHSetEx(c, fi, o, fnx || fxx, setExpired, absWhen, changes, touched)
	if o.kind != expNone {
		c.Notify(key, "hexpire")
	}
	if setExpired {
		c.Notify(key, "hexpired")
	}
	w.done()
	c.W.Int(1)
}

// propagateHSetEx chooses how HSETEX propagates, as Valkey's
// hsetexCommand: nothing when it changed nothing; HDEL with the fields
// it deleted for a deadline not in the future; else, when it had FNX, FXX,
// EX, PX or EXAT, its arguments without FNX/FXX and with the deadline as
// PXAT ms. Fields whose expired value KEEPTTL overwrote are first
// propagated as HDEL (at most 1024 a command), so that the replica does not
// keep their old deadline. fi indexes the first field.
func propagateHSetEx(c *server.Ctx, fi int, o hgetexOpts, fnxFxx, setExpired bool, when int64, changes int, touched [][]byte) {
	key := c.Args[1]
	switch {
	case changes == 0:
		c.NoPropagate()
		return
	case !c.Propagating():
		return
	case setExpired:
		c.PropagateAs(hdelArgs(key, touched)...)
		return
	}
	for len(touched) > 0 {
		n := min(len(touched), 1024) // Valkey's EXPIRE_BULK_LIMIT
		c.AlsoPropagate(hdelArgs(key, touched[:n])...)
		touched = touched[n:]
	}
	relative := o.kind == expEX || o.kind == expPX || o.kind == expEXAT
	if !fnxFxx && !relative {
		return
	}
	args := make([][]byte, 0, len(c.Args))
	for i := 0; i < fi; i++ {
		a := c.Args[i]
		switch {
		case i >= 2 && (hashArgIs(a, "fnx") || hashArgIs(a, "fxx")):
		case relative && i+1 < fi && sameArg(c.Args[i+1], o.expire):
			args = append(args, []byte("PXAT"), strconv.AppendInt(nil, when, 10))
			i++
		default:
			args = append(args, a)
		}
	}
	c.PropagateAs(append(args, c.Args[fi:]...)...)
}

// sameArg reports whether a and b are the same argument (not only equal
// bytes), as Valkey compares the expire option's object.
func sameArg(a, b []byte) bool {
	return len(a) == len(b) && len(a) > 0 && &a[0] == &b[0]
}

// HSETNX key field value
func cmdHSetNX(c *server.Ctx) {
	key, field := c.Args[1], c.Args[2]
	w, err := hashWrite(c, key, true)
	if err != nil {
		c.Error(err)
		return
	}
	if w.h.Exists(field, c.DB.Now) {
		c.W.Int(0)
		return
	}
	lim := hashLimits(c)
	w.h.PrepareSet(c.Args[2:4], lim)
	if !w.h.Room(argBytes(c.Args[2:4])) {
		c.Error(errs.HashTooLarge)
		return
	}
	_, overwritten := w.h.Set(field, c.Args[3], 0, false, lim, c.DB.Now)
	w.done()
	if overwritten {
		fieldsExpired(c, 1)
		c.Notify(key, "hexpired")
	}
	c.Modified(key, "hset")
	if w.hadVol && c.Propagating() {
		// The field may not have expired yet on the replica: HSET sets it
		// there regardless, as in Valkey.
		c.PropagateAs(append([][]byte{[]byte("HSET")}, c.Args[1:]...)...)
	}
	c.W.Int(1)
}

// HSTRLEN key field
func cmdHStrlen(c *server.Ctx) {
	h, err := hashRead(c.DB, c.Args[1])
	if err != nil {
		c.Error(err)
		return
	}
	if h != nil {
		if v, ok := h.Get(c.Args[2], c.DB.Now); ok {
			c.W.Int(int64(len(v)))
			return
		}
	}
	c.W.Int(0)
}
