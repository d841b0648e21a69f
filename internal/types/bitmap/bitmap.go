package bitmap

import (
	"encoding/binary"
	"math/bits"
)

// countWords counts the set bits of b in portable Go, 32 bytes per step
// (Count uses the POPCNT instruction directly where the CPU has it).
func countWords(b []byte) int64 {
	var n0, n1, n2, n3 int
	for len(b) >= 32 {
		n0 += bits.OnesCount64(binary.LittleEndian.Uint64(b[0:8]))
		n1 += bits.OnesCount64(binary.LittleEndian.Uint64(b[8:16]))
		n2 += bits.OnesCount64(binary.LittleEndian.Uint64(b[16:24]))
		n3 += bits.OnesCount64(binary.LittleEndian.Uint64(b[24:32]))
		b = b[32:]
	}
	for len(b) >= 8 {
		n0 += bits.OnesCount64(binary.LittleEndian.Uint64(b[:8]))
		b = b[8:]
	}
	for _, c := range b {
		n0 += bits.OnesCount8(c)
	}
	return int64(n0 + n1 + n2 + n3)
}

// normRange applies Valkey's BITCOUNT/BITPOS index rules to start and end
// over total units (bytes or bits): negative indexes count from the end,
// then both are clamped to the string.
func normRange(start, end, total int64) (int64, int64) {
	if start < 0 {
		start += total
	}
	if end < 0 {
		end += total
	}
	start = max(start, 0)
	end = max(end, 0)
	if end >= total {
		end = total - 1
	}
	return start, end
}

// edgeMasks turns a bit range into a byte range, with masks of the bits of
// the first and last bytes that lie outside it.
func edgeMasks(start, end int64) (first, last byte, s, e int64) {
	first = ^byte(1<<(8-start&7) - 1)
	last = byte(1<<(7-end&7) - 1)
	return first, last, start >> 3, end >> 3
}

// CountRange is BITCOUNT over the value b (nil for a missing key) between
// start and end, inclusive, in bytes or (isBit) in bits, with Valkey's rules
// for negative and out-of-range indexes. BITCOUNT key start (no end) is
// CountRange(b, start, int64(len(b))-1, false).
func CountRange(b []byte, start, end int64, isBit bool) int64 {
	if start < 0 && end < 0 && start > end {
		return 0
	}
	total := int64(len(b))
	if isBit {
		total <<= 3
	}
	start, end = normRange(start, end, total)
	var first, last byte
	if isBit && start <= end {
		first, last, start, end = edgeMasks(start, end)
	}
	if start > end {
		return 0
	}
	n := Count(b[start : end+1])
	n -= int64(bits.OnesCount8(b[start]&first) + bits.OnesCount8(b[end]&last))
	return n
}

// Pos returns the position of the first bit of b equal to bit (0 or 1).
// When there is none it returns -1 when looking for a 1, and len(b)*8 when
// looking for a 0 (the string reads as zeros past its end). Whole words of
// the skipped value are passed eight bytes at a time.
func Pos(b []byte, bit int) int64 {
	skip := uint64(0)
	if bit == 0 {
		skip = ^skip
	}
	i := 0
	for ; i+8 <= len(b); i += 8 {
		if w := binary.BigEndian.Uint64(b[i:]); w != skip {
			return int64(i)*8 + int64(bits.LeadingZeros64(w^skip))
		}
	}
	for ; i < len(b); i++ {
		if c := b[i] ^ byte(skip); c != 0 {
			return int64(i)*8 + int64(bits.LeadingZeros8(c))
		}
	}
	if bit == 1 {
		return -1
	}
	return int64(len(b)) * 8
}

// PosRange is BITPOS over the existing value b: the first bit equal to bit
// between start and end (in bytes, or in bits with isBit). Without an
// explicit end (endGiven false; pass any end) the range runs to the end of
// the string and, looking for a 0, a string of ones answers the first bit
// past it; with an explicit end it answers -1.
func PosRange(b []byte, bit int, start, end int64, endGiven, isBit bool) int64 {
	total := int64(len(b))
	if !endGiven {
		end = total - 1
	}
	if isBit {
		total <<= 3
	}
	start, end = normRange(start, end, total)
	var first, last byte
	if isBit && start <= end {
		first, last, start, end = edgeMasks(start, end)
	}
	if start > end {
		return -1
	}
	// outside returns c with the bits outside the range made unlike bit.
	outside := func(c, mask byte) byte {
		if bit == 1 {
			return c &^ mask
		}
		return c | mask
	}
	n := end - start + 1 // bytes left in the range
	var pos int64
	switch {
	case first != 0:
		c := outside(b[start], first)
		if last != 0 && n == 1 {
			c = outside(c, last)
		}
		if pos = Pos([]byte{c}, bit); n == 1 || (pos != -1 && pos != 8) {
			break
		}
		start++
		n--
		fallthrough
	default:
		mid := n
		if last != 0 {
			mid--
		}
		if mid > 0 {
			if pos = Pos(b[start:start+mid], bit); n == mid || (pos != -1 && pos != mid<<3) {
				break
			}
			start += mid
			n -= mid
		}
		pos = Pos([]byte{outside(b[end], last)}, bit)
	}
	if endGiven && bit == 0 && pos == n<<3 {
		return -1
	}
	if pos != -1 {
		pos += start << 3
	}
	return pos
}

// Op is a BITOP operation.
type Op uint8

// BITOP operations (Valkey 9.0 has these four).
const (
	And Op = iota
	Or
	Xor
	Not
)

// block is how many bytes Apply combines from every source before moving
// on, so the destination block stays in the L1 cache.
const block = 4096

// Apply computes BITOP op of srcs into dst, whose length must be the
// longest source's: shorter sources read as zeros past their end. Not takes
// exactly one source. The first two sources are combined in one pass
// (dst = a op b), the others into dst in place.
func Apply(op Op, dst []byte, srcs [][]byte) {
	for off := 0; off < len(dst); off += block {
		d := dst[off:min(off+block, len(dst))]
		a := segment(srcs[0], off, len(d))
		if op == Not {
			combine(Not, d[:len(a)], a, nil)
			for i := len(a); i < len(d); i++ {
				d[i] = 0xff // missing bytes read as zeros
			}
			continue
		}
		rest := srcs[1:]
		if len(rest) == 0 {
			clear(d[copy(d, a):])
			continue
		}
		b := segment(rest[0], off, len(d))
		rest = rest[1:]
		k := min(len(a), len(b))
		combine(op, d[:k], a[:k], b[:k])
		switch {
		case op == And:
			clear(d[k:])
		case len(a) > k:
			clear(d[k+copy(d[k:], a[k:]):])
		default:
			clear(d[k+copy(d[k:], b[k:]):])
		}
		for _, s := range rest {
			s = segment(s, off, len(d))
			combine(op, d[:len(s)], d[:len(s)], s)
			if op == And {
				clear(d[len(s):])
			}
		}
	}
}

// combineWords is combine in portable Go, 64-bit words at a time.
func combineWords(op Op, d, a, b []byte) {
	switch op {
	case And:
		andWords(d, a, b)
	case Or:
		orWords(d, a, b)
	case Xor:
		xorWords(d, a, b)
	case Not:
		notWords(d, a)
	}
}

// segment is src[off:off+n], cut to what src has.
func segment(src []byte, off, n int) []byte {
	if off >= len(src) {
		return nil
	}
	return src[off:min(off+n, len(src))]
}

func notWords(d, a []byte) {
	for len(d) >= 8 && len(a) >= 8 {
		binary.LittleEndian.PutUint64(d, ^binary.LittleEndian.Uint64(a))
		d, a = d[8:], a[8:]
	}
	for i := range d {
		d[i] = ^a[i]
	}
}

// andWords, orWords and xorWords set d = a op b, 32 bytes per step (d may
// be a).
func andWords(d, a, b []byte) {
	for len(d) >= 32 && len(a) >= 32 && len(b) >= 32 {
		binary.LittleEndian.PutUint64(d[0:8], binary.LittleEndian.Uint64(a[0:8])&binary.LittleEndian.Uint64(b[0:8]))
		binary.LittleEndian.PutUint64(d[8:16], binary.LittleEndian.Uint64(a[8:16])&binary.LittleEndian.Uint64(b[8:16]))
		binary.LittleEndian.PutUint64(d[16:24], binary.LittleEndian.Uint64(a[16:24])&binary.LittleEndian.Uint64(b[16:24]))
		binary.LittleEndian.PutUint64(d[24:32], binary.LittleEndian.Uint64(a[24:32])&binary.LittleEndian.Uint64(b[24:32]))
		d, a, b = d[32:], a[32:], b[32:]
	}
	for i := range d {
		d[i] = a[i] & b[i]
	}
}

func orWords(d, a, b []byte) {
	for len(d) >= 32 && len(a) >= 32 && len(b) >= 32 {
		binary.LittleEndian.PutUint64(d[0:8], binary.LittleEndian.Uint64(a[0:8])|binary.LittleEndian.Uint64(b[0:8]))
		binary.LittleEndian.PutUint64(d[8:16], binary.LittleEndian.Uint64(a[8:16])|binary.LittleEndian.Uint64(b[8:16]))
		binary.LittleEndian.PutUint64(d[16:24], binary.LittleEndian.Uint64(a[16:24])|binary.LittleEndian.Uint64(b[16:24]))
		binary.LittleEndian.PutUint64(d[24:32], binary.LittleEndian.Uint64(a[24:32])|binary.LittleEndian.Uint64(b[24:32]))
		d, a, b = d[32:], a[32:], b[32:]
	}
	for i := range d {
		d[i] = a[i] | b[i]
	}
}

func xorWords(d, a, b []byte) {
	for len(d) >= 32 && len(a) >= 32 && len(b) >= 32 {
		binary.LittleEndian.PutUint64(d[0:8], binary.LittleEndian.Uint64(a[0:8])^binary.LittleEndian.Uint64(b[0:8]))
		binary.LittleEndian.PutUint64(d[8:16], binary.LittleEndian.Uint64(a[8:16])^binary.LittleEndian.Uint64(b[8:16]))
		binary.LittleEndian.PutUint64(d[16:24], binary.LittleEndian.Uint64(a[16:24])^binary.LittleEndian.Uint64(b[16:24]))
		binary.LittleEndian.PutUint64(d[24:32], binary.LittleEndian.Uint64(a[24:32])^binary.LittleEndian.Uint64(b[24:32]))
		d, a, b = d[32:], a[32:], b[32:]
	}
	for i := range d {
		d[i] = a[i] ^ b[i]
	}
}
