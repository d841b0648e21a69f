package rdb

import (
	"encoding/binary"
	"math"
	"strconv"
)

// Decoder reads RDB items from a byte slice. Every method fails with an
// error (never a panic) on truncated or malformed input, and no length read
// from the input makes it allocate more than the input could hold.
type Decoder struct {
	b   []byte
	off int
}

// NewDecoder reads b.
func NewDecoder(b []byte) *Decoder { return &Decoder{b: b} }

// Offset is the number of bytes consumed.
func (d *Decoder) Offset() int { return d.off }

// Remaining is the number of bytes left.
func (d *Decoder) Remaining() int { return len(d.b) - d.off }

// Byte reads a type byte or opcode.
func (d *Decoder) Byte() (byte, error) {
	if d.off >= len(d.b) {
		return 0, ErrTruncated
	}
	c := d.b[d.off]
	d.off++
	return c, nil
}

func (d *Decoder) take(n int) ([]byte, error) {
	if n < 0 || n > len(d.b)-d.off {
		return nil, ErrTruncated
	}
	s := d.b[d.off : d.off+n : d.off+n]
	d.off += n
	return s, nil
}

// lenOrEnc reads a length, or reports that a special string encoding
// follows (isEnc, with the encoding in n).
func (d *Decoder) lenOrEnc() (n uint64, isEnc bool, err error) {
	c, err := d.Byte()
	if err != nil {
		return 0, false, err
	}
	switch c >> 6 {
	case len6:
		return uint64(c & 0x3f), false, nil
	case len14:
		c2, err := d.Byte()
		if err != nil {
			return 0, false, err
		}
		return uint64(c&0x3f)<<8 | uint64(c2), false, nil
	case encVal:
		return uint64(c & 0x3f), true, nil
	}
	switch c {
	case len32:
		b, err := d.take(4)
		if err != nil {
			return 0, false, err
		}
		return uint64(binary.BigEndian.Uint32(b)), false, nil
	case len64:
		b, err := d.take(8)
		if err != nil {
			return 0, false, err
		}
		return binary.BigEndian.Uint64(b), false, nil
	}
	return 0, false, ErrCorrupt
}

// Len reads a length.
func (d *Decoder) Len() (uint64, error) {
	n, isEnc, err := d.lenOrEnc()
	if err == nil && isEnc {
		err = ErrCorrupt
	}
	return n, err
}

// count reads a length used as an element count, which cannot exceed the
// bytes left (each element takes at least one byte).
func (d *Decoder) count() (int, error) {
	n, err := d.Len()
	if err != nil {
		return 0, err
	}
	if n > uint64(d.Remaining()) {
		return 0, ErrTruncated
	}
	return int(n), nil
}

// String reads a string in any encoding and returns a fresh copy.
func (d *Decoder) String() ([]byte, error) {
	n, isEnc, err := d.lenOrEnc()
	if err != nil {
		return nil, err
	}
	if !isEnc {
		if n > uint64(d.Remaining()) {
			return nil, ErrTruncated
		}
		s, _ := d.take(int(n))
		return append([]byte(nil), s...), nil
	}
	switch n {
	case encInt8, encInt16, encInt32:
		v, err := d.intEnc(int(n))
		if err != nil {
			return nil, err
		}
		return strconv.AppendInt(nil, v, 10), nil
	case encLZF:
		clen, err := d.Len()
		if err != nil {
			return nil, err
		}
		ulen, err := d.Len()
		if err != nil {
			return nil, err
		}
		if clen > uint64(d.Remaining()) {
			return nil, ErrTruncated
		}
		// A 3-byte back reference expands to at most 264 bytes.
		if ulen == 0 || clen == 0 || ulen > clen*88+32 || ulen > math.MaxInt32 {
			return nil, ErrCorrupt
		}
		c, _ := d.take(int(clen))
		out, ok := lzfDecompress(c, int(ulen))
		if !ok {
			return nil, ErrCorrupt
		}
		return out, nil
	}
	return nil, ErrCorrupt
}

func (d *Decoder) intEnc(enc int) (int64, error) {
	size := 1 << enc // 1, 2, 4
	b, err := d.take(size)
	if err != nil {
		return 0, err
	}
	switch enc {
	case encInt8:
		return int64(int8(b[0])), nil
	case encInt16:
		return int64(int16(binary.LittleEndian.Uint16(b))), nil
	}
	return int64(int32(binary.LittleEndian.Uint32(b))), nil
}

// Millis reads a millisecond time (8 bytes little endian).
func (d *Decoder) Millis() (int64, error) {
	b, err := d.take(8)
	if err != nil {
		return 0, err
	}
	return int64(binary.LittleEndian.Uint64(b)), nil
}

// Seconds reads an old-style expire time (4 bytes little endian).
func (d *Decoder) Seconds() (int64, error) {
	b, err := d.take(4)
	if err != nil {
		return 0, err
	}
	return int64(int32(binary.LittleEndian.Uint32(b))), nil
}

// Double reads a binary double.
func (d *Decoder) Double() (float64, error) {
	b, err := d.take(8)
	if err != nil {
		return 0, err
	}
	return math.Float64frombits(binary.LittleEndian.Uint64(b)), nil
}

// stringDouble reads the old string-encoded double of RDB_TYPE_ZSET: a
// length byte (253 nan, 254 +inf, 255 -inf) and that many ASCII bytes.
func (d *Decoder) stringDouble() (float64, error) {
	c, err := d.Byte()
	if err != nil {
		return 0, err
	}
	switch c {
	case 253:
		return math.NaN(), nil
	case 254:
		return math.Inf(1), nil
	case 255:
		return math.Inf(-1), nil
	}
	b, err := d.take(int(c))
	if err != nil {
		return 0, err
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil && !isRangeErr(err) {
		return 0, ErrCorrupt
	}
	return f, nil
}

func isRangeErr(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}
