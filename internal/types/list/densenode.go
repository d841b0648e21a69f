package list

import "encoding/binary"

// Dense nodes. A quicklist's packed nodes are listpacks without the
// backlen after each entry:
//
//	| total u32 | count u16 | encoding [data] | encoding [data] | ... | FF |
//
// The backlen is what lets a listpack be walked from the tail; it costs a
// byte per short element (13 of "elem-000001"'s 13 bytes are 12 without
// it). A node is only walked backwards at the list's tail (RPOP and
// friends), by LINDEX/LSET past its middle and by reverse scans (LREM with
// a negative count, LPOS RANK -n): those take the node's entry offsets
// from one forward pass, kept in the quicklist's offsets cache
// (quicklist.offsets), so popping from the tail stays O(1) per element.
//
// Valkey's rules decide node boundaries by listpack size, so every node
// records the bytes its backlens would take (node.back) and node.sz() is
// the size the node would have as a listpack. RDB, DUMP and a quicklist
// turning back into a listpack get real listpacks (dnToListpack); a
// listpack becoming a node loses its backlens (dnFromListpack).
//
// The functions keep the header's total and count as the listpack
// functions do, so lpFirst, lpLength, lpDecode, lpGet, lpEqual and
// lpConcat work on dense nodes unchanged; anything that walks backwards
// (lpPrev, lpLast, lpSeek, entryLen) must not be given one.

// dnLength is the number of entries: the header's count, or counted when
// the header says unknown (a node of 65535 entries or more, from an RDB).
func dnLength(b []byte) int {
	if n := lpNumele(b); n != lpNumeleUnknown {
		return n
	}
	n := 0
	for p := lpHdrSize; b[p] != lpEOF; p += encodedSize(b, p) {
		n++
	}
	return n
}

// dnNext is the offset of the entry after p, or -1 at the end.
func dnNext(b []byte, p int) int {
	p += encodedSize(b, p)
	if b[p] == lpEOF {
		return -1
	}
	return p
}

// dnSeek is the offset of entry index (0 <= index < count), walking
// forwards.
func dnSeek(b []byte, index int) int {
	p := lpHdrSize
	for ; index > 0; index-- {
		p += encodedSize(b, p)
	}
	return p
}

// dnOffsets appends the offset of every entry to dst.
func dnOffsets(b []byte, dst []int32) []int32 {
	for p := lpHdrSize; b[p] != lpEOF; p += encodedSize(b, p) {
		dst = append(dst, int32(p))
	}
	return dst
}

// dnBacklens is the bytes the backlens of the entries from offset p to
// the end would take in a listpack.
func dnBacklens(b []byte, p int) int {
	n := 0
	for ; b[p] != lpEOF; p += encodedSize(b, p) {
		n += backlenSize(encodedSize(b, p))
	}
	return n
}

// dnInsertAt inserts v as a new entry at offset p (an entry, which moves
// right, or the EOF to append). It returns the node and the backlen bytes
// the entry adds to the node's listpack size.
func dnInsertAt(b []byte, p int, v []byte) ([]byte, int) {
	e := encodeElement(v)
	numele := lpNumele(b)
	b = lpResize(b, p, e.size)
	writeEncoded(b[p:], v, &e)
	if numele != lpNumeleUnknown {
		numele++
	}
	lpSetHeader(b, numele)
	return b, backlenSize(e.size)
}

// dnDelete removes the entry at p (the entry that followed is now at p, or
// the EOF) and returns the backlen bytes that went with it.
func dnDelete(b []byte, p int) ([]byte, int) {
	n := encodedSize(b, p)
	numele := lpNumele(b)
	b = lpResize(b, p, -n)
	if numele != lpNumeleUnknown {
		numele--
	}
	lpSetHeader(b, numele)
	return b, backlenSize(n)
}

// dnDeleteRange removes num entries (as many as there are) from index and
// returns the backlen bytes that went with them.
func dnDeleteRange(b []byte, index, num int) ([]byte, int) {
	n := dnLength(b)
	num = min(num, n-index)
	if num <= 0 {
		return b, 0
	}
	p := dnSeek(b, index)
	end, back := p, 0
	for i := 0; i < num; i++ {
		sz := encodedSize(b, end)
		end += sz
		back += backlenSize(sz)
	}
	b = lpResize(b, p, p-end)
	lpSetHeader(b, n-num)
	return b, back
}

// dnReplace replaces the entry at p with v and returns the change in
// backlen bytes.
func dnReplace(b []byte, p int, v []byte) ([]byte, int) {
	e := encodeElement(v)
	old := encodedSize(b, p)
	if e.size != old {
		b = lpResize(b, p, e.size-old)
	}
	writeEncoded(b[p:], v, &e)
	lpSetHeader(b, lpNumele(b))
	return b, backlenSize(e.size) - backlenSize(old)
}

// dnFromListpack writes the dense form of listpack lp into dst's backing
// array (dst must have room for len(lp) bytes) and returns it with the
// bytes its backlens took.
func dnFromListpack(dst, lp []byte) ([]byte, int) {
	b := append(dst[:0], lp[:lpHdrSize]...)
	back := 0
	for p := lpHdrSize; lp[p] != lpEOF; {
		n := encodedSize(lp, p)
		b = append(b, lp[p:p+n]...)
		bl := backlenSize(n)
		back += bl
		p += n + bl
	}
	b = append(b, lpEOF)
	binary.LittleEndian.PutUint32(b, uint32(len(b)))
	return b, back
}

// dnToListpack appends to dst the listpack of dense node b, whose
// backlens take back bytes.
func dnToListpack(dst, b []byte, back int) []byte {
	dst = append(dst, b[:lpHdrSize]...)
	start := len(dst) - lpHdrSize
	for p := lpHdrSize; b[p] != lpEOF; {
		n := encodedSize(b, p)
		dst = append(dst, b[p:p+n]...)
		var bl [5]byte
		k := backlenSize(n)
		putBacklen(bl[:k], n)
		dst = append(dst, bl[:k]...)
		p += n
	}
	dst = append(dst, lpEOF)
	binary.LittleEndian.PutUint32(dst[start:], uint32(len(b)+back))
	return dst
}
