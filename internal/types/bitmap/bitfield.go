package bitmap

import (
	"encoding/binary"

	"petrel/internal/num"
)

// ParseOffset reads a bit offset argument as Valkey's
// getBitOffsetFromArgument: a 64-bit integer, or with hash and bits > 0 the
// form "#N" meaning N*bits (multiplied with wrap-around, as in C). It fails
// for negative offsets and for those whose byte (offset/8) would be at or
// past limit (proto-max-bulk-len).
func ParseOffset(b []byte, hash bool, bits int, limit int64) (uint64, bool) {
	useHash := hash && bits > 0 && len(b) > 0 && b[0] == '#'
	if useHash {
		b = b[1:]
	}
	n, ok := num.ParseInt(b)
	if !ok {
		return 0, false
	}
	if useHash {
		n = int64(uint64(n) * uint64(bits))
	}
	if n < 0 || n>>3 >= limit {
		return 0, false
	}
	return uint64(n), true
}

// Type is a BITFIELD integer type: i1..i64 or u1..u63.
type Type struct {
	Signed bool
	Bits   int
}

// ParseType reads "i<bits>" (1..64) or "u<bits>" (1..63); the letter is
// case-sensitive and u64 is refused, as in Valkey (RESP integers are
// signed).
func ParseType(b []byte) (Type, bool) {
	if len(b) == 0 || (b[0] != 'i' && b[0] != 'u') {
		return Type{}, false
	}
	t := Type{Signed: b[0] == 'i'}
	n, ok := num.ParseInt(b[1:])
	maxBits := int64(63)
	if t.Signed {
		maxBits = 64
	}
	if !ok || n < 1 || n > maxBits {
		return Type{}, false
	}
	t.Bits = int(n)
	return t, true
}

// window reads the 9 bytes from b[off/8] on (zeros past the end).
func window(b []byte, off uint64) (w [9]byte) {
	if i := off >> 3; i < uint64(len(b)) {
		copy(w[:], b[i:])
	}
	return w
}

// GetUnsigned reads the bits-bit unsigned integer (1..64) at bit offset off
// of b, reading zeros past its end.
func GetUnsigned(b []byte, off uint64, bits int) uint64 {
	w := window(b, off)
	shift := off & 7
	v := binary.BigEndian.Uint64(w[:8])<<shift | uint64(w[8])>>(8-shift)
	return v >> (64 - bits)
}

// GetSigned reads a bits-bit two's complement integer.
func GetSigned(b []byte, off uint64, bits int) int64 {
	v := GetUnsigned(b, off, bits)
	if bits < 64 && v&(1<<(bits-1)) != 0 {
		v |= ^uint64(0) << bits
	}
	return int64(v)
}

// SetBits writes the low bits bits of v at bit offset off of b, which must
// hold every byte the field touches.
func SetBits(b []byte, off uint64, bits int, v uint64) {
	i, shift := off>>3, uint(off&7)
	end := i + (uint64(shift)+uint64(bits)+7)/8
	var w [9]byte
	copy(w[:], b[i:end])
	hi, lo := binary.BigEndian.Uint64(w[:8]), w[8]
	hiBits := min(bits, 64-int(shift))
	rest := bits - hiBits // bits that spill into the ninth byte (< 8)
	at := uint(64 - int(shift) - hiBits)
	mask := (^uint64(0) >> (64 - hiBits)) << at
	hi = hi&^mask | (v>>rest)<<at&mask
	if rest > 0 {
		m := byte(0xff) << (8 - rest)
		lo = lo&^m | byte(v)<<(8-rest)&m
	}
	binary.BigEndian.PutUint64(w[:8], hi)
	w[8] = lo
	copy(b[i:end], w[:])
}

// Overflow is the OVERFLOW behaviour of BITFIELD SET and INCRBY.
type Overflow uint8

const (
	Wrap Overflow = iota // wrap around (the default)
	Sat                  // saturate at the type's minimum or maximum
	Fail                 // do nothing and answer nil
)

// checkUnsigned reports whether value+incr overflows (1) or underflows (-1)
// a bits-bit unsigned integer, with the value the operation yields then
// under ow (Wrap: wrapped, Sat: clamped; Fail: 0).
func checkUnsigned(value uint64, incr int64, bits int, ow Overflow) (int, uint64) {
	maxv := uint64(1)<<bits - 1
	maxIncr := int64(maxv - value)
	minIncr := -int64(value)
	dir := 0
	switch {
	case value > maxv || (incr > 0 && incr > maxIncr):
		dir = 1
	case incr < 0 && incr < minIncr:
		dir = -1
	default:
		return 0, 0
	}
	switch ow {
	case Wrap:
		return dir, (value + uint64(incr)) & maxv
	case Sat:
		if dir > 0 {
			return dir, maxv
		}
		return dir, 0
	}
	return dir, 0
}

// checkSigned is checkUnsigned for a bits-bit signed integer.
func checkSigned(value, incr int64, bits int, ow Overflow) (int, int64) {
	maxv := int64(^uint64(0) >> 1)
	if bits < 64 {
		maxv = 1<<(bits-1) - 1
	}
	minv := -maxv - 1
	maxIncr := int64(uint64(maxv) - uint64(value))
	minIncr := int64(uint64(minv) - uint64(value))
	dir := 0
	switch {
	case value > maxv || (bits != 64 && incr > maxIncr) || (value >= 0 && incr > 0 && incr > maxIncr):
		dir = 1
	case value < minv || (bits != 64 && incr < minIncr) || (value < 0 && incr < 0 && incr < minIncr):
		dir = -1
	default:
		return 0, 0
	}
	switch ow {
	case Wrap:
		c := uint64(value) + uint64(incr)
		if bits < 64 {
			if mask := ^uint64(0) << bits; c&(1<<(bits-1)) != 0 {
				c |= mask
			} else {
				c &^= mask
			}
		}
		return dir, int64(c)
	case Sat:
		if dir > 0 {
			return dir, maxv
		}
		return dir, minv
	}
	return dir, 0
}

// Write is a BITFIELD SET (Incr false) or INCRBY of one field.
type Write struct {
	Type
	Offset   uint64
	Arg      int64 // the value to SET or the increment
	Incr     bool
	Overflow Overflow
}

// Exec performs the write on b (which covers the field) and returns the
// reply (the old value for SET, the new one for INCRBY), whether the field
// was written (false: an overflow under Fail, the reply is nil) and whether
// its value changed.
func (w *Write) Exec(b []byte) (reply int64, written, changed bool) {
	// SET checks its value against the type (as value+0); INCRBY checks
	// the old value plus the increment.
	if w.Signed {
		old := GetSigned(b, w.Offset, w.Bits)
		base, incr := w.Arg, int64(0)
		if w.Incr {
			base, incr = old, w.Arg
		}
		over, wrapped := checkSigned(base, incr, w.Bits, w.Overflow)
		nv := base + incr
		if over != 0 {
			if w.Overflow == Fail {
				return 0, false, false
			}
			nv = wrapped
		}
		SetBits(b, w.Offset, w.Bits, uint64(nv))
		if w.Incr {
			return nv, true, old != nv
		}
		return old, true, old != nv
	}
	old := GetUnsigned(b, w.Offset, w.Bits)
	base, incr := uint64(w.Arg), int64(0)
	if w.Incr {
		base, incr = old, w.Arg
	}
	over, wrapped := checkUnsigned(base, incr, w.Bits, w.Overflow)
	nv := base + uint64(incr)
	if over != 0 {
		if w.Overflow == Fail {
			return 0, false, false
		}
		nv = wrapped
	}
	SetBits(b, w.Offset, w.Bits, nv)
	if w.Incr {
		return int64(nv), true, old != nv
	}
	return int64(old), true, old != nv
}
