package hll

import "strconv"

// Sparse representation: opcodes from byte HeaderSize to the end of the
// string (see doc.go). Readers walk the opcodes keeping the index of the
// first register the current opcode covers; a run that would pass register
// 16384, or a walk that does not end exactly there, is corruption.
//
// An XZERO opcode cut by the end of the string reads its second byte past
// the end: Valkey reads the string's NUL terminator there, which one of its
// own updates can overwrite (splitting a cut XZERO writes one byte past the
// new end). Working buffers model that byte: for a slice with room beyond
// its length, s[:cap(s)][len(s)] is the terminator, and the updates below
// write it as Valkey does, so a command that reads it again sees what
// Valkey sees. Stored values have a zero there: read-only entry points cap
// their argument (s[:len(s):len(s)]) so nothing past it is ever read.

// byteAt is s[i], reading up to the slice's capacity, 0 past it.
func byteAt(s []byte, i int) byte {
	if i < cap(s) {
		return s[:i+1][i]
	}
	return 0
}

// Clone returns a working copy of the sparse or dense value v for Add and
// SetRegister, in dst's array when it is large enough, with room for the
// terminator byte (zero).
func Clone(dst, v []byte) []byte {
	dst = append(append(dst[:0], v...), 0)
	return dst[:len(v)]
}

// capped is s without room past its length.
func capped(s []byte) []byte { return s[:len(s):len(s)] }

// opSpan decodes the opcode at s[p]: the registers it covers and its size.
func opSpan(s []byte, p int) (span, size int) {
	op := s[p]
	switch {
	case op&0xc0 == 0: // ZERO
		return int(op&0x3f) + 1, 1
	case op&opVal != 0: // VAL
		return int(op&3) + 1, 1
	default: // XZERO
		return (int(op&0x3f)<<8 | int(byteAt(s, p+1))) + 1, 2
	}
}

func isVal(op byte) bool   { return op&opVal != 0 }
func valValue(op byte) int { return int(op>>2&0x1f) + 1 }
func valLen(op byte) int   { return int(op&3) + 1 }

func valOp(v, n int) byte { return byte((v-1)<<2|(n-1)) | opVal }

// putZeros writes a run of n zero registers as ZERO (n <= 64) or XZERO.
func putZeros(dst []byte, n int) int {
	if n > sparseZeroRun {
		dst[0] = opXZero | byte((n-1)>>8)
		dst[1] = byte(n - 1)
		return 2
	}
	dst[0] = byte(n - 1)
	return 1
}

// walkSparse calls fn(first, n, val) for every run of the sparse value s
// and reports whether the runs cover exactly the 16384 registers. It stops
// at the first run that would overflow.
func walkSparse(s []byte, fn func(first, n, val int)) bool {
	idx := 0
	for p := HeaderSize; p < len(s); {
		span, size := opSpan(s, p)
		if idx+span > Registers {
			return false
		}
		val := 0
		if isVal(s[p]) {
			val = valValue(s[p])
		}
		if fn != nil {
			fn(idx, span, val)
		}
		idx += span
		p += size
	}
	return idx == Registers
}

// sparseHisto adds the sparse registers of s to hist; false if corrupted.
func sparseHisto(s []byte, hist *[64]int) bool {
	idx := 0
	for p := HeaderSize; p < len(s); {
		span, size := opSpan(s, p)
		if idx+span > Registers {
			return false
		}
		if isVal(s[p]) {
			hist[valValue(s[p])] += span
		} else {
			hist[0] += span
		}
		idx += span
		p += size
	}
	return idx == Registers
}

// sparseToDense returns the dense form of the sparse value s (a new
// slice): the header is kept, cached cardinality included, with the
// encoding byte changed.
func sparseToDense(s []byte) ([]byte, error) {
	d := make([]byte, DenseSize)
	copy(d, s[:HeaderSize])
	d[4] = Dense
	regs := d[HeaderSize:]
	ok := walkSparse(s, func(first, n, val int) {
		if val != 0 {
			for i := first; i < first+n; i++ {
				denseSet(regs, i, uint8(val))
			}
		}
	})
	if !ok {
		return nil, ErrInvalid
	}
	return d, nil
}

// ToDense returns v in the dense encoding: v itself when already dense, a
// new value (the header kept) for a sparse one.
func ToDense(v []byte) ([]byte, error) {
	if v[4] == Dense {
		return v, nil
	}
	return sparseToDense(capped(v))
}

// sparseSet raises register index of the sparse value s to count, splitting
// the opcode that covers it and merging equal VAL neighbours the way Valkey
// does, so the bytes come out identical. See SetRegister for the contract.
func sparseSet(s []byte, index int, count uint8, maxSparse int) ([]byte, bool, error) {
	if count > sparseValMax {
		return promote(s, index, count)
	}

	// Find the opcode covering index: p, its first register, its span,
	// and the opcode before it (prev, -1 for none).
	end := len(s)
	p, first, span, size, prev := HeaderSize, 0, 0, 0, -1
	for p < end {
		span, size = opSpan(s, p)
		if index <= first+span-1 {
			break
		}
		prev = p
		p += size
		first += span
	}
	if span == 0 || p >= end {
		return s, false, ErrInvalid
	}

	op := s[p]
	xzero := op&0xc0 == opXZero
	switch {
	case isVal(op) && valValue(op) >= int(count):
		return s, false, nil // already as high
	case span == 1 && !xzero:
		// A one-register VAL or ZERO is rewritten in place.
		s[p] = valOp(int(count), 1)
		return mergeVals(s, prev), true, nil
	}

	// Split the opcode into up to three: before, the register, after.
	var seq [5]byte
	n := 0
	last := first + span - 1
	if isVal(op) {
		cur := valValue(op)
		if index != first {
			seq[n] = valOp(cur, index-first)
			n++
		}
		seq[n] = valOp(int(count), 1)
		n++
		if index != last {
			seq[n] = valOp(cur, last-index)
			n++
		}
	} else {
		if index != first {
			n += putZeros(seq[n:], index-first)
		}
		seq[n] = valOp(int(count), 1)
		n++
		if index != last {
			n += putZeros(seq[n:], last-index)
		}
	}

	delta := n - size
	if delta > 0 && end+delta > maxSparse {
		return promote(s, index, count)
	}
	next := p + size
	newLen := end + delta
	buf := s[:cap(s)]
	if need := max(end, newLen) + 1; len(buf) < need {
		buf = append(buf, make([]byte, need-len(buf))...)
		buf = buf[:cap(buf)]
	}
	if next < end && delta != 0 {
		copy(buf[next+delta:], buf[next:end])
	}
	buf[newLen] = 0 // the terminator, as sdsIncrLen writes it
	// The sequence replaces the opcode; when that was an XZERO cut by the
	// end (next > end), its last byte lands on the terminator, as in Valkey.
	copy(buf[p:], seq[:n])
	return mergeVals(buf[:newLen], prev), true, nil
}

// mergeVals joins adjacent VAL opcodes of equal value whose runs fit one
// opcode, scanning at most five opcodes from prev (or the first opcode),
// then marks the cached cardinality stale.
func mergeVals(s []byte, prev int) []byte {
	p := prev
	if p < 0 {
		p = HeaderSize
	}
	end := len(s)
	for scan := 5; p < end && scan > 0; {
		scan--
		op := s[p]
		switch {
		case op&0xc0 == opXZero:
			p += 2
			continue
		case op&0xc0 == 0:
			p++
			continue
		}
		if p+1 < end && isVal(s[p+1]) && valValue(op) == valValue(s[p+1]) {
			if n := valLen(op) + valLen(s[p+1]); n <= sparseValRun {
				s[p+1] = valOp(valValue(op), n)
				copy(s[p:], s[p+1:end])
				end--
				s = s[:end]
				s[:end+1][end] = 0 // the terminator
				continue           // try the merged opcode against its right neighbour
			}
		}
		p++
	}
	Invalidate(s)
	return s
}

// promote converts s to dense and sets the register there.
func promote(s []byte, index int, count uint8) ([]byte, bool, error) {
	d, err := sparseToDense(s)
	if err != nil {
		return s, false, err
	}
	denseSet(d[HeaderSize:], index, count)
	return d, true, nil
}

// Decode is PFDEBUG DECODE of a sparse value: its opcodes as "z:N"
// (ZERO), "Z:N" (XZERO) and "v:VAL,N", space-separated. Corrupted runs are
// printed as they are.
func Decode(s []byte) []byte {
	s = capped(s)
	var out []byte
	for p := HeaderSize; p < len(s); {
		span, size := opSpan(s, p)
		if len(out) > 0 {
			out = append(out, ' ')
		}
		switch op := s[p]; {
		case isVal(op):
			out = append(out, "v:"...)
			out = strconv.AppendInt(out, int64(valValue(op)), 10)
			out = append(out, ',')
		case size == 2:
			out = append(out, "Z:"...)
		default:
			out = append(out, "z:"...)
		}
		out = strconv.AppendInt(out, int64(span), 10)
		p += size
	}
	if out == nil {
		out = []byte{}
	}
	return out
}
