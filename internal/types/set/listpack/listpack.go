package listpack

import (
	"encoding/binary"
	"errors"
	"strconv"

	"petrel/internal/num"
)

const (
	hdrSize = 6
	eof     = 0xFF
	// unknownCount is the header count meaning "count by walking".
	unknownCount = 0xFFFF
	// MaxSafeSize is the size a listpack never grows past (1 GiB).
	MaxSafeSize = 1 << 30
)

// New returns an empty listpack.
func New() []byte { return NewCap(0) }

// NewCap returns an empty listpack with room for capacity bytes.
func NewCap(capacity int) []byte {
	lp := make([]byte, hdrSize+1, max(capacity, hdrSize+1))
	binary.LittleEndian.PutUint32(lp, hdrSize+1)
	lp[hdrSize] = eof
	return lp
}

// SafeToAdd reports whether add more bytes keep lp under MaxSafeSize
// (lp may be nil).
func SafeToAdd(lp []byte, add int) bool { return len(lp)+add <= MaxSafeSize }

// Len is the number of entries.
func Len(lp []byte) int {
	if n := int(binary.LittleEndian.Uint16(lp[4:])); n != unknownCount {
		return n
	}
	n := 0
	for p := First(lp); p >= 0; p = Next(lp, p) {
		n++
	}
	return n
}

func setLen(lp []byte, n int) {
	if n >= unknownCount {
		n = unknownCount
	}
	binary.LittleEndian.PutUint16(lp[4:], uint16(n))
}

func setTotal(lp []byte) { binary.LittleEndian.PutUint32(lp, uint32(len(lp))) }

// First is the position of the first entry, or -1 when empty.
func First(lp []byte) int {
	if lp[hdrSize] == eof {
		return -1
	}
	return hdrSize
}

// Last is the position of the last entry, or -1 when empty.
func Last(lp []byte) int {
	if lp[hdrSize] == eof {
		return -1
	}
	return Prev(lp, len(lp)-1)
}

// Next is the position after p, or -1 at the end.
func Next(lp []byte, p int) int {
	n := entrySize(lp[p:])
	p += n + backlenSize(n)
	if lp[p] == eof {
		return -1
	}
	return p
}

// Prev is the position before p (p may be the EOF byte's offset), or -1 at
// the start.
func Prev(lp []byte, p int) int {
	if p == hdrSize {
		return -1
	}
	q := p - 1
	var v, shift uint64
	for {
		v |= uint64(lp[q]&127) << shift
		if lp[q]&128 == 0 {
			break
		}
		shift += 7
		q--
	}
	return p - int(v) - backlenSize(int(v))
}

// Seek is the position of entry i (negative counts from the end), or -1.
func Seek(lp []byte, i int) int {
	n := Len(lp)
	if i < 0 {
		i += n
	}
	if i < 0 || i >= n {
		return -1
	}
	if i > n/2 {
		p := Last(lp)
		for j := n - 1; j > i; j-- {
			p = Prev(lp, p)
		}
		return p
	}
	p := First(lp)
	for j := 0; j < i; j++ {
		p = Next(lp, p)
	}
	return p
}

// entrySize is the size of the entry at b[0] without its backlen.
func entrySize(b []byte) int {
	c := b[0]
	switch {
	case c&0x80 == 0:
		return 1
	case c&0xC0 == 0x80:
		return 1 + int(c&0x3F)
	case c&0xE0 == 0xC0:
		return 2
	case c&0xF0 == 0xE0:
		return 2 + (int(c&0xF)<<8 | int(b[1]))
	case c == 0xF1:
		return 3
	case c == 0xF2:
		return 4
	case c == 0xF3:
		return 5
	case c == 0xF4:
		return 9
	case c == 0xF0:
		return 5 + int(binary.LittleEndian.Uint32(b[1:]))
	}
	return 1 // EOF
}

// backlenSize is the number of bytes the backlen of an entry of n bytes takes.
func backlenSize(n int) int {
	switch {
	case n <= 127:
		return 1
	case n < 16383:
		return 2
	case n < 2097151:
		return 3
	case n < 268435455:
		return 4
	}
	return 5
}

func putBacklen(b []byte, n int) {
	l := uint64(n)
	switch backlenSize(n) {
	case 1:
		b[0] = byte(l)
	case 2:
		b[0] = byte(l >> 7)
		b[1] = byte(l&127) | 128
	case 3:
		b[0] = byte(l >> 14)
		b[1] = byte((l>>7)&127) | 128
		b[2] = byte(l&127) | 128
	case 4:
		b[0] = byte(l >> 21)
		b[1] = byte((l>>14)&127) | 128
		b[2] = byte((l>>7)&127) | 128
		b[3] = byte(l&127) | 128
	default:
		b[0] = byte(l >> 28)
		b[1] = byte((l>>21)&127) | 128
		b[2] = byte((l>>14)&127) | 128
		b[3] = byte((l>>7)&127) | 128
		b[4] = byte(l&127) | 128
	}
}

// Get returns the entry at p: a string (s non-nil, aliasing lp) or an
// integer (isInt true, s nil).
func Get(lp []byte, p int) (s []byte, v int64, isInt bool) {
	b := lp[p:]
	c := b[0]
	switch {
	case c&0x80 == 0:
		return nil, int64(c), true
	case c&0xC0 == 0x80:
		n := int(c & 0x3F)
		return b[1 : 1+n : 1+n], 0, false
	case c&0xE0 == 0xC0:
		u := uint64(c&0x1F)<<8 | uint64(b[1])
		return nil, signExtend(u, 13), true
	case c&0xF0 == 0xE0:
		n := int(c&0xF)<<8 | int(b[1])
		return b[2 : 2+n : 2+n], 0, false
	case c == 0xF1:
		return nil, int64(int16(binary.LittleEndian.Uint16(b[1:]))), true
	case c == 0xF2:
		u := uint64(b[1]) | uint64(b[2])<<8 | uint64(b[3])<<16
		return nil, signExtend(u, 24), true
	case c == 0xF3:
		return nil, int64(int32(binary.LittleEndian.Uint32(b[1:]))), true
	case c == 0xF4:
		return nil, int64(binary.LittleEndian.Uint64(b[1:])), true
	case c == 0xF0:
		n := int(binary.LittleEndian.Uint32(b[1:]))
		return b[5 : 5+n : 5+n], 0, false
	}
	return nil, 0, false
}

func signExtend(u uint64, bits uint) int64 {
	shift := 64 - bits
	return int64(u<<shift) >> shift
}

// GetBytes returns the entry at p as bytes, formatting integers into buf.
func GetBytes(lp []byte, p int, buf []byte) []byte {
	s, v, isInt := Get(lp, p)
	if isInt {
		return strconv.AppendInt(buf[:0], v, 10)
	}
	return s
}

// encodeInt appends the integer encoding of v.
func encodeInt(dst []byte, v int64) []byte {
	switch {
	case v >= 0 && v <= 127:
		return append(dst, byte(v))
	case v >= -4096 && v <= 4095:
		u := uint64(v) & (1<<13 - 1)
		return append(dst, byte(u>>8)|0xC0, byte(u))
	case v >= -32768 && v <= 32767:
		u := uint16(v)
		return append(dst, 0xF1, byte(u), byte(u>>8))
	case v >= -8388608 && v <= 8388607:
		u := uint32(v)
		return append(dst, 0xF2, byte(u), byte(u>>8), byte(u>>16))
	case v >= -2147483648 && v <= 2147483647:
		u := uint32(v)
		return append(dst, 0xF3, byte(u), byte(u>>8), byte(u>>16), byte(u>>24))
	}
	u := uint64(v)
	return append(dst, 0xF4, byte(u), byte(u>>8), byte(u>>16), byte(u>>24),
		byte(u>>32), byte(u>>40), byte(u>>48), byte(u>>56))
}

// encodedSize is the size of s's entry without backlen, and its integer
// value when s is stored as an integer.
func encodedSize(s []byte) (n int, v int64, isInt bool) {
	if v, ok := num.ParseInt(s); ok {
		return intSize(v), v, true
	}
	switch {
	case len(s) < 64:
		return 1 + len(s), 0, false
	case len(s) < 4096:
		return 2 + len(s), 0, false
	}
	return 5 + len(s), 0, false
}

func intSize(v int64) int {
	switch {
	case v >= 0 && v <= 127:
		return 1
	case v >= -4096 && v <= 4095:
		return 2
	case v >= -32768 && v <= 32767:
		return 3
	case v >= -8388608 && v <= 8388607:
		return 4
	case v >= -2147483648 && v <= 2147483647:
		return 5
	}
	return 9
}

// EntrySize is the bytes an entry holding s takes (backlen included).
func EntrySize(s []byte) int {
	n, _, _ := encodedSize(s)
	return n + backlenSize(n)
}

// IntEntrySize is the bytes an entry holding the integer v takes.
func IntEntrySize(v int64) int {
	n := intSize(v)
	return n + backlenSize(n)
}

func encodeString(dst, s []byte) []byte {
	switch n := len(s); {
	case n < 64:
		dst = append(dst, byte(n)|0x80)
	case n < 4096:
		dst = append(dst, byte(n>>8)|0xE0, byte(n))
	default:
		dst = append(dst, 0xF0, byte(n), byte(n>>8), byte(n>>16), byte(n>>24))
	}
	return append(dst, s...)
}

// appendEntry appends the entry for s (or the integer v when isInt) with
// its backlen.
func appendEntry(dst, s []byte, v int64, isInt bool) []byte {
	start := len(dst)
	if isInt {
		dst = encodeInt(dst, v)
	} else {
		dst = encodeString(dst, s)
	}
	n := len(dst) - start
	var bl [5]byte
	putBacklen(bl[:], n)
	return append(dst, bl[:backlenSize(n)]...)
}

// insertAt inserts an encoded entry at byte offset at.
func insertAt(lp []byte, at int, s []byte, v int64, isInt bool) []byte {
	var tmp [16]byte
	var ent []byte
	if isInt {
		ent = appendEntry(tmp[:0], nil, v, true)
	} else {
		n, iv, asInt := encodedSize(s)
		if asInt {
			ent = appendEntry(tmp[:0], nil, iv, true)
		} else {
			ent = make([]byte, 0, n+5)
			ent = appendEntry(ent, s, 0, false)
		}
	}
	cnt := Len(lp)
	old := len(lp)
	if need := old + len(ent); need > cap(lp) {
		// Grow to the size needed (small listpacks stay exact, as
		// Valkey's realloc keeps them), with 1/8 slack past 256 bytes so
		// that building a large one is not quadratic.
		nb := make([]byte, need, need+need/8*boolInt(need > 256))
		copy(nb, lp[:at])
		copy(nb[at+len(ent):], lp[at:old])
		lp = nb
	} else {
		lp = lp[:need]
		copy(lp[at+len(ent):], lp[at:old])
	}
	copy(lp[at:], ent)
	setTotal(lp)
	setLen(lp, cnt+1)
	return lp
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Append adds s at the end (as an integer when it is one).
func Append(lp, s []byte) []byte { return insertAt(lp, len(lp)-1, s, 0, false) }

// AppendInt adds the integer v at the end.
func AppendInt(lp []byte, v int64) []byte { return insertAt(lp, len(lp)-1, nil, v, true) }

// Insert adds s before the entry at p (p == len(lp)-1, the EOF offset,
// appends). It returns the listpack and the position of the new entry.
func Insert(lp []byte, p int, s []byte) ([]byte, int) { return insertAt(lp, p, s, 0, false), p }

// InsertInt adds the integer v before the entry at p.
func InsertInt(lp []byte, p int, v int64) ([]byte, int) { return insertAt(lp, p, nil, v, true), p }

// End is the offset of the EOF byte: Insert there appends.
func End(lp []byte) int { return len(lp) - 1 }

// Delete removes n entries starting at p. Entries after them shift left:
// the returned listpack's position p is the entry that followed (or EOF).
func Delete(lp []byte, p, n int) []byte {
	q := p
	removed := 0
	for ; removed < n && lp[q] != eof; removed++ {
		sz := entrySize(lp[q:])
		q += sz + backlenSize(sz)
	}
	cnt := Len(lp)
	copy(lp[p:], lp[q:])
	lp = lp[:len(lp)-(q-p)]
	if slack := cap(lp) - len(lp); slack > 64 && slack > len(lp)/4 {
		lp = append(make([]byte, 0, len(lp)), lp...)
	}
	setTotal(lp)
	setLen(lp, cnt-removed)
	return lp
}

// Matcher compares entries with one search string, parsing it as an
// integer once.
type Matcher struct {
	s     []byte
	v     int64
	isInt bool
}

// NewMatcher prepares a search for s.
func NewMatcher(s []byte) Matcher {
	v, ok := num.ParseInt(s)
	return Matcher{s: s, v: v, isInt: ok}
}

// Match reports whether the entry at p equals the search string.
func (m *Matcher) Match(lp []byte, p int) bool {
	c := lp[p]
	if c&0xC0 == 0x80 { // 6-bit string: the common case, inline
		n := int(c & 0x3F)
		return !m.isInt && n == len(m.s) && string(lp[p+1:p+1+n]) == string(m.s)
	}
	s, v, isInt := Get(lp, p)
	if isInt {
		return m.isInt && v == m.v
	}
	return !m.isInt && string(s) == string(m.s)
}

// Find returns the first entry from p on (stepping skip entries between
// comparisons, as lpFind: skip 1 compares every other entry) equal to s,
// or -1.
func Find(lp []byte, p int, s []byte, skip int) int {
	m := NewMatcher(s)
	for p >= 0 {
		if m.Match(lp, p) {
			return p
		}
		p = Next(lp, p)
		for i := 0; i < skip && p >= 0; i++ {
			p = Next(lp, p)
		}
	}
	return -1
}

// ErrCorrupt reports listpack bytes that fail validation.
var ErrCorrupt = errors.New("listpack: corrupt")

// Validate checks that b is a well-formed listpack: header total matches,
// every entry's encoding and backlen are consistent and within bounds, the
// count matches (unless unknown), and it ends with EOF.
func Validate(b []byte) error {
	if len(b) < hdrSize+1 || int(binary.LittleEndian.Uint32(b)) != len(b) || b[len(b)-1] != eof {
		return ErrCorrupt
	}
	p, n := hdrSize, 0
	for b[p] != eof {
		sz, ok := safeEntrySize(b[p : len(b)-1])
		if !ok {
			return ErrCorrupt
		}
		bl := backlenSize(sz)
		if p+sz+bl > len(b)-1 {
			return ErrCorrupt
		}
		// The backlen must decode to sz.
		q := p + sz + bl - 1
		var v, shift uint64
		for i := 0; ; i++ {
			if i >= bl {
				return ErrCorrupt
			}
			v |= uint64(b[q]&127) << shift
			if b[q]&128 == 0 {
				break
			}
			shift += 7
			q--
		}
		if int(v) != sz || q != p+sz {
			return ErrCorrupt
		}
		p += sz + bl
		n++
	}
	if p != len(b)-1 {
		return ErrCorrupt
	}
	if c := int(binary.LittleEndian.Uint16(b[4:])); c != unknownCount && c != n {
		return ErrCorrupt
	}
	return nil
}

// safeEntrySize is entrySize with bounds checks against b.
func safeEntrySize(b []byte) (int, bool) {
	if len(b) == 0 {
		return 0, false
	}
	c := b[0]
	need := 1
	switch {
	case c&0xF0 == 0xE0:
		need = 2
	case c == 0xF0:
		need = 5
	case c >= 0xF5 && c != eof:
		return 0, false
	}
	if len(b) < need {
		return 0, false
	}
	n := entrySize(b)
	if n <= 0 || n > len(b) {
		return 0, false
	}
	return n, true
}
