package commands

// The bitmap family, as Valkey 9's bitops.c: BITCOUNT BITFIELD BITFIELD_RO
// BITOP BITPOS GETBIT SETBIT.
//
// A bitmap is a string value read as bits, the first bit being the most
// significant bit of the first byte; bits past the end read as 0. The pure
// operations (popcount, bit scans, BITOP, bitfield integers) are in
// internal/types/bitmap; handlers here parse, look keys up and reply.
//
// Encodings (OBJECT ENCODING): writers leave raw strings. SETBIT and
// BITFIELD change the value in place, growing it with zero bytes to reach
// the highest bit they write, after making it raw (an int-encoded value
// becomes its decimal digits, as Valkey's dbUnshareStringValue). BITOP
// stores a raw string and drops the destination's TTL, or deletes the
// destination when every source is empty or missing. Readers take
// int-encoded values as their decimal digits.
//
// Limits: a bit offset must address a byte below proto-max-bulk-len (512 MB
// by default): "bit offset is not an integer or out of range" otherwise.
//
// Events and changes: SETBIT fires "setbit" and counts a change only when
// it created or grew the string or flipped the bit; BITFIELD fires "setbit"
// when any of its writes created, grew or changed the value, counting one
// change per such write; BITOP fires "set" (or "del").

import (
	"bytes"

	"petrel/internal/errs"
	"petrel/internal/keyspace"
	"petrel/internal/num"
	"petrel/internal/server"
	"petrel/internal/types/bitmap"
)

func registerBitmaps(r *server.Registry) {
	r.Handle("bitcount", cmdBitCount)
	r.Handle("bitfield", cmdBitField)
	r.Handle("bitfield_ro", cmdBitFieldRO)
	r.Handle("bitop", cmdBitOp)
	r.Handle("bitpos", cmdBitPos)
	r.Handle("getbit", cmdGetBit)
	r.Handle("setbit", cmdSetBit)
}

// --- type helpers -------------------------------------------------------------

// cstrIs compares an argument with a keyword as Valkey's strcasecmp does on
// the C string: bytes from a NUL on are ignored ("BIT\x00x" is BIT).
func cstrIs(b []byte, s string) bool {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	return server.EqualFold(b, s)
}

// bitOffset reads a bit offset argument (see bitmap.ParseOffset).
func bitOffset(c *server.Ctx, arg []byte, hash bool, bits int) (uint64, error) {
	off, ok := bitmap.ParseOffset(arg, hash, bits, c.Srv.Settings().ProtoMaxBulkLen)
	if !ok {
		return 0, errs.BitOffset
	}
	return off, nil
}

// bitsForWrite finds the string under key for a bit write and makes it raw
// and at least size bytes long (zero-filled), creating it if missing. grown
// reports whether it was created or lengthened (Valkey's "dirty").
func bitsForWrite(db keyspace.DB, key []byte, size uint64) (e keyspace.Entry, b []byte, grown bool, err error) {
	e, found, err := lookupStringWrite(db, key)
	if err != nil {
		return e, nil, false, err
	}
	if !found {
		e, b = db.SetRawZeros(key, int(size))
		return e, b, true, nil
	}
	e, b = e.UnshareString()
	if uint64(len(b)) < size {
		e, b = e.GrowRaw(int(size))
		grown = true
	}
	return e, b, grown, nil
}

// bitsForRead returns the bytes of the string under key (nil, false if
// missing): int encodings are formatted into buf.
func bitsForRead(db keyspace.DB, key, buf []byte) ([]byte, bool, error) {
	e, ok, err := lookupString(db, key)
	if err != nil || !ok {
		return nil, ok, err
	}
	return stringValue(e, buf), true, nil
}

// rangeUnit reads the optional BYTE|BIT argument of BITCOUNT and BITPOS.
func rangeUnit(p *server.Args, arg []byte) bool {
	switch {
	case cstrIs(arg, "bit"):
		return true
	case cstrIs(arg, "byte"):
	default:
		p.Fail(errs.Syntax)
	}
	return false
}

// --- handlers, in command-table order -------------------------------------------

// BITCOUNT key [start [end [BYTE | BIT]]]
func cmdBitCount(c *server.Ctx) {
	argc := len(c.Args)
	if argc > 5 {
		c.Error(errs.Syntax)
		return
	}
	var start, end int64
	isBit, hasEnd := false, argc >= 4
	if argc >= 3 {
		p := c.Parser(2)
		start = p.Int64()
		if argc == 5 && p.Err() == nil {
			isBit = rangeUnit(&p, c.Args[4])
		}
		if hasEnd {
			end = p.Int64()
		}
		if err := p.Err(); err != nil {
			c.Error(err)
			return
		}
	}
	var buf [20]byte
	b, _, err := bitsForRead(c.DB, c.Args[1], buf[:0])
	if err != nil {
		c.Error(err)
		return
	}
	if !hasEnd {
		end = int64(len(b)) - 1
	}
	c.W.Int(bitmap.CountRange(b, start, end, isBit))
}

// bitfieldOp is one parsed BITFIELD subcommand: a GET or a write.
type bitfieldOp struct {
	get bool
	w   bitmap.Write
}

// BITFIELD key [GET type offset | [OVERFLOW WRAP|SAT|FAIL] SET type offset
// value | INCRBY type offset increment] ...
func cmdBitField(c *server.Ctx) { bitfield(c, false) }

// BITFIELD_RO key [GET type offset ...]
func cmdBitFieldRO(c *server.Ctx) { bitfield(c, true) }

// bitfield is BITFIELD and BITFIELD_RO: every subcommand is parsed (and
// checked) first, then the key is looked up once, for a read when there are
// only GETs, and the operations run in order.
func bitfield(c *server.Ctx, readOnly bool) {
	var opsBuf [8]bitfieldOp
	ops := opsBuf[:0]
	ow := bitmap.Wrap
	writes := false
	var highest uint64 // the highest bit a write touches
	args := c.Args
	for j := 2; j < len(args); j++ {
		left := len(args) - j - 1
		var op bitfieldOp
		switch sub := args[j]; {
		case cstrIs(sub, "get") && left >= 2:
			op.get = true
		case cstrIs(sub, "set") && left >= 3:
		case cstrIs(sub, "incrby") && left >= 3:
			op.w.Incr = true
		case cstrIs(sub, "overflow") && left >= 1:
			j++
			switch t := args[j]; {
			case cstrIs(t, "wrap"):
				ow = bitmap.Wrap
			case cstrIs(t, "sat"):
				ow = bitmap.Sat
			case cstrIs(t, "fail"):
				ow = bitmap.Fail
			default:
				c.Error(errs.BitfieldOverflow)
				return
			}
			continue
		default:
			c.Error(errs.Syntax)
			return
		}
		ty, ok := bitmap.ParseType(args[j+1])
		if !ok {
			c.Error(errs.BitfieldType)
			return
		}
		off, err := bitOffset(c, args[j+2], true, ty.Bits)
		if err != nil {
			c.Error(err)
			return
		}
		op.w.Type, op.w.Offset, op.w.Overflow = ty, off, ow
		if !op.get {
			writes = true
			highest = max(highest, off+uint64(ty.Bits)-1)
			p := c.Parser(j + 3)
			op.w.Arg = p.Int64()
			if err := p.Err(); err != nil {
				c.Error(err)
				return
			}
			j++
		}
		ops = append(ops, op)
		j += 2
	}

	key := c.Args[1]
	if !writes {
		var buf [20]byte
		b, _, err := bitsForRead(c.DB, key, buf[:0])
		if err != nil {
			c.Error(err)
			return
		}
		c.W.Array(len(ops))
		for i := range ops {
			replyBitfieldGet(c, b, &ops[i].w)
		}
		return
	}
	if readOnly {
		c.Error(errs.BitfieldRO)
		return
	}
	_, b, grown, err := bitsForWrite(c.DB, key, highest>>3+1)
	if err != nil {
		c.Error(err)
		return
	}
	changes := int64(0)
	c.W.Array(len(ops))
	for i := range ops {
		if ops[i].get {
			replyBitfieldGet(c, b, &ops[i].w)
			continue
		}
		reply, written, changed := ops[i].w.Exec(b)
		if !written {
			c.W.Null()
			continue
		}
		c.W.Int(reply)
		if grown || changed {
			changes++
		}
	}
	if changes > 0 {
		c.Modified(key, "setbit")
		c.ModifiedN(changes - 1) // Valkey counts each changing write
	}
}

func replyBitfieldGet(c *server.Ctx, b []byte, w *bitmap.Write) {
	if w.Signed {
		c.W.Int(bitmap.GetSigned(b, w.Offset, w.Bits))
	} else {
		c.W.Int(int64(bitmap.GetUnsigned(b, w.Offset, w.Bits)))
	}
}

// BITOP AND|OR|XOR|NOT destkey key [key ...]: the result is as long as the
// longest source (shorter ones read as zeros); an empty result deletes
// destkey. Replies the result's length.
func cmdBitOp(c *server.Ctx) {
	var op bitmap.Op
	switch name := c.Args[1]; {
	case cstrIs(name, "and"):
		op = bitmap.And
	case cstrIs(name, "or"):
		op = bitmap.Or
	case cstrIs(name, "xor"):
		op = bitmap.Xor
	case cstrIs(name, "not"):
		op = bitmap.Not
	default:
		c.Error(errs.Syntax)
		return
	}
	if op == bitmap.Not && len(c.Args) != 4 {
		c.Error(errs.BitopNotOneKey)
		return
	}
	dest := c.Args[2]
	var srcBuf [8][]byte
	srcs := srcBuf[:0]
	maxLen, destIsSource := 0, false
	for _, key := range c.Args[3:] {
		e, ok, err := lookupString(c.DB, key)
		if err != nil {
			c.Error(err)
			return
		}
		var b []byte
		if ok {
			if b, ok = e.StringBytes(); !ok {
				b = e.AppendString(nil) // int-encoded: its digits
			}
		}
		srcs = append(srcs, b)
		maxLen = max(maxLen, len(b))
		destIsSource = destIsSource || bytes.Equal(key, dest)
	}
	switch {
	case maxLen == 0:
		if c.DB.Delete(dest) {
			c.Modified(dest, "del")
		}
	case destIsSource:
		// The sources alias the destination's record: compute aside.
		res := make([]byte, maxLen)
		bitmap.Apply(op, res, srcs)
		c.DB.SetStringEnc(dest, res, keyspace.EncRaw, 0, 0)
		c.Modified(dest, "set")
	default:
		// Write the result straight into the destination's value, reusing
		// its record when it is a string already.
		var b []byte
		if e, ok := c.DB.LookupWrite(dest); ok && e.Type() == keyspace.TypeString {
			if e.Expire() != 0 {
				e = e.SetExpire(0)
			}
			if e, b = e.UnshareString(); len(b) != maxLen {
				_, b = e.GrowRaw(maxLen)
			}
		} else {
			_, b = c.DB.SetRawZeros(dest, maxLen)
		}
		bitmap.Apply(op, b, srcs)
		c.Modified(dest, "set")
	}
	c.W.Int(int64(maxLen))
}

// BITPOS key bit [start [end [BYTE | BIT]]]
func cmdBitPos(c *server.Ctx) {
	p := c.Parser(2)
	bit := p.Int64()
	if err := p.Err(); err != nil {
		c.Error(err)
		return
	}
	if bit != 0 && bit != 1 {
		c.Error(errs.BitposBit)
		return
	}
	argc := len(c.Args)
	if argc > 6 {
		c.Error(errs.Syntax)
		return
	}
	var start, end int64
	isBit, endGiven := false, argc >= 5
	if argc >= 4 {
		start = p.Int64()
		if argc == 6 && p.Err() == nil {
			isBit = rangeUnit(&p, c.Args[5])
		}
		if endGiven {
			end = p.Int64()
		}
		if err := p.Err(); err != nil {
			c.Error(err)
			return
		}
	}
	var buf [20]byte
	b, found, err := bitsForRead(c.DB, c.Args[1], buf[:0])
	switch {
	case err != nil:
		c.Error(err)
	case !found:
		// A missing key is an endless run of zeros.
		c.W.Int(-bit) // 0 looking for a clear bit, -1 for a set one
	default:
		c.W.Int(bitmap.PosRange(b, int(bit), start, end, endGiven, isBit))
	}
}

// GETBIT key offset
func cmdGetBit(c *server.Ctx) {
	off, err := bitOffset(c, c.Args[2], false, 0)
	if err != nil {
		c.Error(err)
		return
	}
	var buf [20]byte
	b, _, err := bitsForRead(c.DB, c.Args[1], buf[:0])
	if err != nil {
		c.Error(err)
		return
	}
	c.W.Int(int64(bitmap.GetUnsigned(b, off, 1)))
}

// SETBIT key offset value: replies the bit's previous value.
func cmdSetBit(c *server.Ctx) {
	off, err := bitOffset(c, c.Args[2], false, 0)
	if err != nil {
		c.Error(err)
		return
	}
	on, ok := num.ParseInt(c.Args[3])
	if !ok || on&^1 != 0 {
		c.Error(errs.BitValue)
		return
	}
	key := c.Args[1]
	_, b, grown, err := bitsForWrite(c.DB, key, off>>3+1)
	if err != nil {
		c.Error(err)
		return
	}
	old := bitmap.GetUnsigned(b, off, 1)
	if grown || int64(old) != on {
		bitmap.SetBits(b, off, 1, uint64(on))
		c.Modified(key, "setbit")
	}
	c.W.Int(int64(old))
}
