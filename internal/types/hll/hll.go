package hll

import (
	"encoding/binary"
	"math/bits"

	"petrel/internal/errs"
)

// Geometry of Valkey's HyperLogLog (on disk and on the wire: never change).
const (
	P           = 14                                // register index bits
	Q           = 64 - P                            // hash bits left for the zero run
	Registers   = 1 << P                            // 16384 registers
	Bits        = 6                                 // bits per dense register
	RegisterMax = 1<<Bits - 1                       // 63
	HeaderSize  = 16                                // "HYLL", encoding, 3 unused, cached card
	DenseSize   = HeaderSize + (Registers*Bits+7)/8 // 12304
	denseBytes  = DenseSize - HeaderSize

	// Encodings (header byte 4).
	Dense  = 0
	Sparse = 1

	seed = 0xadc83b19 // MurmurHash64A seed of hllPatLen
)

// Sparse opcodes.
const (
	opXZero        = 0x40 // 01xxxxxx yyyyyyyy
	opVal          = 0x80 // 1vvvvvxx
	sparseValMax   = 32   // largest value a VAL opcode holds
	sparseValRun   = 4    // longest VAL run
	sparseZeroRun  = 64   // longest ZERO run
	sparseXZeroRun = 16384
)

// Errors: ErrNotHLL for a string that is no HyperLogLog (a bad header),
// ErrInvalid for corrupted sparse registers.
var (
	ErrNotHLL  = errs.HLLWrongType
	ErrInvalid = errs.HLLInvalid
)

// Valid reports whether v passes Valkey's isHLLObjectOrReply: at least a
// header, the "HYLL" magic, a known encoding, and for a dense value the
// exact length. (The registers of a sparse value are checked as they are
// read.)
func Valid(v []byte) bool {
	if len(v) < HeaderSize || string(v[:4]) != "HYLL" || v[4] > Sparse {
		return false
	}
	return v[4] != Dense || len(v) == DenseSize
}

// IsSparse reports whether a valid value is sparse-encoded.
func IsSparse(v []byte) bool { return v[4] == Sparse }

// New returns an empty HLL as PFADD creates it: sparse, one XZERO opcode
// covering every register, cached cardinality 0 (valid). It is a working
// buffer for Add (its terminator byte is zero).
func New() []byte { return AppendNew(make([]byte, 0, 32)) }

// AppendNew appends an empty HLL (18 bytes) to dst.
func AppendNew(dst []byte) []byte {
	dst = append(dst, 'H', 'Y', 'L', 'L', Sparse, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
	return append(dst, opXZero|(sparseXZeroRun-1)>>8, (sparseXZeroRun-1)&0xff)
}

// Cached returns the cached cardinality and whether it is current.
func Cached(v []byte) (uint64, bool) {
	if v[15]&0x80 != 0 {
		return 0, false
	}
	return binary.LittleEndian.Uint64(v[8:16]), true
}

// SetCached stores a freshly computed cardinality in the header.
func SetCached(v []byte, card uint64) { binary.LittleEndian.PutUint64(v[8:16], card) }

// Invalidate marks the cached cardinality stale.
func Invalidate(v []byte) { v[15] |= 0x80 }

// murmur64A is MurmurHash64A, the 64-bit MurmurHash2, reading words little
// endian on every platform.
func murmur64A(key []byte, seed uint64) uint64 {
	const m = 0xc6a4a7935bd1e995
	const r = 47
	h := seed ^ (uint64(len(key)) * m)
	n := len(key) &^ 7
	for i := 0; i < n; i += 8 {
		k := binary.LittleEndian.Uint64(key[i:])
		k *= m
		k ^= k >> r
		k *= m
		h ^= k
		h *= m
	}
	if t := key[n:]; len(t) > 0 {
		var k uint64
		for i := len(t) - 1; i >= 0; i-- {
			k = k<<8 | uint64(t[i])
		}
		h ^= k
		h *= m
	}
	h ^= h >> r
	h *= m
	h ^= h >> r
	return h
}

// patLen returns the register an element hashes to and the length of the
// 0...01 pattern of the rest of its hash (1..Q+1).
func patLen(ele []byte) (index int, count uint8) {
	h := murmur64A(ele, seed)
	index = int(h & (Registers - 1))
	h >>= P
	h |= 1 << Q
	return index, uint8(1 + bits.TrailingZeros64(h))
}

// --- dense registers ----------------------------------------------------------

// denseGet reads register i of the 12288 register bytes regs. The last
// register ends inside the last byte, so the byte after it is never needed.
func denseGet(regs []byte, i int) uint8 {
	bit := i * Bits
	b, fb := bit>>3, uint(bit&7)
	v := uint(regs[b]) >> fb
	if fb > 8-Bits {
		v |= uint(regs[b+1]) << (8 - fb)
	}
	return uint8(v & RegisterMax)
}

// denseSet writes val (< 64) to register i.
func denseSet(regs []byte, i int, val uint8) {
	bit := i * Bits
	b, fb := bit>>3, uint(bit&7)
	regs[b] = regs[b]&^byte(RegisterMax<<fb) | byte(uint(val)<<fb)
	if fb > 8-Bits {
		regs[b+1] = regs[b+1]&^byte(RegisterMax>>(8-fb)) | byte(uint(val)>>(8-fb))
	}
}

// denseAdd raises register i to count if it is lower.
func denseAdd(regs []byte, i int, count uint8) bool {
	if denseGet(regs, i) >= count {
		return false
	}
	denseSet(regs, i, count)
	return true
}

// Register returns register i of a dense value.
func Register(v []byte, i int) uint8 { return denseGet(v[HeaderSize:], i) }

// --- adding -----------------------------------------------------------------------

// Add hashes ele into the HLL v and reports whether a register grew (the
// estimate may have changed). A dense v is updated in place; a sparse one
// may be resized (v's array is reused when its capacity allows) or promoted
// to a new dense value when a register needs more than 32 or the string
// would grow past maxSparse bytes. The returned slice is the value from now
// on, also when err is ErrInvalid (corrupted sparse registers: v is then
// unchanged by this call). A sparse v must be a working buffer (see Clone):
// never a slice of stored memory, which Add may write past its length.
func Add(v, ele []byte, maxSparse int) ([]byte, bool, error) {
	i, count := patLen(ele)
	return SetRegister(v, i, count, maxSparse)
}

// SetRegister raises register i of v to count if it is lower, with Add's
// rules.
func SetRegister(v []byte, i int, count uint8, maxSparse int) ([]byte, bool, error) {
	switch v[4] {
	case Dense:
		return v, denseAdd(v[HeaderSize:], i, count), nil
	case Sparse:
		return sparseSet(v, i, count, maxSparse)
	}
	return v, false, ErrInvalid
}
