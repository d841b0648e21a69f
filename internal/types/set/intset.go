package set

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
)

// The intset encoding is Valkey's intset: distinct integers sorted
// ascending, packed little endian at the smallest width (2, 4 or 8 bytes)
// that holds them all, in Set.b with the width in Set.width. Adding a
// value that needs a wider width upgrades every element.

func widthFor(v int64) uint8 {
	switch {
	case v >= math.MinInt16 && v <= math.MaxInt16:
		return 2
	case v >= math.MinInt32 && v <= math.MaxInt32:
		return 4
	}
	return 8
}

func (s *Set) isLen() int {
	if s.width == 0 {
		return 0
	}
	return len(s.b) / int(s.width)
}

func (s *Set) isGet(i int) int64 { return getWidth(s.b, s.width, i) }

func getWidth(b []byte, w uint8, i int) int64 {
	switch w {
	case 2:
		return int64(int16(binary.LittleEndian.Uint16(b[2*i:])))
	case 4:
		return int64(int32(binary.LittleEndian.Uint32(b[4*i:])))
	}
	return int64(binary.LittleEndian.Uint64(b[8*i:]))
}

func putWidth(b []byte, w uint8, i int, v int64) {
	switch w {
	case 2:
		binary.LittleEndian.PutUint16(b[2*i:], uint16(v))
	case 4:
		binary.LittleEndian.PutUint32(b[4*i:], uint32(v))
	default:
		binary.LittleEndian.PutUint64(b[8*i:], uint64(v))
	}
}

// isSearch returns v's index, or where it would be inserted.
func (s *Set) isSearch(v int64) (int, bool) {
	n := s.isLen()
	if n == 0 || s.width < widthFor(v) {
		// Too wide to be present: it goes first (negative) or last.
		if n > 0 && v < 0 {
			return 0, false
		}
		return n, false
	}
	lo, hi := 0, n
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if s.isGet(mid) < v {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo, lo < n && s.isGet(lo) == v
}

func (s *Set) isContains(v int64) bool {
	_, ok := s.isSearch(v)
	return ok
}

// isAdd inserts v, growing the packed array to exactly its new size.
func (s *Set) isAdd(v int64) bool {
	if w := widthFor(v); w > s.width {
		s.isUpgrade(w)
	}
	i, ok := s.isSearch(v)
	if ok {
		return false
	}
	w := int(s.width)
	n := s.isLen()
	nb := s.b
	if cap(nb) < (n+1)*w {
		nb = make([]byte, (n+1)*w)
		copy(nb, s.b[:i*w])
	} else {
		nb = nb[:(n+1)*w]
	}
	copy(nb[(i+1)*w:], s.b[i*w:n*w])
	s.b = nb
	putWidth(s.b, s.width, i, v)
	return true
}

func (s *Set) isUpgrade(w uint8) {
	n := s.isLen()
	nb := make([]byte, n*int(w), (n+1)*int(w))
	for i := 0; i < n; i++ {
		putWidth(nb, w, i, s.isGet(i))
	}
	s.b, s.width = nb, w
}

func (s *Set) isRemove(v int64) bool {
	i, ok := s.isSearch(v)
	if !ok {
		return false
	}
	w := int(s.width)
	copy(s.b[i*w:], s.b[(i+1)*w:])
	s.b = s.b[:len(s.b)-w]
	return true
}

func (s *Set) isMin() int64 { return s.isGet(0) }
func (s *Set) isMax() int64 { return s.isGet(s.isLen() - 1) }

func (s *Set) isRandom(r *rand.Rand) int64 { return s.isGet(r.IntN(s.isLen())) }

// isBlobLen is the size of Valkey's intset blob: 8 header bytes + contents.
func (s *Set) isBlobLen() int { return 8 + s.isLen()*int(max(s.width, 2)) }
