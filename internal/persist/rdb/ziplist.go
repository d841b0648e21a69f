package rdb

import (
	"encoding/binary"
	"strconv"
)

// Legacy containers, read only (RDB files of Redis before 7.0 and their
// DUMP payloads): ziplists and zipmaps, decoded to their elements with
// integers as decimal strings. Every offset is bounds-checked.

// ziplistEntries decodes a ziplist:
//
//	zlbytes(4 LE) zltail(4 LE) zllen(2 LE) entries... 0xFF
//	entry: prevlen (1 byte < 254, or 0xFE + 4 bytes LE), encoding, data
func ziplistEntries(b []byte) ([][]byte, error) {
	if len(b) < 11 || int(binary.LittleEndian.Uint32(b)) != len(b) || b[len(b)-1] != 0xFF {
		return nil, ErrCorrupt
	}
	if int(binary.LittleEndian.Uint32(b[4:])) >= len(b) {
		return nil, ErrCorrupt
	}
	count := int(binary.LittleEndian.Uint16(b[8:]))
	var out [][]byte
	p := 10
	prevSize := 0
	end := len(b) - 1
	for p < end {
		start := p
		prev := int(b[p])
		p++
		if prev == 0xFE {
			if p+4 > end {
				return nil, ErrCorrupt
			}
			prev = int(binary.LittleEndian.Uint32(b[p:]))
			p += 4
		} else if prev == 0xFF {
			return nil, ErrCorrupt
		}
		if prev != prevSize {
			return nil, ErrCorrupt
		}
		if p >= end {
			return nil, ErrCorrupt
		}
		enc := b[p]
		p++
		var elem []byte
		need := func(n int) bool { return n >= 0 && p+n <= end }
		switch {
		case enc>>6 == 0:
			n := int(enc & 0x3f)
			if !need(n) {
				return nil, ErrCorrupt
			}
			elem = append([]byte(nil), b[p:p+n]...)
			p += n
		case enc>>6 == 1:
			if !need(1) {
				return nil, ErrCorrupt
			}
			n := int(enc&0x3f)<<8 | int(b[p])
			p++
			if !need(n) {
				return nil, ErrCorrupt
			}
			elem = append([]byte(nil), b[p:p+n]...)
			p += n
		case enc>>6 == 2:
			if !need(4) {
				return nil, ErrCorrupt
			}
			n := int(binary.BigEndian.Uint32(b[p:]))
			p += 4
			if !need(n) {
				return nil, ErrCorrupt
			}
			elem = append([]byte(nil), b[p:p+n]...)
			p += n
		default:
			var v int64
			switch enc {
			case 0xC0:
				if !need(2) {
					return nil, ErrCorrupt
				}
				v = int64(int16(binary.LittleEndian.Uint16(b[p:])))
				p += 2
			case 0xD0:
				if !need(4) {
					return nil, ErrCorrupt
				}
				v = int64(int32(binary.LittleEndian.Uint32(b[p:])))
				p += 4
			case 0xE0:
				if !need(8) {
					return nil, ErrCorrupt
				}
				v = int64(binary.LittleEndian.Uint64(b[p:]))
				p += 8
			case 0xF0:
				if !need(3) {
					return nil, ErrCorrupt
				}
				v = int64(int32(uint32(b[p])<<8|uint32(b[p+1])<<16|uint32(b[p+2])<<24) >> 8)
				p += 3
			case 0xFE:
				if !need(1) {
					return nil, ErrCorrupt
				}
				v = int64(int8(b[p]))
				p++
			default:
				if enc < 0xF1 || enc > 0xFD {
					return nil, ErrCorrupt
				}
				v = int64(enc&0x0f) - 1
			}
			elem = strconv.AppendInt(nil, v, 10)
		}
		prevSize = p - start
		out = append(out, elem)
	}
	if p != end || (count != 0xFFFF && count != len(out)) {
		return nil, ErrCorrupt
	}
	return out, nil
}

// zipmapEntries decodes a zipmap:
//
//	zmlen(1) (len field len free value free-bytes)... 0xFF
//	len: 1 byte < 254, or 254 + 4 bytes LE
func zipmapEntries(b []byte) ([][]byte, error) {
	if len(b) < 2 || b[len(b)-1] != 0xFF {
		return nil, ErrCorrupt
	}
	var out [][]byte
	p := 1
	end := len(b) - 1
	readLen := func() (int, bool) {
		if p >= end {
			return 0, false
		}
		n := int(b[p])
		p++
		if n == 254 {
			if p+4 > end {
				return 0, false
			}
			n = int(binary.LittleEndian.Uint32(b[p:]))
			p += 4
			if n < 254 {
				return 0, false // overlong: Valkey rejects it (CVE-2026-25243)
			}
		} else if n == 255 {
			return 0, false
		}
		return n, true
	}
	for p < end {
		n, ok := readLen()
		if !ok || n > end-p {
			return nil, ErrCorrupt
		}
		field := append([]byte(nil), b[p:p+n]...)
		p += n
		n, ok = readLen()
		if !ok || p >= end {
			return nil, ErrCorrupt
		}
		free := int(b[p])
		p++
		if n > end-p || free > end-p-n {
			return nil, ErrCorrupt
		}
		val := append([]byte(nil), b[p:p+n]...)
		p += n + free
		out = append(out, field, val)
	}
	return out, nil
}
