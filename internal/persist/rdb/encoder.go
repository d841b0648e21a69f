package rdb

import (
	"encoding/binary"
	"math"
	"strconv"

	"petrel/internal/num"
)

// Encoder appends RDB items to Buf. With Compress (rdbcompression yes),
// strings longer than 20 bytes are LZF-compressed when that saves at least
// four bytes, as Valkey's rdbSaveRawString.
type Encoder struct {
	Buf      []byte
	Compress bool
}

// Byte appends a type byte or opcode.
func (e *Encoder) Byte(b byte) { e.Buf = append(e.Buf, b) }

// Raw appends bytes as they are.
func (e *Encoder) Raw(b []byte) { e.Buf = append(e.Buf, b...) }

// Len appends a length (rdbSaveLen).
func (e *Encoder) Len(n uint64) { e.Buf = AppendLen(e.Buf, n) }

// AppendLen appends the RDB encoding of length n.
func AppendLen(dst []byte, n uint64) []byte {
	switch {
	case n < 1<<6:
		return append(dst, byte(n))
	case n < 1<<14:
		return append(dst, byte(n>>8)|len14<<6, byte(n))
	case n <= math.MaxUint32:
		return binary.BigEndian.AppendUint32(append(dst, len32), uint32(n))
	}
	return binary.BigEndian.AppendUint64(append(dst, len64), n)
}

// appendIntEnc appends v as an integer-encoded string if it fits 32 bits.
func appendIntEnc(dst []byte, v int64) ([]byte, bool) {
	switch {
	case v >= math.MinInt8 && v <= math.MaxInt8:
		return append(dst, encVal<<6|encInt8, byte(v)), true
	case v >= math.MinInt16 && v <= math.MaxInt16:
		return append(dst, encVal<<6|encInt16, byte(v), byte(v>>8)), true
	case v >= math.MinInt32 && v <= math.MaxInt32:
		return append(dst, encVal<<6|encInt32, byte(v), byte(v>>8), byte(v>>16), byte(v>>24)), true
	}
	return dst, false
}

// String appends s as rdbSaveRawString does: an integer encoding when s
// is the canonical form of a 32-bit integer, else LZF when enabled and
// worthwhile, else the length and the bytes.
func (e *Encoder) String(s []byte) {
	if len(s) <= 11 {
		if v, ok := num.ParseInt(s); ok {
			if b, ok := appendIntEnc(e.Buf, v); ok {
				e.Buf = b
				return
			}
		}
	}
	if e.Compress && len(s) > 20 {
		if c := lzfCompress(s, len(s)-4); c != nil {
			e.Buf = append(e.Buf, encVal<<6|encLZF)
			e.Len(uint64(len(c)))
			e.Len(uint64(len(s)))
			e.Buf = append(e.Buf, c...)
			return
		}
	}
	e.Len(uint64(len(s)))
	e.Buf = append(e.Buf, s...)
}

// Int appends an integer as a string (rdbSaveLongLongAsStringObject).
func (e *Encoder) Int(v int64) {
	if b, ok := appendIntEnc(e.Buf, v); ok {
		e.Buf = b
		return
	}
	var tmp [20]byte
	s := strconv.AppendInt(tmp[:0], v, 10)
	e.Len(uint64(len(s)))
	e.Buf = append(e.Buf, s...)
}

// Millis appends a millisecond time: 8 bytes, little endian.
func (e *Encoder) Millis(ms int64) { e.Buf = binary.LittleEndian.AppendUint64(e.Buf, uint64(ms)) }

// Double appends a binary double (rdbSaveBinaryDoubleValue).
func (e *Encoder) Double(f float64) {
	e.Buf = binary.LittleEndian.AppendUint64(e.Buf, math.Float64bits(f))
}

// Aux appends an AUX field whose value is a string.
func (e *Encoder) Aux(key string, val []byte) {
	e.Byte(OpAux)
	e.String([]byte(key))
	e.String(val)
}

// AuxInt appends an AUX field whose value is an integer (as Valkey's
// rdbSaveAuxFieldStrInt: the decimal string, integer-encoded when small).
func (e *Encoder) AuxInt(key string, v int64) { e.Aux(key, strconv.AppendInt(nil, v, 10)) }

// Header appends the file magic and version: "VALKEY080".
func (e *Encoder) Header() {
	e.Buf = append(e.Buf, "VALKEY"...)
	e.Buf = append(e.Buf, byte('0'+Version/100), byte('0'+Version/10%10), byte('0'+Version%10))
}

// SelectDB appends the SELECTDB opcode.
func (e *Encoder) SelectDB(db int) {
	e.Byte(OpSelectDB)
	e.Len(uint64(db))
}

// ResizeDB appends the RESIZEDB opcode: key count and keys with a TTL.
func (e *Encoder) ResizeDB(keys, expires int) {
	e.Byte(OpResizeDB)
	e.Len(uint64(keys))
	e.Len(uint64(expires))
}

// DumpFooter appends a DUMP payload's footer to body: the RDB version (2
// bytes) and the CRC64 of everything before it (8 bytes), little endian.
func DumpFooter(body []byte) []byte {
	body = binary.LittleEndian.AppendUint16(body, Version)
	return binary.LittleEndian.AppendUint64(body, CRC64(0, body))
}

// VerifyDump checks a DUMP payload's footer (verifyDumpPayload): an
// accepted version (see VersionAccepted for relaxed) and, unless
// skipChecksum, the CRC. It returns the body
// (the whole payload) and its RDB version.
func VerifyDump(p []byte, skipChecksum, relaxed bool) (body []byte, ver int, ok bool) {
	if len(p) < 10 {
		return nil, 0, false
	}
	footer := p[len(p)-10:]
	ver = int(binary.LittleEndian.Uint16(footer))
	if !VersionAccepted(ver, false, false, relaxed) {
		return nil, ver, false
	}
	if !skipChecksum && CRC64(0, p[:len(p)-8]) != binary.LittleEndian.Uint64(footer[2:]) {
		return nil, ver, false
	}
	// The object is read from the whole payload, footer included, as
	// Valkey does: trailing bytes are ignored.
	return p, ver, true
}
