package hash

import (
	"encoding/binary"
	"errors"
)

// The packed encoding (OBJECT ENCODING "listpack"): one byte slice holding
// the pair count and the field/value pairs in insertion order, the count
// and every string's length as uvarints:
//
//	+-----------+---------------------------------------------------+
//	| count uv  | len f0 | f0 | len v0 | v0 | len f1 | f1 | ... | vN |
//	+-----------+---------------------------------------------------+
//
// Lookups are a linear scan, as Valkey's listpack: the encoding is only
// used below hash-max-listpack-entries pairs and hash-max-listpack-value
// bytes per string. New fields go to the tail, updates rewrite the value in
// place (shifting the tail when its length changes), deletes close the gap,
// so the order of the others never changes, as in Valkey. A small hash
// costs one byte of count and one byte per string on top of its data (a
// listpack costs two per string), and its slice is sized to the Go
// allocator's size classes so no capacity is hidden (growth.go).
//
// Invariants: the count matches the pairs present; every uvarint is
// canonical; no field appears twice. Packed hashes never carry field TTLs:
// a hash gets its first field TTL only after conversion to the table form,
// as Valkey converts before setting one.

// maxPackedBytes is Valkey's listpack safety limit (LISTPACK_MAX_SAFETY_SIZE):
// a packed hash that would grow past it is converted to the table form.
const maxPackedBytes = 1 << 30

// ErrCorrupt is returned by DecodePacked for bytes that are not a valid
// packed hash.
var ErrCorrupt = errors.New("hash: corrupt packed encoding")

func newPacked() []byte { return []byte{0} }

// pkHeader returns the pair count and the offset of the first pair.
func pkHeader(lp []byte) (count, start int) {
	if lp[0] < 0x80 {
		return int(lp[0]), 1
	}
	n, w := binary.Uvarint(lp)
	return int(n), w
}

func pkCount(lp []byte) int {
	n, _ := pkHeader(lp)
	return n
}

// pkFirst is the offset of the first pair.
func pkFirst(lp []byte) int {
	_, start := pkHeader(lp)
	return start
}

// pkSetCount rewrites the count, shifting the pairs when its width
// changes (at 128, 16384, ... pairs).
func pkSetCount(lp []byte, n int) []byte {
	_, old := pkHeader(lp)
	w := uvarintLen(n)
	if w != old {
		if w > old {
			lp = growTo(lp, w-old)
			lp = lp[:len(lp)+w-old]
			copy(lp[w:], lp[old:len(lp)-(w-old)])
		} else {
			copy(lp[w:], lp[old:])
			lp = lp[:len(lp)-(old-w)]
		}
	}
	binary.PutUvarint(lp, uint64(n))
	return lp
}

// pkString reads the length-prefixed string at off, returning it and the
// offset after it. The encoding is trusted (built by this package or
// checked by DecodePacked).
func pkString(lp []byte, off int) ([]byte, int) {
	n, w := binary.Uvarint(lp[off:])
	start := off + w
	end := start + int(n)
	return lp[start:end:end], end
}

// pkFind locates field: the offset of its pair, of its value's length
// prefix and of the end of the pair.
func pkFind(lp, field []byte) (pair, val, end int, ok bool) {
	n, off := pkHeader(lp)
	for i := 0; i < n; i++ {
		// Inline the length read: this loop is the hot path of small hashes.
		l, w := binary.Uvarint(lp[off:])
		fs := off + w
		fe := fs + int(l)
		vl, vw := binary.Uvarint(lp[fe:])
		ve := fe + vw + int(vl)
		if int(l) == len(field) && string(lp[fs:fe]) == string(field) {
			return off, fe, ve, true
		}
		off = ve
	}
	return 0, 0, 0, false
}

// growTo returns b with room for n more bytes. Below 1 KiB the new
// capacity is need rounded up to the allocator's size class (growth.go):
// the classes there are 16 to 128 bytes apart, about one field, so slack
// would cost memory without saving reallocations. Above, capacity grows by
// an eighth beyond need, so that a big packed hash (high
// hash-max-listpack-entries) does not copy quadratically. Valkey's
// listpack reallocates exactly.
func growTo(b []byte, n int) []byte {
	need := len(b) + n
	if need <= cap(b) {
		return b
	}
	if need >= 1024 {
		need += need / 8
	}
	nb := make([]byte, len(b), allocSize(need))
	copy(nb, b)
	return nb
}

// reserve makes room for exactly n more bytes (rounded to the size class),
// for a write whose size is known in advance.
func reserve(b []byte, n int) []byte {
	need := len(b) + n
	if need <= cap(b) {
		return b
	}
	nb := make([]byte, len(b), allocSize(need))
	copy(nb, b)
	return nb
}

func appendString(b, s []byte) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func uvarintLen(n int) int {
	l := 1
	for n >= 0x80 {
		n >>= 7
		l++
	}
	return l
}

// pkAppend adds a new pair at the tail.
func pkAppend(lp, field, value []byte) []byte {
	lp = growTo(lp, uvarintLen(len(field))+len(field)+uvarintLen(len(value))+len(value))
	lp = appendString(lp, field)
	lp = appendString(lp, value)
	return pkSetCount(lp, pkCount(lp)+1)
}

// pkReplace rewrites the value whose length prefix starts at val and whose
// pair ends at end.
func pkReplace(lp []byte, val, end int, value []byte) []byte {
	newLen := uvarintLen(len(value)) + len(value)
	oldLen := end - val
	if newLen != oldLen {
		delta := newLen - oldLen
		if delta > 0 {
			lp = growTo(lp, delta)
		}
		tailLen := len(lp) - end
		lp = lp[:len(lp)+delta]
		copy(lp[end+delta:], lp[end:end+tailLen])
	}
	w := binary.PutUvarint(lp[val:], uint64(len(value)))
	copy(lp[val+w:], value)
	return lp
}

// pkDelete removes the pair spanning [pair, end).
func pkDelete(lp []byte, pair, end int) []byte {
	n := copy(lp[pair:], lp[end:])
	lp = lp[:pair+n]
	lp = pkSetCount(lp, pkCount(lp)-1)
	if cap(lp) > 64 && len(lp) < cap(lp)/2 {
		lp = append(make([]byte, 0, allocSize(len(lp)+len(lp)/8)), lp...)
	}
	return lp
}

// pkRange calls fn for each pair in order until it returns false.
func pkRange(lp []byte, fn func(f, v []byte) bool) {
	n, off := pkHeader(lp)
	for i := 0; i < n; i++ {
		var f, v []byte
		f, off = pkString(lp, off)
		v, off = pkString(lp, off)
		if !fn(f, v) {
			return
		}
	}
}

// pkAt returns the i-th pair (0-based), scanning from the start.
func pkAt(lp []byte, i int) (f, v []byte) {
	off := pkFirst(lp)
	for ; i > 0; i-- {
		_, off = pkString(lp, off)
		_, off = pkString(lp, off)
	}
	f, off = pkString(lp, off)
	v, _ = pkString(lp, off)
	return f, v
}

// DecodePacked checks that b is a valid packed hash (as produced by
// EncodePacked) and returns a hash holding a copy of it. Any byte sequence
// is safe to pass: the decoder never reads out of bounds and rejects
// truncated or over-long strings, trailing bytes, non-canonical lengths
// and duplicate fields.
func DecodePacked(b []byte) (*Hash, error) {
	if len(b) == 0 || len(b) > maxPackedBytes {
		return nil, ErrCorrupt
	}
	cnt, w := binary.Uvarint(b)
	if w <= 0 || cnt > uint64(len(b)) || w != uvarintLen(int(cnt)) {
		return nil, ErrCorrupt
	}
	n := int(cnt)
	off := w
	seen := make(map[string]struct{}, min(n, 1024))
	for i := 0; i < 2*n; i++ {
		if off >= len(b) {
			return nil, ErrCorrupt
		}
		l, w := binary.Uvarint(b[off:])
		if w <= 0 || l > uint64(len(b)-off-w) || w != uvarintLen(int(l)) {
			return nil, ErrCorrupt
		}
		s := b[off+w : off+w+int(l)]
		off += w + int(l)
		if i%2 == 0 {
			if _, dup := seen[string(s)]; dup {
				return nil, ErrCorrupt
			}
			seen[string(s)] = struct{}{}
		}
	}
	if off != len(b) {
		return nil, ErrCorrupt
	}
	lp := append(make([]byte, 0, allocSize(len(b))), b...)
	return &Hash{lp: lp}, nil
}

// EncodePacked returns the packed encoding of a packed hash (a copy), or
// nil for a hash in the table form.
func (h *Hash) EncodePacked() []byte {
	if h.t != nil {
		return nil
	}
	return append([]byte(nil), h.lp...)
}
