package commands

// The HyperLogLog family, as Valkey 9's hyperloglog.c: PFADD PFCOUNT
// PFMERGE PFDEBUG PFSELFTEST.
//
// A HyperLogLog is a string value in Valkey's format (package
// internal/types/hll): "HYLL", an encoding byte (sparse or dense), a cached
// cardinality, then the registers. GET returns exactly Valkey's bytes and
// any string that passes the header check is accepted as an HLL, so values
// travel between Petrel and Valkey unchanged.
//
// Encodings (OBJECT ENCODING): raw. PFADD creates raw values, and every PF*
// command that finds a key first makes its value raw in place (Valkey's
// dbUnshareStringValue), so an HLL written with SET (embstr) turns raw on
// the first PFCOUNT.
//
// Updates: a dense value (12304 bytes) is changed in place in the store; a
// sparse one (at most hll-sparse-max-bytes, 3000 by default) is updated in
// a pooled working copy and written back once per command, resized.
//
// Errors: a string that is no HLL gets "WRONGTYPE Key is not a valid
// HyperLogLog string value.", a key of another type the usual WRONGTYPE,
// corrupted sparse registers "INVALIDOBJ Corrupted HLL object detected".

import (
	"sync"

	"petrel/internal/errs"
	"petrel/internal/keyspace"
	"petrel/internal/server"
	"petrel/internal/types/hll"
)

func registerHyperLogLog(r *server.Registry) {
	r.Handle("pfadd", cmdPFAdd)
	r.Handle("pfcount", cmdPFCount)
	r.Handle("pfdebug", cmdPFDebug)
	r.Handle("pfmerge", cmdPFMerge)
	r.Handle("pfselftest", cmdPFSelfTest)
}

// --- type helpers -------------------------------------------------------------

// emptyHLL is the value PFADD and PFMERGE create.
var emptyHLL = hll.New()

// hllBufs are working copies of sparse values (and the 16 KiB register
// arrays of PFCOUNT and PFMERGE), reused across commands.
var (
	hllBufs = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}
	hllRaws = sync.Pool{New: func() any { return new(hll.Raw) }}
)

func getHLLBuf() *[]byte { return hllBufs.Get().(*[]byte) }

// putHLLBuf returns a working buffer; b is what became of it.
func putHLLBuf(p *[]byte, b []byte) {
	if cap(b) <= 64<<10 && cap(b) >= cap(*p) {
		*p = b[:0]
	}
	hllBufs.Put(p)
}

// hllScalarKey is the Server.Ext key of PFDEBUG SIMD OFF (a bool, true
// when the vector kernels are off for this server; absent: on).
type hllScalarKey struct{}

// hllSIMD reports whether PFCOUNT and PFMERGE use the vector kernels for
// dense registers (PFDEBUG SIMD, per server).
func hllSIMD(c *server.Ctx) bool {
	off, ok := c.Srv.Ext.Load(hllScalarKey{})
	return !ok || !off.(bool)
}

func getRaw() *hll.Raw {
	r := hllRaws.Get().(*hll.Raw)
	clear(r[:])
	return r
}

// hllValue returns the bytes of an HLL entry (read-only, aliasing the
// store) or the error Valkey's isHLLObjectOrReply replies with.
func hllValue(e keyspace.Entry) ([]byte, error) {
	if e.Type() != keyspace.TypeString {
		return nil, errs.WrongType
	}
	v, ok := e.StringBytes() // int-encoded values are no HLL
	if !ok || !hll.Valid(v) {
		return nil, hll.ErrNotHLL
	}
	return v, nil
}

// hllWritable checks an HLL entry and makes it raw for a change in place.
func hllWritable(e keyspace.Entry) (keyspace.Entry, []byte, error) {
	if _, err := hllValue(e); err != nil {
		return e, nil, err
	}
	e, v := e.UnshareString()
	return e, v, nil
}

// storeHLL writes the working copy v over the value of e (found) or under
// a new key.
func storeHLL(db keyspace.DB, key []byte, e keyspace.Entry, found bool, v []byte) {
	var b []byte
	if found {
		_, b = e.GrowRaw(len(v))
	} else {
		_, b = db.SetRawZeros(key, len(v))
	}
	copy(b, v)
}

// hllSparseMax is hll-sparse-max-bytes, from the live configuration (the
// default, 3000, for a server without one).
func hllSparseMax(c *server.Ctx) int {
	if h := c.Srv.Hot(); h != nil {
		return int(min(h.HLLSparseMaxBytes.Load(), 1<<40))
	}
	return 3000
}

// --- handlers, in command-table order -------------------------------------------

// PFADD key [element ...]: 1 if the key was created or a register grew.
func cmdPFAdd(c *server.Ctx) {
	key := c.Args[1]
	e, found := c.DB.LookupWrite(key)
	var v []byte    // the value being updated: in the store (dense) or a working copy
	var buf *[]byte // the working copy's pooled buffer
	updated := 0
	if !found {
		buf = getHLLBuf()
		v = hll.Clone(*buf, emptyHLL)
		updated++
	} else {
		var err error
		if e, v, err = hllWritable(e); err != nil {
			c.Error(err)
			return
		}
		if hll.IsSparse(v) {
			buf = getHLLBuf()
			v = hll.Clone(*buf, v)
		}
	}
	maxSparse := 0
	if buf != nil && len(c.Args) > 2 {
		maxSparse = hllSparseMax(c)
	}
	var err error
	changed := false
	for _, ele := range c.Args[2:] {
		var grew bool
		if v, grew, err = hll.Add(v, ele, maxSparse); err != nil {
			break
		}
		if grew {
			updated++
			changed = true
		}
	}
	if err == nil && updated > 0 {
		hll.Invalidate(v)
	}
	if buf != nil {
		if changed || !found {
			storeHLL(c.DB, key, e, found, v)
		}
		putHLLBuf(buf, v)
	}
	if err != nil {
		c.Error(err)
		return
	}
	if updated == 0 {
		c.W.Int(0)
		return
	}
	c.Modified(key, "pfadd")
	c.ModifiedN(int64(updated - 1)) // Valkey counts every changed register
	c.W.Int(1)
}

// PFCOUNT key [key ...]: the cardinality of one HLL (cached in its header)
// or of the union of several (computed, nothing cached).
func cmdPFCount(c *server.Ctx) {
	if len(c.Args) > 2 {
		r := getRaw()
		defer hllRaws.Put(r)
		simd := hllSIMD(c)
		for _, key := range c.Args[1:] {
			e, ok := c.DB.LookupRead(key)
			if !ok {
				continue
			}
			v, err := hllValue(e)
			if err == nil {
				err = r.Merge(v, simd)
			}
			if err != nil {
				c.Error(err)
				return
			}
		}
		c.W.Int(int64(r.Count()))
		return
	}
	key := c.Args[1]
	e, ok := c.DB.LookupRead(key)
	if !ok {
		c.W.Int(0)
		return
	}
	_, v, err := hllWritable(e)
	if err != nil {
		c.Error(err)
		return
	}
	card, fresh := hll.Cached(v)
	if !fresh {
		if card, err = hll.Count(v); err != nil {
			c.Error(err)
			return
		}
		hll.SetCached(v, card)
		// Valkey signals the key modified (WATCH) and counts the change,
		// without a keyspace event; Ctx has no event-less signal yet.
		c.ModifiedN(1)
	}
	c.W.Int(int64(card))
}

// PFDEBUG <GETREG|DECODE|ENCODING|TODENSE> key, PFDEBUG SIMD <ON|OFF>
func cmdPFDebug(c *server.Ctx) {
	sub := c.Args[1]
	if cstrIs(sub, "simd") {
		switch arg := c.Args[2]; {
		case cstrIs(arg, "on"):
			c.Srv.Ext.Store(hllScalarKey{}, false)
		case cstrIs(arg, "off"):
			c.Srv.Ext.Store(hllScalarKey{}, true)
		default:
			// Valkey also sends the status after this error, two replies
			// to one command; Petrel sends only the error.
			c.Error(errs.HLLSimdArg)
			return
		}
		if hllSIMD(c) {
			c.W.Simple("enabled")
		} else {
			c.W.Simple("disabled")
		}
		return
	}
	key := c.Args[2]
	e, ok := c.DB.LookupWrite(key)
	if !ok {
		c.Error(errs.HLLNoSuchKey)
		return
	}
	e, v, err := hllWritable(e)
	if err != nil {
		c.Error(err)
		return
	}
	switch {
	case cstrIs(sub, "getreg"), cstrIs(sub, "todense"):
		converted := hll.IsSparse(v)
		if converted {
			d, err := hll.ToDense(v)
			if err != nil {
				c.Error(err)
				return
			}
			_, v = e.GrowRaw(len(d))
			copy(v, d)
			c.ModifiedN(1) // Valkey forces propagation, without an event
		}
		if cstrIs(sub, "todense") {
			c.W.Int(pfB2I(converted))
			return
		}
		c.W.Array(hll.Registers)
		for i := 0; i < hll.Registers; i++ {
			c.W.Int(int64(hll.Register(v, i)))
		}
	case cstrIs(sub, "decode"):
		if !hll.IsSparse(v) {
			c.Error(errs.HLLNotSparse)
			return
		}
		c.W.Bulk(hll.Decode(v))
	case cstrIs(sub, "encoding"):
		if hll.IsSparse(v) {
			c.W.Simple("sparse")
		} else {
			c.W.Simple("dense")
		}
	default:
		c.Error(errs.PFDebugUnknown(string(sub)))
	}
}

// PFMERGE destkey [sourcekey ...]: the union of the sources and the
// destination (itself a source) into the destination. The result is dense
// if any input was.
func cmdPFMerge(c *server.Ctx) {
	r := getRaw()
	defer hllRaws.Put(r)
	simd := hllSIMD(c)
	dense := false
	for _, key := range c.Args[1:] {
		e, ok := c.DB.LookupRead(key)
		if !ok {
			continue
		}
		v, err := hllValue(e)
		if err == nil {
			dense = dense || !hll.IsSparse(v)
			err = r.Merge(v, simd)
		}
		if err != nil {
			c.Error(err)
			return
		}
	}
	key := c.Args[1]
	e, found := c.DB.LookupWrite(key)
	var v []byte
	if found {
		e, v = e.UnshareString() // checked by the loop above
	}
	switch {
	case dense && found && !hll.IsSparse(v):
		r.WriteDense(v, simd)
		hll.Invalidate(v)
	case dense:
		src := emptyHLL
		if found {
			src = v
		}
		d, err := hll.ToDense(src)
		if err != nil {
			c.Error(err)
			return
		}
		r.WriteDense(d, simd)
		hll.Invalidate(d)
		storeHLL(c.DB, key, e, found, d)
	default:
		buf := getHLLBuf()
		src := emptyHLL
		if found {
			src = v
		}
		w := hll.Clone(*buf, src)
		maxSparse := hllSparseMax(c)
		for i, x := range r {
			if x != 0 {
				w, _, _ = hll.SetRegister(w, i, x, maxSparse)
			}
		}
		hll.Invalidate(w)
		storeHLL(c.DB, key, e, found, w)
		putHLLBuf(buf, w)
	}
	c.Modified(key, "pfadd") // Valkey's event for a merge too
	c.W.OK()
}

// PFSELFTEST: the register and estimator self test.
func cmdPFSelfTest(c *server.Ctx) {
	if err := hll.SelfTest(hllSparseMax(c)); err != nil {
		c.Error(err)
		return
	}
	c.W.OK()
}

func pfB2I(b bool) int64 {
	if b {
		return 1
	}
	return 0
}
