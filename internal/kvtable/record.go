package kvtable

import "encoding/binary"

// Record layout (offsets in bytes; see doc.go for the picture):
//
//	0   next    uint32  Ref of the next record in the bucket chain, 0 = end
//	4   hash    uint32  low 32 bits of the key's hash
//	8   meta    uint32  LRU (bits 0-23) | Enc (24-27) | Type (28-30) | Inline (31)
//	12  klen    uvarint key length << 2 | flags
//	    vlen    uvarint value length
//	    expire  int64   only when flags&flagExpire: absolute unix ms
//	    key     klen bytes
//	    value   vlen bytes
const (
	offNext     = 0
	offHash     = 4
	offMeta     = 8
	fixedHeader = 12

	flagExpire = 1 << 0
	// flagEpoch is reserved for an optional 4-byte field carrying the epoch
	// of the record's last change, for fork-less snapshots. No record sets
	// it yet; it is here so adding the field changes no other layout.
	flagEpoch = 1 << 1
	flagBits  = 2

	lruMask = 1<<24 - 1
)

// Meta is the per-key metadata kept in every record header.
//
// Type must be below 8 and Enc below 16 (with Inline they share one byte);
// LRU keeps its low 24 bits, like Valkey's LRU_BITS. Inline is a flag for
// the caller: the keyspace sets it on collections whose packed bytes are
// the record's value (rather than a reference to an object).
type Meta struct {
	Type   uint8
	Enc    uint8
	LRU    uint32
	Inline bool
}

const metaInline = 1 << 31

func packMeta(m Meta) uint32 {
	if m.Type > 7 || m.Enc > 15 {
		panic("kvtable: Meta.Type must be below 8 and Meta.Enc below 16")
	}
	w := m.LRU&lruMask | uint32(m.Enc)<<24 | uint32(m.Type)<<28
	if m.Inline {
		w |= metaInline
	}
	return w
}

func unpackMeta(w uint32) Meta {
	return Meta{Type: uint8(w>>28) & 7, Enc: uint8(w>>24) & 15, LRU: w & lruMask, Inline: w&metaInline != 0}
}

// layout is a parsed record header.
type layout struct {
	keyOff int // offset of the key; the expire field, if any, is just before
	klen   int
	vlen   int
	exp    bool
}

func (l layout) valOff() int { return l.keyOff + l.klen }
func (l layout) end() int    { return l.keyOff + l.klen + l.vlen }

func parse(rec []byte) layout {
	p := fixedHeader
	x := uint64(rec[p])
	if x < 0x80 {
		p++
	} else {
		var n int
		x, n = binary.Uvarint(rec[p:])
		p += n
	}
	v := uint64(rec[p])
	if v < 0x80 {
		p++
	} else {
		var n int
		v, n = binary.Uvarint(rec[p:])
		p += n
	}
	exp := x&flagExpire != 0
	if exp {
		p += 8
	}
	return layout{keyOff: p, klen: int(x >> flagBits), vlen: int(v), exp: exp}
}

func uvarintLen(x uint64) int {
	n := 1
	for x >= 0x80 {
		x >>= 7
		n++
	}
	return n
}

func headerSize(klen, vlen int, exp bool) int {
	n := fixedHeader + uvarintLen(uint64(klen)<<flagBits) + uvarintLen(uint64(vlen))
	if exp {
		n += 8
	}
	return n
}

// recordSize is the number of bytes a record needs.
func recordSize(klen, vlen int, exp bool) int {
	return headerSize(klen, vlen, exp) + klen + vlen
}

// putLengths writes the length fields and the expire field of rec and
// returns the key offset. It does not touch next, hash or meta.
func putLengths(rec []byte, klen, vlen int, expire int64) int {
	x := uint64(klen) << flagBits
	if expire != 0 {
		x |= flagExpire
	}
	p := fixedHeader
	p += binary.PutUvarint(rec[p:], x)
	p += binary.PutUvarint(rec[p:], uint64(vlen))
	if expire != 0 {
		ne.PutUint64(rec[p:], uint64(expire))
		p += 8
	}
	return p
}

func recNext(rec []byte) Ref       { return Ref(ne.Uint32(rec[offNext:])) }
func setRecNext(rec []byte, r Ref) { ne.PutUint32(rec[offNext:], uint32(r)) }
func recHash(rec []byte) uint32    { return ne.Uint32(rec[offHash:]) }
func recExpire(rec []byte, l layout) int64 {
	if !l.exp {
		return 0
	}
	return int64(ne.Uint64(rec[l.keyOff-8:]))
}
