package stream

import (
	"encoding/binary"
	"errors"
	"strconv"

	"petrel/internal/num"
	"petrel/internal/types/set/listpack"
)

// A node is a run of consecutive entries packed into one listpack, laid out
// exactly as Valkey's stream listpacks (t_stream.c), so that node sizes —
// and so the points where stream-node-max-bytes starts a new node — are
// Valkey's, and so that an RDB file can later hold these bytes as they are:
//
//	master entry:  count | deleted | nfields | field_1 ... field_N | 0
//	each entry:    flags | ms-delta | seq-delta | [nfields | field value ...] |
//	               [value ...] | lp-count
//
// count and deleted are the live and the deleted (flagged) entries. The
// master fields are those of the node's first entry; an entry with the same
// field names sets flagSameFields and stores only its values. IDs are
// deltas from the node's master ID (the first entry's ID), stored as
// int64 and added back modulo 2^64. lp-count is the number of listpack
// elements of the entry before it (flags to last value), so that the node
// can be walked backwards; the master entry's terminating 0 stops that walk.
//
// Entries are deleted by setting flagDeleted (a tombstone) and moving one
// from count to deleted; a node whose last live entry is deleted is
// dropped. Tombstones stay until their node goes.

// Entry flags.
const (
	flagDeleted    = 1 << 0
	flagSameFields = 1 << 1
)

// getInt reads the integer element at p (stream nodes store their
// bookkeeping as integers; a string that is not one reads as 0).
func getInt(lp []byte, p int) int64 {
	s, v, isInt := listpack.Get(lp, p)
	if isInt {
		return v
	}
	n, _ := strconv.ParseInt(string(s), 10, 64)
	return n
}

// getBytes reads the element at p as bytes, formatting an integer into buf.
func getBytes(lp []byte, p int, buf *[20]byte) []byte {
	s, v, isInt := listpack.Get(lp, p)
	if isInt {
		return strconv.AppendInt(buf[:0], v, 10)
	}
	return s
}

// skip advances n elements from p.
func skip(lp []byte, p, n int) int {
	for ; n > 0 && p >= 0; n-- {
		p = listpack.Next(lp, p)
	}
	return p
}

// back steps back n elements from p.
func back(lp []byte, p, n int) int {
	for ; n > 0 && p >= 0; n-- {
		p = listpack.Prev(lp, p)
	}
	return p
}

// nodeHeader is a node's master entry, decoded.
type nodeHeader struct {
	count, deleted int64
	nfields        int // master fields
	fields         int // position of the first master field
	first          int // position of the first entry's flags, -1 if none
}

func readHeader(lp []byte) nodeHeader {
	var h nodeHeader
	p := listpack.First(lp)
	h.count = getInt(lp, p)
	p = listpack.Next(lp, p)
	h.deleted = getInt(lp, p)
	p = listpack.Next(lp, p)
	h.nfields = int(getInt(lp, p))
	p = listpack.Next(lp, p)
	h.fields = p
	p = skip(lp, p, h.nfields) // now at the master terminator
	h.first = listpack.Next(lp, p)
	return h
}

// entry is one entry of a node, decoded up to its fields.
type entry struct {
	flags   int64
	id      ID
	nfields int
	same    bool // field names are the master's
	data    int  // position of the first field (or value, when same)
	next    int  // position of the next entry's flags, -1 at the end
}

// readEntry decodes the entry whose flags are at p.
func readEntry(lp []byte, master ID, h *nodeHeader, p int) entry {
	var e entry
	e.flags = getInt(lp, p)
	p = listpack.Next(lp, p)
	e.id.Ms = master.Ms + uint64(getInt(lp, p))
	p = listpack.Next(lp, p)
	e.id.Seq = master.Seq + uint64(getInt(lp, p))
	p = listpack.Next(lp, p)
	n := 0
	if e.flags&flagSameFields != 0 {
		e.same = true
		e.nfields = h.nfields
		n = h.nfields
	} else {
		e.nfields = int(getInt(lp, p))
		p = listpack.Next(lp, p)
		n = 2 * e.nfields
	}
	e.data = p
	p = skip(lp, p, n) // at lp-count
	e.next = listpack.Next(lp, p)
	return e
}

// lastEntry is the position of the last entry's flags, -1 if none.
func lastEntry(lp []byte) int {
	p := listpack.Last(lp)
	c := getInt(lp, p)
	if c == 0 {
		return -1 // the master terminator: no entries
	}
	return back(lp, p, int(c))
}

// prevEntry is the position of the flags of the entry before the one at p,
// -1 if p is the first.
func prevEntry(lp []byte, p int) int {
	q := listpack.Prev(lp, p) // the previous entry's lp-count, or the master's 0
	c := getInt(lp, q)
	if c == 0 {
		return -1
	}
	return back(lp, q, int(c))
}

// newNode returns a node in buf's storage whose master entry takes the
// field names of fv (field, value, field, value, ...).
func newNode(buf []byte, fv [][]byte) []byte {
	lp := append(buf[:0], 7, 0, 0, 0, 0, 0, 0xFF) // an empty listpack: total 7, count 0, EOF
	lp = listpack.AppendInt(lp, 0)                // count: set by appendEntry
	lp = listpack.AppendInt(lp, 0)
	lp = listpack.AppendInt(lp, int64(len(fv)/2))
	for i := 0; i < len(fv); i += 2 {
		lp = listpack.Append(lp, fv[i])
	}
	return listpack.AppendInt(lp, 0)
}

// appendEntry adds the entry id with fields fv at the end of the node,
// whose master entry is h. The elements are the ones lpAppend would add one
// by one (same bytes), encoded in one pass after a single growth, and the
// listpack header is written once.
func appendEntry(lp []byte, h nodeHeader, master, id ID, fv [][]byte) []byte {
	nf := len(fv) / 2
	flags := int64(0)
	if nf == h.nfields && sameFields(lp, h.fields, fv) {
		flags = flagSameFields
	}
	lp = replaceInt(lp, listpack.First(lp), h.count+1)

	msDelta, seqDelta := int64(id.Ms-master.Ms), int64(id.Seq-master.Seq)
	elems := 3 + nf + 1 // flags, ms, seq, values, lp-count
	lpCount := int64(nf) + 3
	size := intElemSize(flags) + intElemSize(msDelta) + intElemSize(seqDelta)
	if flags == 0 {
		elems += 1 + nf // nfields, field names
		lpCount += int64(nf) + 1
		size += intElemSize(int64(nf))
		for i := 0; i < nf; i++ {
			size += listpack.EntrySize(fv[2*i])
		}
	}
	for i := 0; i < nf; i++ {
		size += listpack.EntrySize(fv[2*i+1])
	}
	size += intElemSize(lpCount)

	end := len(lp) - 1 // the EOF byte
	need := end + size + 1
	if need > cap(lp) {
		// listpack's growth: exact for small listpacks, 1/8 slack past
		// 256 bytes.
		c := need
		if need > 256 {
			c += need / 8
		}
		nb := make([]byte, end, c)
		copy(nb, lp[:end])
		lp = nb
	} else {
		lp = lp[:end]
	}
	lp = encodeIntEntry(lp, flags)
	lp = encodeIntEntry(lp, msDelta)
	lp = encodeIntEntry(lp, seqDelta)
	if flags == 0 {
		lp = encodeIntEntry(lp, int64(nf))
	}
	for i := 0; i < nf; i++ {
		if flags == 0 {
			lp = encodeElem(lp, fv[2*i])
		}
		lp = encodeElem(lp, fv[2*i+1])
	}
	lp = encodeIntEntry(lp, lpCount)
	lp = append(lp, 0xFF)
	setListpackHeader(lp, elems)
	return lp
}

// sameFields reports whether the field names of fv are the node's master
// fields, starting at position p (compared as lpCompare does: integer
// elements by their decimal form).
func sameFields(lp []byte, p int, fv [][]byte) bool {
	var buf [20]byte
	for i := 0; i < len(fv); i += 2 {
		if string(getBytes(lp, p, &buf)) != string(fv[i]) {
			return false
		}
		p = listpack.Next(lp, p)
	}
	return true
}

// intElemSize is the bytes of a listpack integer element, backlen included.
func intElemSize(v int64) int {
	switch {
	case v >= 0 && v <= 127:
		return 2
	case v >= -4096 && v <= 4095:
		return 3
	case v >= -32768 && v <= 32767:
		return 4
	case v >= -8388608 && v <= 8388607:
		return 5
	case v >= -2147483648 && v <= 2147483647:
		return 6
	}
	return 10
}

// encodeElem appends s as lpAppend stores it: as an integer element when
// it is the canonical form of one (string2ll), else as a string element,
// with its backlen.
func encodeElem(dst, s []byte) []byte {
	if v, ok := num.ParseInt(s); ok {
		return encodeIntEntry(dst, v)
	}
	start := len(dst)
	switch n := len(s); {
	case n < 64:
		dst = append(dst, byte(n)|0x80)
	case n < 4096:
		dst = append(dst, byte(n>>8)|0xE0, byte(n))
	default:
		dst = append(dst, 0xF0, byte(n), byte(n>>8), byte(n>>16), byte(n>>24))
	}
	dst = append(dst, s...)
	return appendBacklen(dst, len(dst)-start)
}

// appendBacklen appends the backlen of an element of n bytes: n in 7-bit
// groups, most significant first, every byte but the first flagged 128.
func appendBacklen(dst []byte, n int) []byte {
	l := uint64(n)
	switch {
	case n <= 127:
		return append(dst, byte(l))
	case n < 16383:
		return append(dst, byte(l>>7), byte(l&127)|128)
	case n < 2097151:
		return append(dst, byte(l>>14), byte((l>>7)&127)|128, byte(l&127)|128)
	case n < 268435455:
		return append(dst, byte(l>>21), byte((l>>14)&127)|128, byte((l>>7)&127)|128, byte(l&127)|128)
	}
	return append(dst, byte(l>>28), byte((l>>21)&127)|128, byte((l>>14)&127)|128, byte((l>>7)&127)|128, byte(l&127)|128)
}

// setListpackHeader writes the total bytes of lp and adds added to its
// element count (which stays "unknown", 65535, once it gets there).
func setListpackHeader(lp []byte, added int) {
	binary.LittleEndian.PutUint32(lp, uint32(len(lp)))
	if c := int(binary.LittleEndian.Uint16(lp[4:])); c != 0xFFFF {
		binary.LittleEndian.PutUint16(lp[4:], uint16(min(c+added, 0xFFFF)))
	}
}

// markDeleted flags the live entry at p as deleted and moves it from the
// live count to the deleted count.
func markDeleted(lp []byte, p int, flags int64) []byte {
	lp = replaceInt(lp, p, flags|flagDeleted) // same size: flags are < 128
	h := readHeader(lp)
	first := listpack.First(lp)
	lp = replaceInt(lp, first, h.count-1)
	return replaceInt(lp, listpack.Next(lp, first), h.deleted+1)
}

// replaceInt replaces the element at p with the integer v, in place when
// the encoding keeps its size.
func replaceInt(lp []byte, p int, v int64) []byte {
	var tmp [16]byte
	ent := encodeIntEntry(tmp[:0], v)
	old := listpack.Next(lp, p)
	if old < 0 {
		old = len(lp) - 1
	}
	oldSize := old - p
	if oldSize == len(ent) {
		copy(lp[p:], ent)
		return lp
	}
	n := len(lp) - oldSize + len(ent)
	var out []byte
	if n <= cap(lp) {
		out = lp[:n] // copy moves overlapping bytes as memmove does
		copy(out[p+len(ent):], lp[p+oldSize:])
	} else {
		out = make([]byte, n, max(n, cap(lp)))
		copy(out, lp[:p])
		copy(out[p+len(ent):], lp[p+oldSize:])
	}
	copy(out[p:], ent)
	out[0], out[1], out[2], out[3] = byte(n), byte(n>>8), byte(n>>16), byte(n>>24)
	return out
}

// encodeIntEntry appends v as a listpack integer element with its backlen
// (the bytes listpack.AppendInt writes).
func encodeIntEntry(dst []byte, v int64) []byte {
	start := len(dst)
	switch {
	case v >= 0 && v <= 127:
		dst = append(dst, byte(v))
	case v >= -4096 && v <= 4095:
		u := uint64(v) & (1<<13 - 1)
		dst = append(dst, byte(u>>8)|0xC0, byte(u))
	case v >= -32768 && v <= 32767:
		u := uint16(v)
		dst = append(dst, 0xF1, byte(u), byte(u>>8))
	case v >= -8388608 && v <= 8388607:
		u := uint32(v)
		dst = append(dst, 0xF2, byte(u), byte(u>>8), byte(u>>16))
	case v >= -2147483648 && v <= 2147483647:
		u := uint32(v)
		dst = append(dst, 0xF3, byte(u), byte(u>>8), byte(u>>16), byte(u>>24))
	default:
		u := uint64(v)
		dst = append(dst, 0xF4, byte(u), byte(u>>8), byte(u>>16), byte(u>>24),
			byte(u>>32), byte(u>>40), byte(u>>48), byte(u>>56))
	}
	return append(dst, byte(len(dst)-start)) // integer entries are < 128 bytes
}

// ErrCorruptNode reports node bytes that are not a valid stream node.
var ErrCorruptNode = errors.New("stream: corrupt node")

// ValidateNode checks that lp is a well-formed stream node, as Valkey's streamValidateListpackIntegrity (deep): a valid
// listpack, a master entry, and entries whose lp-counts match their
// fields, with count+deleted entries and nothing after them. It returns the
// node's live entries. Nodes from outside (RDB, RESTORE) must pass it
// before any other function here sees them.
func ValidateNode(lp []byte) (int64, error) {
	if listpack.Validate(lp) != nil {
		return 0, ErrCorruptNode
	}
	p := listpack.First(lp)
	intAt := func() (int64, bool) {
		if p < 0 {
			return 0, false
		}
		_, v, isInt := listpack.Get(lp, p)
		p = listpack.Next(lp, p)
		return v, isInt
	}
	elem := func() bool {
		if p < 0 {
			return false
		}
		p = listpack.Next(lp, p)
		return true
	}
	count, ok1 := intAt()
	deleted, ok2 := intAt()
	nfields, ok3 := intAt()
	if !ok1 || !ok2 || !ok3 || count < 0 || deleted < 0 || nfields < 0 || count > 1<<32 || deleted > 1<<32 {
		return 0, ErrCorruptNode
	}
	for i := int64(0); i < nfields; i++ {
		if !elem() {
			return 0, ErrCorruptNode
		}
	}
	if z, ok := intAt(); !ok || z != 0 {
		return 0, ErrCorruptNode
	}
	var live int64
	for n := count + deleted; n > 0; n-- {
		flags, ok := intAt()
		if !ok || flags < 0 || flags > flagDeleted|flagSameFields {
			return 0, ErrCorruptNode
		}
		if _, ok := intAt(); !ok {
			return 0, ErrCorruptNode
		}
		if _, ok := intAt(); !ok {
			return 0, ErrCorruptNode
		}
		fields, extra := nfields, int64(3)
		if flags&flagSameFields == 0 {
			f, ok := intAt()
			if !ok || f < 0 || f > 1<<31 {
				return 0, ErrCorruptNode
			}
			fields = f
			for i := int64(0); i < fields; i++ {
				if !elem() {
					return 0, ErrCorruptNode
				}
			}
			extra += fields + 1
		}
		for i := int64(0); i < fields; i++ {
			if !elem() {
				return 0, ErrCorruptNode
			}
		}
		c, ok := intAt()
		if !ok || c != fields+extra {
			return 0, ErrCorruptNode
		}
		if flags&flagDeleted == 0 {
			live++
		}
	}
	if p >= 0 || live != count {
		return 0, ErrCorruptNode
	}
	return count, nil
}
