package list

import (
	"encoding/binary"

	"petrel/internal/num"
)

// The packed encoding of a small list is Valkey's listpack, byte for byte,
// so that the sizes Valkey's conversion rules look at (lpBytes) are the
// same here and RDB files store it as it is. A quicklist's nodes drop the
// backlens (densenode.go).
//
//	+--------+--------+---------+---------+-----+-----+
//	| total  | count  | entry 0 | entry 1 | ... | EOF |
//	| u32 LE | u16 LE |         |         |     | FF  |
//	+--------+--------+---------+---------+-----+-----+
//
//	entry = encoding [data] backlen
//
// The encoding byte says what follows:
//
//	0xxxxxxx                      7-bit unsigned integer
//	10xxxxxx + data               string of up to 63 bytes
//	110xxxxx yyyyyyyy             13-bit signed integer
//	1110xxxx yyyyyyyy + data      string of up to 4095 bytes
//	11110000 + u32 len + data     longer string
//	11110001..11110100 + int      16, 24, 32, 64-bit signed integer (LE)
//	11111111                      end of the listpack
//
// An element that is a canonical decimal int64 (Valkey's string2ll) is
// stored as an integer in the smallest form that holds it. backlen is the
// size of encoding+data written in 1..5 bytes of 7 bits, most significant
// group first, every byte but the first with its high bit set, so it can be
// read backwards from the byte before the next entry: that is what makes
// walking from the tail O(1) per step.
//
// count is the number of entries while below 65535; 65535 means "unknown,
// count them" (never reached by lists, whose nodes are bounded in bytes).
//
// Functions here take and return listpacks as []byte whose length is the
// total size; an entry is addressed by its byte offset. Offsets and slices
// returned stay valid until the listpack is modified.

const (
	lpHdrSize       = 6
	lpEOF           = 0xFF
	lpEmptySize     = lpHdrSize + 1
	lpNumeleUnknown = 65535
)

// lpNew returns an empty listpack with room for capacity bytes.
func lpNew(capacity int) []byte {
	return lpInit(make([]byte, lpEmptySize, max(capacity, lpEmptySize)))
}

// lpInit writes an empty listpack into b's first lpEmptySize bytes (b may
// hold old bytes) and returns it.
func lpInit(b []byte) []byte {
	lp := b[:lpEmptySize]
	binary.LittleEndian.PutUint32(lp, lpEmptySize)
	lp[4], lp[5] = 0, 0
	lp[lpHdrSize] = lpEOF
	return lp
}

func lpNumele(lp []byte) int { return int(binary.LittleEndian.Uint16(lp[4:])) }

// lpSetHeader writes the total size and the count, "unknown" from 65535
// up.
func lpSetHeader(lp []byte, numele int) {
	binary.LittleEndian.PutUint32(lp, uint32(len(lp)))
	binary.LittleEndian.PutUint16(lp[4:], uint16(min(numele, lpNumeleUnknown)))
}

// lpLength is the number of entries.
func lpLength(lp []byte) int {
	if n := lpNumele(lp); n != lpNumeleUnknown {
		return n
	}
	n := 0
	for p := lpFirst(lp); p >= 0; p = lpNext(lp, p) {
		n++
	}
	return n
}

// entryEnc is how an element is encoded: an integer form (ibuf[:ilen])
// or a string, and the size of encoding+data.
type entryEnc struct {
	isInt bool
	ilen  int
	ibuf  [9]byte
	size  int // encoding + data bytes, without backlen
}

// encodeElement chooses the encoding of v, as lpEncodeGetType.
func encodeElement(v []byte) (e entryEnc) {
	if n, ok := num.ParseInt(v); ok {
		e.isInt = true
		e.ilen = encodeInt(e.ibuf[:], n)
		e.size = e.ilen
		return e
	}
	switch l := len(v); {
	case l < 64:
		e.size = 1 + l
	case l < 4096:
		e.size = 2 + l
	default:
		e.size = 5 + l
	}
	return e
}

// encodeInt writes the smallest integer encoding of v into b.
func encodeInt(b []byte, v int64) int {
	switch {
	case v >= 0 && v <= 127:
		b[0] = byte(v)
		return 1
	case v >= -4096 && v <= 4095:
		u := uint64(v)
		if v < 0 {
			u = uint64(1<<13 + v)
		}
		b[0] = byte(u>>8) | 0xC0
		b[1] = byte(u)
		return 2
	case v >= -32768 && v <= 32767:
		b[0] = 0xF1
		binary.LittleEndian.PutUint16(b[1:], uint16(v))
		return 3
	case v >= -8388608 && v <= 8388607:
		u := uint32(v)
		b[0] = 0xF2
		b[1], b[2], b[3] = byte(u), byte(u>>8), byte(u>>16)
		return 4
	case v >= -2147483648 && v <= 2147483647:
		b[0] = 0xF3
		binary.LittleEndian.PutUint32(b[1:], uint32(v))
		return 5
	default:
		b[0] = 0xF4
		binary.LittleEndian.PutUint64(b[1:], uint64(v))
		return 9
	}
}

// backlenSize is the bytes the backlen of an entry of size l takes.
func backlenSize(l int) int {
	switch {
	case l <= 127:
		return 1
	case l < 16383:
		return 2
	case l < 2097151:
		return 3
	case l < 268435455:
		return 4
	default:
		return 5
	}
}

// putBacklen writes the backlen of l into b (backlenSize(l) bytes).
func putBacklen(b []byte, l int) {
	switch n := backlenSize(l); n {
	case 1:
		b[0] = byte(l)
	default:
		for i := n - 1; i >= 1; i-- {
			b[i] = byte(l&127) | 128
			l >>= 7
		}
		b[0] = byte(l)
	}
}

// readBacklen decodes the backlen whose last byte is lp[p], going left.
// It returns -1 if it runs off the start or is longer than 5 bytes.
func readBacklen(lp []byte, p int) int {
	v, shift := 0, 0
	for {
		if p < 0 {
			return -1
		}
		c := lp[p]
		v |= int(c&127) << shift
		if c&128 == 0 {
			return v
		}
		shift += 7
		p--
		if shift > 28 {
			return -1
		}
	}
}

// writeEntry writes the entry of v, encoded as e, at the start of b, which
// must hold e.size+backlenSize(e.size) bytes.
func writeEntry(b []byte, v []byte, e *entryEnc) {
	writeEncoded(b, v, e)
	putBacklen(b[e.size:], e.size)
}

// writeEncoded writes the encoding and data of v (e.size bytes), without
// the backlen.
func writeEncoded(b []byte, v []byte, e *entryEnc) {
	if e.isInt {
		copy(b, e.ibuf[:e.ilen])
	} else {
		switch l := len(v); {
		case l < 64:
			b[0] = byte(l) | 0x80
			copy(b[1:], v)
		case l < 4096:
			b[0] = byte(l>>8) | 0xE0
			b[1] = byte(l)
			copy(b[2:], v)
		default:
			b[0] = 0xF0
			binary.LittleEndian.PutUint32(b[1:], uint32(l))
			copy(b[5:], v)
		}
	}
}

// encodedSize is the size of the encoding+data of the entry at p (0 for an
// invalid encoding byte). It trusts the lengths it reads.
func encodedSize(lp []byte, p int) int {
	c := lp[p]
	switch {
	case c&0x80 == 0:
		return 1
	case c&0xC0 == 0x80:
		return 1 + int(c&0x3F)
	case c&0xE0 == 0xC0:
		return 2
	case c&0xF0 == 0xE0:
		return 2 + (int(c&0x0F)<<8 | int(lp[p+1]))
	}
	switch c {
	case 0xF0:
		return 5 + int(binary.LittleEndian.Uint32(lp[p+1:]))
	case 0xF1:
		return 3
	case 0xF2:
		return 4
	case 0xF3:
		return 5
	case 0xF4:
		return 9
	case lpEOF:
		return 1
	}
	return 0
}

// entryLen is the whole size of the entry at p, backlen included.
func entryLen(lp []byte, p int) int {
	n := encodedSize(lp, p)
	return n + backlenSize(n)
}

// lpFirst is the offset of the first entry, or -1 if empty.
func lpFirst(lp []byte) int {
	if lp[lpHdrSize] == lpEOF {
		return -1
	}
	return lpHdrSize
}

// lpLast is the offset of the last entry, or -1 if empty.
func lpLast(lp []byte) int {
	if len(lp) <= lpEmptySize {
		return -1
	}
	return lpPrev(lp, len(lp)-1)
}

// lpNext is the offset of the entry after p, or -1 at the end.
func lpNext(lp []byte, p int) int {
	p += entryLen(lp, p)
	if lp[p] == lpEOF {
		return -1
	}
	return p
}

// lpPrev is the offset of the entry before p (p may be the EOF's offset),
// or -1 at the start.
func lpPrev(lp []byte, p int) int {
	if p <= lpHdrSize {
		return -1
	}
	l := readBacklen(lp, p-1)
	return p - l - backlenSize(l)
}

// lpSeek is the offset of entry index (negative: from the tail), or -1.
func lpSeek(lp []byte, index int) int {
	n := lpLength(lp)
	if index < 0 {
		index += n
	}
	if index < 0 || index >= n {
		return -1
	}
	if index <= n/2 {
		p := lpHdrSize
		for ; index > 0; index-- {
			p += entryLen(lp, p)
		}
		return p
	}
	p := len(lp) - 1
	for i := n - index; i > 0; i-- {
		p = lpPrev(lp, p)
	}
	return p
}

// lpGet decodes the entry at p: a string (aliasing lp) or an integer.
func lpGet(lp []byte, p int) (s []byte, n int64, isInt bool) {
	s, n, isInt, _ = lpDecode(lp, p)
	return s, n, isInt
}

// lpDecode decodes the entry at p and also returns the size of its
// encoding+data, so a forward walk reads the encoding byte once.
func lpDecode(lp []byte, p int) (s []byte, n int64, isInt bool, size int) {
	c := lp[p]
	switch {
	case c&0x80 == 0:
		return nil, int64(c), true, 1
	case c&0xC0 == 0x80:
		l := int(c & 0x3F)
		return lp[p+1 : p+1+l], 0, false, 1 + l
	case c&0xE0 == 0xC0:
		u := int64(c&0x1F)<<8 | int64(lp[p+1])
		if u >= 1<<12 {
			u -= 1 << 13
		}
		return nil, u, true, 2
	case c&0xF0 == 0xE0:
		l := int(c&0x0F)<<8 | int(lp[p+1])
		return lp[p+2 : p+2+l], 0, false, 2 + l
	}
	switch c {
	case 0xF0:
		l := int(binary.LittleEndian.Uint32(lp[p+1:]))
		return lp[p+5 : p+5+l], 0, false, 5 + l
	case 0xF1:
		return nil, int64(int16(binary.LittleEndian.Uint16(lp[p+1:]))), true, 3
	case 0xF2:
		u := int32(uint32(lp[p+1]) | uint32(lp[p+2])<<8 | uint32(lp[p+3])<<16)
		if u >= 1<<23 {
			u -= 1 << 24
		}
		return nil, int64(u), true, 4
	case 0xF3:
		return nil, int64(int32(binary.LittleEndian.Uint32(lp[p+1:]))), true, 5
	default: // 0xF4
		return nil, int64(binary.LittleEndian.Uint64(lp[p+1:])), true, 9
	}
}

// lpEqual reports whether the entry at p equals v, as lpCompare: strings
// byte for byte, integers against v parsed as a canonical integer.
func lpEqual(lp []byte, p int, v []byte) bool {
	s, n, isInt := lpGet(lp, p)
	if !isInt {
		return string(s) == string(v)
	}
	m, ok := num.ParseInt(v)
	return ok && m == n
}

// lpResize makes room for delta more bytes (or fewer, delta < 0) at offset
// p, moving the tail, and returns the listpack with its new length. The
// header is not updated.
func lpResize(lp []byte, p, delta int) []byte {
	old := len(lp)
	if delta > 0 {
		lp = growBytes(lp, delta)
		copy(lp[p+delta:], lp[p:old])
		return lp
	}
	copy(lp[p:], lp[p-delta:old])
	lp = lp[:old+delta]
	return shrinkBytes(lp)
}

// growBytes extends b by n bytes. Capacity grows by doubling while small
// and by a quarter past 256 bytes, as Go's append, except that it never
// jumps past the next quicklist node limit (4, 8, 16, 32 or 64 KB) the
// new length fits in: a node fills up to its limit and stops, so its
// allocation ends exactly there (append would take a full 8 KB node to a
// 9.5 KB allocation).
func growBytes(b []byte, n int) []byte {
	need := len(b) + n
	if need <= cap(b) {
		return b[:need]
	}
	newcap := 2 * cap(b)
	if cap(b) >= 256 {
		newcap = cap(b) + cap(b)/4
	}
	newcap = max(newcap, need)
	for _, limit := range optimizationLevel {
		if need <= limit {
			newcap = min(newcap, limit)
			break
		}
	}
	// append on an empty slice allocates exactly newcap rounded up to the
	// allocator's size class, and reports that capacity.
	nb := append([]byte(nil), make([]byte, newcap)...)[:need]
	copy(nb, b)
	return nb
}

// shrinkBytes lets go of capacity a listpack no longer needs: when it
// uses less than a quarter of what it holds (and holds more than 256
// bytes), it moves to an allocation of its size.
func shrinkBytes(b []byte) []byte {
	if cap(b) > 256 && len(b) < cap(b)/4 {
		nb := make([]byte, len(b), len(b)+len(b)/4)
		copy(nb, b)
		return nb
	}
	return b
}

// lpInsertAt inserts v as a new entry at offset p (an entry, which moves
// right, or the EOF to append).
func lpInsertAt(lp []byte, p int, v []byte) []byte {
	e := encodeElement(v)
	n := e.size + backlenSize(e.size)
	numele := lpNumele(lp)
	lp = lpResize(lp, p, n)
	writeEntry(lp[p:], v, &e)
	if numele != lpNumeleUnknown {
		numele++
	}
	lpSetHeader(lp, numele)
	return lp
}

// lpAppend adds v after the last entry.
func lpAppend(lp []byte, v []byte) []byte { return lpInsertAt(lp, len(lp)-1, v) }

// lpPrepend adds v before the first entry.
func lpPrepend(lp []byte, v []byte) []byte { return lpInsertAt(lp, lpHdrSize, v) }

// lpDelete removes the entry at p; the entry that followed is now at p
// (or the EOF).
func lpDelete(lp []byte, p int) []byte {
	numele := lpNumele(lp)
	lp = lpResize(lp, p, -entryLen(lp, p))
	if numele != lpNumeleUnknown {
		numele--
	}
	lpSetHeader(lp, numele)
	return lp
}

// lpReplace replaces the entry at p with v.
func lpReplace(lp []byte, p int, v []byte) []byte {
	e := encodeElement(v)
	n := e.size + backlenSize(e.size)
	old := entryLen(lp, p)
	if n != old {
		lp = lpResize(lp, p, n-old)
	}
	writeEntry(lp[p:], v, &e)
	lpSetHeader(lp, lpNumele(lp))
	return lp
}

// lpDeleteRange removes num entries from index (negative: from the tail),
// as many as there are.
func lpDeleteRange(lp []byte, index, num int) []byte {
	if num <= 0 {
		return lp
	}
	p := lpSeek(lp, index)
	if p < 0 {
		return lp
	}
	n := lpLength(lp)
	if index < 0 {
		index += n
	}
	if num > n-index {
		num = n - index
	}
	end := p
	for i := 0; i < num; i++ {
		end += entryLen(lp, end)
	}
	lp = lpResize(lp, p, p-end)
	lpSetHeader(lp, n-num)
	return lp
}

// lpConcat returns the entries of a followed by those of b in one
// listpack, reusing the larger of the two, as lpMerge.
func lpConcat(a, b []byte) []byte {
	numele := lpLength(a) + lpLength(b)
	if numele > lpNumeleUnknown {
		numele = lpNumeleUnknown
	}
	body := len(b) - lpEmptySize
	if len(a) >= len(b) {
		end := len(a) - 1
		a = growBytes(a, body)
		copy(a[end:], b[lpHdrSize:])
		lpSetHeader(a, numele)
		return a
	}
	abody := len(a) - lpEmptySize
	b = growBytes(b, abody)
	copy(b[lpHdrSize+abody:], b[lpHdrSize:lpHdrSize+body+1])
	copy(b[lpHdrSize:], a[lpHdrSize:lpHdrSize+abody])
	lpSetHeader(b, numele)
	return b
}
