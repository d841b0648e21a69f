package commands

// DUMP and RESTORE: a key's value in Valkey's serialization format (the
// RDB encoding of the value, then a footer with the RDB version and a
// CRC64), as Valkey's cluster.c. The format is internal/persist/rdb's;
// rdbvalue.go converts this package's values to and from it. RESTORE
// accepts every value type and encoding a Valkey 9 server (or an older
// Redis, down to ziplists and zipmaps) can produce; a payload that fails
// its checks is "Bad data format", never a crash.
//
// DEBUG SET-SKIP-CHECKSUM-VALIDATION 1 skips the CRC check, as in Valkey.

import (
	"strconv"

	"petrel/internal/errs"
	"petrel/internal/keyspace"
	"petrel/internal/persist/rdb"
	"petrel/internal/server"
)

func registerDump(r *server.Registry) {
	r.Handle("dump", cmdDump)
	r.Handle("restore", cmdRestore)
	r.Handle("restore-asking", cmdRestore)
	r.RDBCodec(rdbCodec{})
}

// rdbCompression is the rdbcompression setting.
func rdbCompression(c *server.Ctx) bool {
	if h := c.Srv.Hot(); h != nil {
		return h.Rdbcompression.Load()
	}
	return true
}

// dumpPayload serializes e's value as DUMP does.
func dumpPayload(e keyspace.Entry, compress bool) ([]byte, error) {
	v, err := valueToRDB(e)
	if err != nil {
		return nil, err
	}
	enc := rdb.Encoder{Compress: compress}
	if err := enc.Value(&v); err != nil {
		return nil, err
	}
	return rdb.DumpFooter(enc.Buf), nil
}

// cmdDump: DUMP key.
func cmdDump(c *server.Ctx) {
	e, ok := c.DB.LookupRead(c.Args[1])
	if !ok {
		c.W.Null()
		return
	}
	payload, err := dumpPayload(e, rdbCompression(c))
	if err != nil {
		c.Error(errs.BadDataFormat)
		return
	}
	c.W.Bulk(payload)
}

// restoreArgs are RESTORE's options.
type restoreArgs struct {
	replace, absTTL bool
	idle, freq      int64 // -1 when not given
}

func parseRestoreArgs(c *server.Ctx) (restoreArgs, bool) {
	a := restoreArgs{idle: -1, freq: -1}
	p := c.Parser(4)
	for p.More() && p.Err() == nil {
		switch {
		case p.Flag("replace"):
			a.replace = true
		case p.Flag("absttl"):
			a.absTTL = true
		case p.Left() >= 2 && a.freq == -1 && p.Flag("idletime"):
			if a.idle = p.Int64(); p.Err() == nil && a.idle < 0 {
				p.Fail(errs.InvalidIdleTime)
			}
		case p.Left() >= 2 && a.idle == -1 && p.Flag("freq"):
			if a.freq = p.Int64(); p.Err() == nil && (a.freq < 0 || a.freq > 255) {
				p.Fail(errs.InvalidFreq)
			}
		default:
			p.Fail(errs.Syntax)
		}
	}
	if err := p.Err(); err != nil {
		c.Error(err)
		return a, false
	}
	return a, true
}

// cmdRestore: RESTORE key ttl serialized-value [REPLACE] [ABSTTL]
// [IDLETIME seconds] [FREQ frequency], in Valkey's order of checks.
func cmdRestore(c *server.Ctx) {
	a, ok := parseRestoreArgs(c)
	if !ok {
		return
	}
	key := c.Args[1]
	if !a.replace {
		if _, exists := c.DB.LookupWrite(key); exists {
			c.Error(errs.BusyKey)
			return
		}
	}
	p := c.Parser(2)
	ttl := p.Int64()
	if err := p.Err(); err != nil {
		c.Error(err)
		return
	}
	if ttl < 0 {
		c.Error(errs.InvalidTTLValue)
		return
	}
	body, ver, ok := rdb.VerifyDump(c.Args[3], c.Srv.SkipChecksumValidation(), c.Srv.RDBVersionCheckRelaxed())
	if !ok {
		c.Error(errs.DumpPayloadInvalid)
		return
	}
	d := rdb.NewDecoder(body)
	t, err := d.Byte()
	if err != nil || !rdb.IsObjectType(t) {
		c.Error(errs.BadDataFormat)
		return
	}
	if rdb.IsForeignVersion(ver) && t >= rdb.ForeignTypeMin {
		c.Error(errs.UnsupportedForeignType(int(t)))
		return
	}
	v, err := d.Object(t)
	if err != nil {
		c.Error(errs.BadDataFormat)
		return
	}
	now := nowMs(c)
	typ, enc, obj, err := valueFromRDB(rdbLimitsOf(c.Srv), v, now)
	if err != nil {
		c.Error(errs.BadDataFormat)
		return
	}
	deleted := a.replace && c.DB.Delete(key)
	if ttl != 0 && !a.absTTL {
		ttl += now
	}
	if ttl != 0 && ttl <= now {
		// Already expired: the key is not created; a replaced one is gone.
		if deleted {
			c.PropagateAsStrings(deleteCommand(c), string(key))
			c.Modified(key, "del")
		}
		c.W.OK()
		return
	}
	if typ == keyspace.TypeString {
		c.DB.SetString(key, obj.([]byte), ttl, false)
	} else {
		c.DB.SetObject(key, typ, enc, obj, ttl)
	}
	if ttl != 0 && !a.absTTL && c.Propagating() {
		args := make([]string, 0, len(c.Args)+1)
		for i, arg := range c.Args {
			if i == 2 {
				args = append(args, strconv.FormatInt(ttl, 10))
			} else {
				args = append(args, string(arg))
			}
		}
		c.PropagateAsStrings(append(args, "ABSTTL")...)
	}
	if a.idle >= 0 || a.freq >= 0 {
		c.DB.SetAccess(key, a.idle, a.freq)
	}
	c.Modified(key, "restore")
	c.W.OK()
}

// deleteCommand is how a server-side deletion propagates: UNLINK under
// lazyfree-lazy-server-del, DEL otherwise.
func deleteCommand(c *server.Ctx) string {
	if h := c.Srv.Hot(); h != nil && h.LazyfreeLazyServerDel.Load() {
		return "UNLINK"
	}
	return "DEL"
}
