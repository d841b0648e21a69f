package list

import (
	"encoding/binary"
	"errors"
)

// ErrCorrupt is returned for bytes that are not a valid listpack.
var ErrCorrupt = errors.New("list: corrupt listpack")

// ValidateListpack checks that b is a well-formed listpack, as Valkey's
// lpValidateIntegrity with deep checking: the header's total is len(b),
// every entry has a known encoding, lies within b and carries the backlen
// of its size, the last byte is the EOF, and the header's count matches
// (unless it says "unknown"). Bytes that pass can be given to every
// function of this package without panicking; it is what loading a list
// from outside (RDB, RESTORE) must call first.
func ValidateListpack(b []byte) error {
	if len(b) < lpEmptySize || int(binary.LittleEndian.Uint32(b)) != len(b) || b[len(b)-1] != lpEOF {
		return ErrCorrupt
	}
	end := len(b) - 1
	p, count := lpHdrSize, 0
	for p < end {
		size, ok := checkedEncodedSize(b[p:end])
		if !ok || size > end-p {
			return ErrCorrupt
		}
		bl := backlenSize(size)
		if bl > end-p-size {
			return ErrCorrupt
		}
		var want [5]byte
		putBacklen(want[:bl], size)
		if string(b[p+size:p+size+bl]) != string(want[:bl]) {
			return ErrCorrupt
		}
		p += size + bl
		count++
	}
	if n := lpNumele(b); n != lpNumeleUnknown && n != count {
		return ErrCorrupt
	}
	return nil
}

// checkedEncodedSize is encodedSize for untrusted bytes: b starts at the
// entry and ends before the EOF. ok is false for an unknown encoding (or
// the EOF itself) or a length field cut short.
func checkedEncodedSize(b []byte) (int, bool) {
	c := b[0]
	switch {
	case c&0x80 == 0:
		return 1, true
	case c&0xC0 == 0x80:
		return 1 + int(c&0x3F), true
	case c&0xE0 == 0xC0:
		return 2, true
	case c&0xF0 == 0xE0:
		if len(b) < 2 {
			return 0, false
		}
		return 2 + (int(c&0x0F)<<8 | int(b[1])), true
	}
	switch c {
	case 0xF0:
		if len(b) < 5 {
			return 0, false
		}
		n := uint64(binary.LittleEndian.Uint32(b[1:]))
		if n > uint64(len(b)) {
			return 0, false
		}
		return 5 + int(n), true
	case 0xF1:
		return 3, true
	case 0xF2:
		return 4, true
	case 0xF3:
		return 5, true
	case 0xF4:
		return 9, true
	}
	return 0, false
}

// FromNodes builds a list from nodes as ForEachNode gives them (an RDB
// quicklist), each listpack checked with ValidateListpack first. A single
// listpack within the limits becomes a listpack list, as Valkey decides
// after loading (LIST_CONV_AUTO).
func FromNodes(cfg *Config, nodes [][]byte, plain []bool) (*List, error) {
	q := newQuicklist(cfg.Fill, cfg.Compress, cfg.Mem)
	for i, b := range nodes {
		if plain[i] {
			q.insertNode(q.n(), node{b: b, count: 1, plain: true})
			q.count++
			continue
		}
		if err := ValidateListpack(b); err != nil {
			return nil, err
		}
		n := lpLength(b)
		if n == 0 {
			continue
		}
		q.insertNode(q.n(), q.nodeFromListpack(b))
		q.count += n
	}
	l := &List{q: q}
	l.toListpack(cfg, 1)
	return l, nil
}
