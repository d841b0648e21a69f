package set

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
)

// intset is Valkey's intset: distinct integers sorted ascending, packed at
// the smallest width (2, 4 or 8 bytes, little endian) that holds them all.
// Adding a value that needs a wider width upgrades every element.
type intset struct {
	width uint8 // 2, 4 or 8 (0 for an empty set never written to)
	n     int
	b     []byte
}

func widthFor(v int64) uint8 {
	switch {
	case v >= math.MinInt16 && v <= math.MaxInt16:
		return 2
	case v >= math.MinInt32 && v <= math.MaxInt32:
		return 4
	}
	return 8
}

func (is *intset) get(i int) int64 {
	switch is.width {
	case 2:
		return int64(int16(binary.LittleEndian.Uint16(is.b[2*i:])))
	case 4:
		return int64(int32(binary.LittleEndian.Uint32(is.b[4*i:])))
	}
	return int64(binary.LittleEndian.Uint64(is.b[8*i:]))
}

func (is *intset) set(i int, v int64) {
	switch is.width {
	case 2:
		binary.LittleEndian.PutUint16(is.b[2*i:], uint16(v))
	case 4:
		binary.LittleEndian.PutUint32(is.b[4*i:], uint32(v))
	default:
		binary.LittleEndian.PutUint64(is.b[8*i:], uint64(v))
	}
}

// search returns v's index, or where it would be inserted.
func (is *intset) search(v int64) (int, bool) {
	if is.n == 0 || is.width < widthFor(v) {
		// Too wide to be present: it goes first (negative) or last.
		if is.n > 0 && v < 0 {
			return 0, false
		}
		return is.n, false
	}
	lo, hi := 0, is.n
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if is.get(mid) < v {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo, lo < is.n && is.get(lo) == v
}

func (is *intset) contains(v int64) bool {
	_, ok := is.search(v)
	return ok
}

func (is *intset) add(v int64) bool {
	if w := widthFor(v); w > is.width {
		is.upgrade(w)
	}
	i, ok := is.search(v)
	if ok {
		return false
	}
	w := int(is.width)
	is.b = append(is.b, make([]byte, w)...)
	copy(is.b[(i+1)*w:], is.b[i*w:is.n*w])
	is.n++
	is.set(i, v)
	return true
}

func (is *intset) upgrade(w uint8) {
	old := *is
	is.width = w
	is.b = make([]byte, is.n*int(w), (is.n+1)*int(w))
	for i := 0; i < is.n; i++ {
		is.set(i, old.get(i))
	}
}

func (is *intset) remove(v int64) bool {
	i, ok := is.search(v)
	if !ok {
		return false
	}
	w := int(is.width)
	copy(is.b[i*w:], is.b[(i+1)*w:])
	is.b = is.b[:(is.n-1)*w]
	is.n--
	return true
}

func (is *intset) min() int64 { return is.get(0) }
func (is *intset) max() int64 { return is.get(is.n - 1) }

func (is *intset) random(r *rand.Rand) int64 { return is.get(r.IntN(is.n)) }

func (is *intset) clone() intset {
	c := *is
	c.b = append([]byte(nil), is.b...)
	return c
}

// blobLen is the size of Valkey's intset blob: 8 header bytes + contents.
func (is *intset) blobLen() int { return 8 + is.n*int(max(is.width, 2)) }
