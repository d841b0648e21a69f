package commands

// The generic keyspace family (Valkey's db.c, expire.c and the OBJECT
// command of object.c): commands that act on keys whatever their type.
//
//	DEL UNLINK EXISTS TYPE TOUCH           per key, in order
//	RENAME RENAMENX COPY MOVE              one value handed between keys/dbs
//	EXPIRE PEXPIRE EXPIREAT PEXPIREAT      TTLs in absolute unix ms
//	TTL PTTL EXPIRETIME PEXPIRETIME PERSIST
//	OBJECT ENCODING|REFCOUNT|IDLETIME|FREQ|HELP
//	KEYS SCAN RANDOMKEY DBSIZE             whole-database reads
//	FLUSHDB FLUSHALL SWAPDB                whole-database writes
//
// Locking: the dispatcher locks the shards of every key argument, so the
// per-key commands use c.DB directly. A key has the same shard in every
// database, so MOVE and COPY ... DB reach the other database through
// DB.WithIndex under the same lock. The whole-database commands have no
// keys; they call Keyspace methods that lock shards themselves, inside
// c.Unlocked.
//
// Lookups follow Valkey's flags: reads that count as an access (TOUCH,
// COPY's source) use LookupRead; inspections (EXISTS, TYPE, TTL, OBJECT)
// count hits and misses without touching the access clock
// (LookupReadNoTouch); writes use LookupWrite. Every lookup deletes a key
// whose TTL has passed.

import (
	"bytes"
	"math"
	"strconv"
	"strings"

	"petrel/internal/errs"
	"petrel/internal/glob"
	"petrel/internal/keyspace"
	"petrel/internal/num"
	"petrel/internal/server"
)

func registerKeys(r *server.Registry) {
	r.Handle("del", cmdDel)
	r.Handle("unlink", cmdDel)
	r.Handle("exists", cmdExists)
	r.Handle("type", cmdType)
	r.Handle("touch", cmdTouch)
	r.Handle("rename", cmdRename)
	r.Handle("renamenx", cmdRenamenx)
	r.Handle("copy", cmdCopy)
	r.Handle("move", cmdMove)
	r.Handle("expire", cmdExpire)
	r.Handle("pexpire", cmdPexpire)
	r.Handle("expireat", cmdExpireat)
	r.Handle("pexpireat", cmdPexpireat)
	r.Handle("ttl", cmdTTL)
	r.Handle("pttl", cmdPTTL)
	r.Handle("expiretime", cmdExpiretime)
	r.Handle("pexpiretime", cmdPexpiretime)
	r.Handle("persist", cmdPersist)
	r.Handle("object|encoding", cmdObjectEncoding)
	r.Handle("object|refcount", cmdObjectRefcount)
	r.Handle("object|idletime", cmdObjectIdletime)
	r.Handle("object|freq", cmdObjectFreq)
	r.Handle("object|help", cmdObjectHelp)
	r.Handle("keys", cmdKeys)
	r.Handle("scan", cmdScan)
	r.Handle("randomkey", cmdRandomkey)
	r.Handle("dbsize", cmdDbsize)
	r.Handle("flushdb", cmdFlushdb)
	r.Handle("flushall", cmdFlushall)
	r.Handle("swapdb", cmdSwapdb)
}

// ---- helpers ----

// dbIndexArg reads a database number as Valkey's getIntFromObjectOrReply
// followed by selectDb: not an integer, outside a C int, then outside the
// configured databases.
func dbIndexArg(p *server.Args, numDBs int) int {
	n := p.Int64()
	if p.Err() != nil {
		return 0
	}
	if n < math.MinInt32 || n > math.MaxInt32 {
		p.Fail(errs.IntRange)
		return 0
	}
	if n < 0 || n >= int64(numDBs) {
		p.Fail(errs.DBIndexRange)
		return 0
	}
	return int(n)
}

// modifiedIn reports a change of key in database db, which may not be the
// client's selected one (MOVE, COPY ... DB).
func modifiedIn(c *server.Ctx, db keyspace.DB, key []byte, event string) {
	saved := c.DB
	c.DB = db
	c.Modified(key, event)
	c.DB = saved
}

// notifyIn is Ctx.Notify for a key of another database.
func notifyIn(c *server.Ctx, db keyspace.DB, key []byte, event string) {
	saved := c.DB
	c.DB = db
	c.Notify(key, event)
	c.DB = saved
}

// cString cuts an argument at its first NUL byte, as Valkey's "%s" error
// formatting of an argument does.
func cString(b []byte) string {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	return string(b)
}

// lfuPolicy reports whether maxmemory-policy is an LFU one: the keyspace
// keeps LFU counters exactly then (the configuration calls SetLFU).
func lfuPolicy(c *server.Ctx) bool { return c.Srv.Keyspace().LFU() }

// ---- per-key commands ----

// cmdDel implements DEL and UNLINK (values are freed inline either way:
// they live in the shard arenas, which the next allocation reuses).
func cmdDel(c *server.Ctx) {
	n := int64(0)
	for _, key := range c.Args[1:] {
		if c.DB.Delete(key) {
			c.Modified(key, "del")
			n++
		}
	}
	c.W.Int(n)
}

func cmdExists(c *server.Ctx) {
	n := int64(0)
	for _, key := range c.Args[1:] {
		if _, ok := c.DB.LookupReadNoTouch(key); ok {
			n++
		}
	}
	c.W.Int(n)
}

func cmdType(c *server.Ctx) {
	e, ok := c.DB.LookupReadNoTouch(c.Args[1])
	if !ok {
		c.W.Simple("none")
		return
	}
	c.W.Simple(keyspace.TypeName(e.Type()))
}

func cmdTouch(c *server.Ctx) {
	db := c.DB
	db.NoTouch = false // TOUCH touches even for CLIENT NO-TOUCH clients
	n := int64(0)
	for _, key := range c.Args[1:] {
		if _, ok := db.LookupRead(key); ok {
			n++
		}
	}
	c.W.Int(n)
}

func cmdRename(c *server.Ctx)   { renameGeneric(c, false) }
func cmdRenamenx(c *server.Ctx) { renameGeneric(c, true) }

// renameGeneric moves the value (and TTL) of key to newkey. A missing
// source is an error even when both names are the same.
func renameGeneric(c *server.Ctx, nx bool) {
	src, dst := c.Args[1], c.Args[2]
	e, ok := c.DB.LookupWrite(src)
	if !ok {
		c.Error(errs.NoSuchKey)
		return
	}
	if bytes.Equal(src, dst) {
		if nx {
			c.W.Int(0)
		} else {
			c.W.OK()
		}
		return
	}
	_, exists := c.DB.LookupWrite(dst)
	if exists && nx {
		c.W.Int(0)
		return
	}
	e.CopyTo(c.DB, dst, true)
	e.Delete()
	if exists {
		c.Notify(dst, "new") // Valkey deletes the old key and adds a new one
	}
	c.Modified(src, "rename_from")
	c.Modified(dst, "rename_to")
	if nx {
		c.W.Int(1)
	} else {
		c.W.OK()
	}
}

// cmdCopy: COPY source destination [DB destination-db] [REPLACE].
func cmdCopy(c *server.Ctx) {
	src, dstKey := c.Args[1], c.Args[2]
	dst := c.DB
	replace := false
	p := c.Parser(3)
	for p.More() && p.Err() == nil {
		switch {
		case p.Flag("replace"):
			replace = true
		case p.Left() >= 2 && p.Flag("db"):
			dst = c.DB.WithIndex(dbIndexArg(&p, c.Srv.Keyspace().NumDBs()))
		default:
			p.Fail(errs.Syntax)
		}
	}
	if err := p.Err(); err != nil {
		c.Error(err)
		return
	}
	if dst.Index() == c.DB.Index() && bytes.Equal(src, dstKey) {
		c.Error(errs.SameObject)
		return
	}
	e, ok := c.DB.LookupRead(src)
	if !ok {
		c.W.Int(0)
		return
	}
	_, exists := dst.LookupWrite(dstKey)
	if exists && !replace {
		c.W.Int(0)
		return
	}
	e.CopyTo(dst, dstKey, false)
	if exists {
		notifyIn(c, dst, dstKey, "new") // Valkey deletes the old key and adds a new one
	}
	modifiedIn(c, dst, dstKey, "copy_to")
	c.W.Int(1)
}

// cmdMove: MOVE key db.
func cmdMove(c *server.Ctx) {
	key := c.Args[1]
	p := c.Parser(2)
	idx := dbIndexArg(&p, c.Srv.Keyspace().NumDBs())
	if err := p.Err(); err != nil {
		c.Error(err)
		return
	}
	if idx == c.DB.Index() {
		c.Error(errs.SameObject)
		return
	}
	e, ok := c.DB.LookupWrite(key)
	if !ok {
		c.W.Int(0)
		return
	}
	dst := c.DB.WithIndex(idx)
	if _, exists := dst.LookupWrite(key); exists {
		c.W.Int(0)
		return
	}
	e.CopyTo(dst, key, true)
	e.Delete()
	c.Modified(key, "move_from")
	modifiedIn(c, dst, key, "move_to")
	c.W.Int(1)
}

// ---- expiry ----

// Time units of the expire commands' argument.
const (
	expireUnitSec = 1000
	expireUnitMs  = 1
)

// Expire condition flags.
const (
	expireCondNX = 1 << iota
	expireCondXX
	expireCondGT
	expireCondLT
)

func cmdExpire(c *server.Ctx)    { expireGeneric(c, c.DB.Now, expireUnitSec, "expire") }
func cmdPexpire(c *server.Ctx)   { expireGeneric(c, c.DB.Now, expireUnitMs, "pexpire") }
func cmdExpireat(c *server.Ctx)  { expireGeneric(c, 0, expireUnitSec, "expireat") }
func cmdPexpireat(c *server.Ctx) { expireGeneric(c, 0, expireUnitMs, "pexpireat") }

// expireGeneric implements EXPIRE, PEXPIRE, EXPIREAT and PEXPIREAT: the
// time argument times unit, plus base (now for the relative forms), is the
// absolute deadline in ms. A deadline not after now deletes the key.
func expireGeneric(c *server.Ctx, base, unit int64, name string) {
	// Valkey checks the flags before the number.
	flags := 0
	for _, opt := range c.Args[3:] {
		switch {
		case server.EqualFold(opt, "nx"):
			flags |= expireCondNX
		case server.EqualFold(opt, "xx"):
			flags |= expireCondXX
		case server.EqualFold(opt, "gt"):
			flags |= expireCondGT
		case server.EqualFold(opt, "lt"):
			flags |= expireCondLT
		default:
			c.Error(errs.UnsupportedOption(cString(opt)))
			return
		}
	}
	if flags&expireCondNX != 0 && flags&(expireCondXX|expireCondGT|expireCondLT) != 0 {
		c.Error(errs.ExpireNXXX)
		return
	}
	if flags&expireCondGT != 0 && flags&expireCondLT != 0 {
		c.Error(errs.ExpireGTLT)
		return
	}
	p := c.Parser(2)
	when := p.Int64()
	if err := p.Err(); err != nil {
		c.Error(err)
		return
	}
	if unit == expireUnitSec {
		if when > math.MaxInt64/1000 || when < math.MinInt64/1000 {
			c.Error(errs.InvalidExpireIn(name))
			return
		}
		when *= 1000
	}
	if when > math.MaxInt64-base {
		c.Error(errs.InvalidExpireIn(name))
		return
	}
	when += base
	// In import mode a deadline already past is stored, not acted on
	// (Valkey's checkAlreadyExpired): the import source owns expiry.
	importMode := c.Srv.Settings().ImportMode
	if when < 0 && !importMode {
		when = 0
	}

	key := c.Args[1]
	e, ok := c.DB.LookupWrite(key)
	if !ok {
		c.W.Int(0)
		return
	}
	if flags != 0 {
		cur := e.Expire() // 0: no TTL, which GT and LT treat as infinite
		switch {
		case flags&expireCondNX != 0 && cur != 0,
			flags&expireCondXX != 0 && cur == 0,
			flags&expireCondGT != 0 && (cur == 0 || when <= cur),
			flags&expireCondLT != 0 && cur != 0 && when >= cur:
			c.W.Int(0)
			return
		}
	}
	if when <= c.DB.Now && !importMode {
		// Already past: the key goes now, reported as expired (and
		// propagated as a DEL).
		e.Delete()
		c.Srv.Keyspace().Stats.ExpiredKeys.Add(1)
		c.Modified(key, "expired")
		c.PropagateExpiredDelete(key)
		c.W.Int(1)
		return
	}
	if when == 0 {
		when = -1 // 0 means "no TTL" to the store; -1 is as much in the past
	}
	e.SetExpire(when)
	c.Modified(key, "expire")
	if c.Propagating() && name != "pexpireat" {
		// Propagated as an absolute deadline in ms (Valkey keeps the
		// condition flags).
		args := [][]byte{[]byte("PEXPIREAT"), key, strconv.AppendInt(nil, when, 10)}
		c.PropagateAs(append(args, c.Args[3:]...)...)
	}
	c.W.Int(1)
}

func cmdTTL(c *server.Ctx)         { ttlGeneric(c, false, false) }
func cmdPTTL(c *server.Ctx)        { ttlGeneric(c, true, false) }
func cmdExpiretime(c *server.Ctx)  { ttlGeneric(c, false, true) }
func cmdPexpiretime(c *server.Ctx) { ttlGeneric(c, true, true) }

// ttlGeneric implements TTL, PTTL, EXPIRETIME and PEXPIRETIME: -2 for a
// missing key, -1 without a TTL, else the remaining (or absolute) time;
// seconds are rounded to the nearest.
func ttlGeneric(c *server.Ctx, ms, abs bool) {
	e, ok := c.DB.LookupReadNoTouch(c.Args[1])
	if !ok {
		c.W.Int(-2)
		return
	}
	exp := e.Expire()
	if exp == 0 {
		c.W.Int(-1)
		return
	}
	ttl := exp
	switch {
	case exp < 0: // import mode keeps deadlines before 1970 (importmode.go)
		ttl = 0
	case !abs:
		ttl = max(exp-c.DB.Now, 0)
	}
	if !ms {
		// Unsigned, so that a deadline near the int64 limit rounds as
		// Valkey's build computes it instead of wrapping negative.
		ttl = int64((uint64(ttl) + 500) / 1000)
	}
	c.W.Int(ttl)
}

func cmdPersist(c *server.Ctx) {
	key := c.Args[1]
	e, ok := c.DB.LookupWrite(key)
	if !ok || e.Expire() == 0 {
		c.W.Int(0)
		return
	}
	e.SetExpire(0)
	c.Modified(key, "persist")
	c.W.Int(1)
}

// ---- OBJECT ----

// objectLookup finds OBJECT's key, replying null when it is missing.
func objectLookup(c *server.Ctx) (keyspace.Entry, bool) {
	e, ok := c.DB.LookupReadNoNotify(c.Args[2]) // no keymiss event, as Valkey
	if !ok {
		c.W.Null()
	}
	return e, ok
}

func cmdObjectEncoding(c *server.Ctx) {
	if e, ok := objectLookup(c); ok {
		c.W.BulkString(keyspace.EncodingName(e.Encoding()))
	}
}

// cmdObjectRefcount: Valkey 9 stores no shared objects in the keyspace
// (values embed their key), so every value has one reference.
func cmdObjectRefcount(c *server.Ctx) {
	if _, ok := objectLookup(c); ok {
		c.W.Int(1)
	}
}

func cmdObjectIdletime(c *server.Ctx) {
	e, ok := objectLookup(c)
	if !ok {
		return
	}
	if lfuPolicy(c) {
		c.Error(errs.LFUSelected)
		return
	}
	c.W.Int(keyspace.IdleMillis(e.LRU(), c.DB.Now) / 1000)
}

func cmdObjectFreq(c *server.Ctx) {
	e, ok := objectLookup(c)
	if !ok {
		return
	}
	if !lfuPolicy(c) {
		c.Error(errs.LFUNotSelected)
		return
	}
	c.W.Int(c.DB.LFUFreq(e))
}

var objectHelp = []string{
	"OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
	"ENCODING <key>",
	"    Return the kind of internal representation used in order to store the value",
	"    associated with a <key>.",
	"FREQ <key>",
	"    Return the access frequency index of the <key>. The returned integer is",
	"    proportional to the logarithm of the recent access frequency of the key.",
	"IDLETIME <key>",
	"    Return the idle time of the <key>, that is the approximated number of",
	"    seconds elapsed since the last access to the key.",
	"REFCOUNT <key>",
	"    Return the number of references of the value associated with the specified",
	"    <key>.",
	"HELP",
	"    Print this help.",
}

func cmdObjectHelp(c *server.Ctx) {
	c.W.Array(len(objectHelp))
	for _, line := range objectHelp {
		c.W.Simple(line)
	}
}

// ---- whole-database reads ----

func cmdKeys(c *server.Ctx) {
	pattern := c.Args[1]
	var filter keyspace.KeyFilter
	if !(len(pattern) == 1 && pattern[0] == '*') {
		filter = func(key []byte, _ uint8) bool { return glob.Match(pattern, key, false) }
	}
	var keys [][]byte
	c.Unlocked(func() { keys = c.Srv.Keyspace().Keys(c.DB, filter) })
	c.W.Array(len(keys))
	for _, k := range keys {
		c.W.Bulk(k)
	}
}

// parseScanCursor reads a SCAN cursor as Valkey's string2ull: a canonical
// non-negative int64, or else what C's strtoull accepts whole (leading
// blanks, a sign, leading zeros; a negative value wraps), ending at the
// end of the argument or at a NUL byte.
func parseScanCursor(b []byte) (uint64, bool) {
	if n, ok := num.ParseInt(b); ok {
		return uint64(n), n >= 0
	}
	i := 0
	for i < len(b) && (b[i] == ' ' || (b[i] >= '\t' && b[i] <= '\r')) {
		i++
	}
	neg := false
	if i < len(b) && (b[i] == '+' || b[i] == '-') {
		neg = b[i] == '-'
		i++
	}
	start := i
	var v uint64
	for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
		d := uint64(b[i] - '0')
		if v > (math.MaxUint64-d)/10 {
			return 0, false // ERANGE
		}
		v = v*10 + d
	}
	if i == start || (i < len(b) && b[i] != 0) {
		return 0, false
	}
	if neg {
		v = -v
	}
	return v, true
}

// cmdScan: SCAN cursor [MATCH pattern] [COUNT count] [TYPE type].
func cmdScan(c *server.Ctx) {
	cursor, ok := parseScanCursor(c.Args[1])
	if !ok {
		c.Error(errs.InvalidCursor)
		return
	}
	count := int64(10)
	var pattern []byte
	typ, byType := uint8(0), false
	p := c.Parser(2)
	for p.More() && p.Err() == nil {
		switch {
		case p.Left() >= 2 && p.Flag("count"):
			if count = p.Int64(); p.Err() == nil && count < 1 {
				p.Fail(errs.Syntax)
			}
		case p.Left() >= 2 && p.Flag("match"):
			pattern = p.Next()
			if len(pattern) == 1 && pattern[0] == '*' {
				pattern = nil // matches everything
			}
		case p.Left() >= 2 && p.Flag("type"):
			name := p.Next()
			t, known := keyspace.TypeByName(strings.ToLower(cString(name)))
			if !known || t == keyspace.TypeModule {
				p.Fail(errs.UnknownTypeName(cString(name)))
			}
			typ, byType = t, true
		case p.Flag("novalues"):
			p.Fail(errs.ScanNoValues)
		case p.Flag("noscores"):
			p.Fail(errs.ScanNoScores)
		default:
			p.Fail(errs.Syntax)
		}
	}
	if err := p.Err(); err != nil {
		c.Error(err)
		return
	}
	var filter keyspace.KeyFilter
	if pattern != nil || byType {
		filter = func(key []byte, t uint8) bool {
			return (!byType || t == typ) && (pattern == nil || glob.Match(pattern, key, false))
		}
	}
	var keys [][]byte
	var next uint64
	c.Unlocked(func() {
		keys, next = c.Srv.Keyspace().Scan(c.DB, cursor, int(min(count, math.MaxInt)), filter)
	})
	var buf [20]byte
	c.W.Array(2)
	c.W.Bulk(strconv.AppendUint(buf[:0], next, 10))
	c.W.Array(len(keys))
	for _, k := range keys {
		c.W.Bulk(k)
	}
}

func cmdRandomkey(c *server.Ctx) {
	var key []byte
	c.Unlocked(func() { key = c.Srv.Keyspace().RandomKey(c.DB) })
	if key == nil {
		c.W.Null()
		return
	}
	c.W.Bulk(key)
}

func cmdDbsize(c *server.Ctx) {
	var n int
	c.Unlocked(func() { n = c.Srv.Keyspace().Size(c.DB) })
	c.W.Int(int64(n))
}

// ---- whole-database writes ----

// flushAsync parses FLUSHDB/FLUSHALL's optional SYNC or ASYNC.
func flushAsync(c *server.Ctx) (async bool, ok bool) {
	switch {
	case len(c.Args) == 1:
		return false, true // lazyfree-lazy-user-flush defaults to no
	case len(c.Args) == 2 && server.EqualFold(c.Args[1], "sync"):
		return false, true
	case len(c.Args) == 2 && server.EqualFold(c.Args[1], "async"):
		return true, true
	}
	c.Error(errs.Syntax)
	return false, false
}

func cmdFlushdb(c *server.Ctx) {
	if _, ok := flushAsync(c); !ok {
		return
	}
	var n int
	c.FlushingDBs(c.DB.Index(), -1, func() { n = c.Srv.Keyspace().FlushDB(c.DB) }) // touches WATCHes (multi.go)
	c.ModifiedN(int64(n))
	c.ForcePropagate() // even when it was empty: replicas flush too
	c.Flushed(c.DB.Index())
	c.W.OK()
}

func cmdFlushall(c *server.Ctx) {
	async, ok := flushAsync(c)
	if !ok {
		return
	}
	var n int
	c.FlushingDBs(-1, -1, func() { n = c.Srv.Keyspace().FlushAll(c.DB, async) }) // touches WATCHes (multi.go)
	c.ModifiedN(int64(n))
	c.ForcePropagate() // even when it was empty: replicas flush too
	c.Flushed()
	c.W.OK()
}

// cmdSwapdb: SWAPDB index1 index2. Clients stay on their database
// number and see the other one's contents.
func cmdSwapdb(c *server.Ctx) {
	p := c.Parser(1)
	a := p.Int64Err(errs.InvalidFirstDB)
	if p.Err() == nil && (a < math.MinInt32 || a > math.MaxInt32) {
		p.Fail(errs.InvalidFirstDB)
	}
	b := p.Int64Err(errs.InvalidSecondDB)
	if p.Err() == nil && (b < math.MinInt32 || b > math.MaxInt32) {
		p.Fail(errs.InvalidSecondDB)
	}
	if err := p.Err(); err != nil {
		c.Error(err)
		return
	}
	ks := c.Srv.Keyspace()
	if n := int64(ks.NumDBs()); a < 0 || a >= n || b < 0 || b >= n {
		c.Error(errs.DBIndexRange)
		return
	}
	if a != b {
		c.FlushingDBs(int(a), int(b), func() { // touches WATCHes (multi.go)
			ks.SwapDB(c.DB, int(a), int(b))
			// Keys that appeared in either database may serve blocked clients.
			ks.SignalReadyExisting(c.DB.WithIndex(int(a)))
			ks.SignalReadyExisting(c.DB.WithIndex(int(b)))
		})
	}
	c.ModifiedN(1)
	c.W.OK()
}
