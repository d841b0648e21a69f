package scripting

// FUNCTION DUMP / RESTORE payloads, in Valkey's format (the RDB encoding
// of the functions section):
//
//	repeated: 0xF5 (RDB_OPCODE_FUNCTION2) <rdb string: the library code>
//	then:     <RDB version, 2 bytes little-endian> <CRC64 of all before, 8 bytes little-endian>
//
// An RDB string is a length (6-bit, 14-bit, 32-bit or 64-bit encoding)
// and the bytes, or an integer encoding, or LZF-compressed bytes. Valkey
// compresses codes longer than 20 bytes when rdbcompression is on;
// Petrel writes them uncompressed (valid RDB that Valkey restores), and
// reads all three forms. On disk formats: never renumber.

import (
	"encoding/binary"
	"strconv"

	"petrel/internal/errs"
)

const (
	rdbOpcodeFunction2     = 245 // on disk: never renumber
	rdbOpcodeFunctionPreGA = 246
	rdbVersion             = 80 // Valkey 9's RDB_VERSION
	rdbForeignVersionMin   = 12 // 12..79 are other forks' versions: refused
	rdbForeignVersionMax   = 79

	rdbEnc6Bit  = 0
	rdbEnc14Bit = 1
	rdbEnc32Bit = 0x80
	rdbEnc64Bit = 0x81
	rdbEncVal   = 3 // 11xxxxxx: an encoded value follows

	rdbEncInt8  = 0
	rdbEncInt16 = 1
	rdbEncInt32 = 2
	rdbEncLZF   = 3
)

// dumpFunctions builds a payload from library codes.
func dumpFunctions(codes [][]byte) []byte {
	var out []byte
	for _, c := range codes {
		out = append(out, rdbOpcodeFunction2)
		out = appendRDBLen(out, uint64(len(c)))
		out = append(out, c...)
	}
	out = append(out, rdbVersion&0xff, rdbVersion>>8)
	return binary.LittleEndian.AppendUint64(out, crc64(0, out))
}

func appendRDBLen(b []byte, n uint64) []byte {
	switch {
	case n < 1<<6:
		return append(b, byte(n))
	case n < 1<<14:
		return append(b, byte(rdbEnc14Bit<<6|n>>8), byte(n))
	case n <= 0xFFFFFFFF:
		b = append(b, rdbEnc32Bit)
		return binary.BigEndian.AppendUint32(b, uint32(n))
	default:
		b = append(b, rdbEnc64Bit)
		return binary.BigEndian.AppendUint64(b, n)
	}
}

// parseFunctionDump checks a payload's footer and returns the library
// codes it holds, or an error text with its code.
func parseFunctionDump(p []byte, skipChecksum bool) ([][]byte, string) {
	if len(p) < 10 {
		return nil, errs.Text(errs.DumpPayload)
	}
	footer := p[len(p)-10:]
	ver := int(footer[0]) | int(footer[1])<<8
	if ver < 1 || ver > rdbVersion || (ver >= rdbForeignVersionMin && ver <= rdbForeignVersionMax) {
		return nil, errs.Text(errs.DumpPayload)
	}
	if !skipChecksum && crc64(0, p[:len(p)-8]) != binary.LittleEndian.Uint64(footer[2:]) {
		return nil, errs.Text(errs.DumpPayload)
	}
	var codes [][]byte
	r := rdbReader{b: p[:len(p)-10]}
	for r.pos < len(r.b) {
		t := r.b[r.pos]
		r.pos++
		switch t {
		case rdbOpcodeFunction2:
		case rdbOpcodeFunctionPreGA:
			return nil, "ERR Pre-GA function format not supported"
		default:
			return nil, "ERR given type is not a function"
		}
		s, ok := r.str()
		if !ok {
			return nil, "ERR Failed loading library payload"
		}
		codes = append(codes, s)
	}
	return codes, ""
}

type rdbReader struct {
	b   []byte
	pos int
}

// length reads an RDB length; encoded reports an 11xxxxxx special form
// (the value is then its type).
func (r *rdbReader) length() (n uint64, encoded, ok bool) {
	if r.pos >= len(r.b) {
		return 0, false, false
	}
	c := r.b[r.pos]
	r.pos++
	switch c >> 6 {
	case rdbEnc6Bit:
		return uint64(c & 0x3f), false, true
	case rdbEnc14Bit:
		if r.pos >= len(r.b) {
			return 0, false, false
		}
		n = uint64(c&0x3f)<<8 | uint64(r.b[r.pos])
		r.pos++
		return n, false, true
	case rdbEncVal:
		return uint64(c & 0x3f), true, true
	}
	switch c {
	case rdbEnc32Bit:
		if len(r.b)-r.pos < 4 {
			return 0, false, false
		}
		n = uint64(binary.BigEndian.Uint32(r.b[r.pos:]))
		r.pos += 4
		return n, false, true
	case rdbEnc64Bit:
		if len(r.b)-r.pos < 8 {
			return 0, false, false
		}
		n = binary.BigEndian.Uint64(r.b[r.pos:])
		r.pos += 8
		return n, false, true
	}
	return 0, false, false
}

func (r *rdbReader) bytes(n uint64) ([]byte, bool) {
	if uint64(len(r.b)-r.pos) < n {
		return nil, false
	}
	s := r.b[r.pos : r.pos+int(n)]
	r.pos += int(n)
	return s, true
}

// str reads an RDB string in any of its forms.
func (r *rdbReader) str() ([]byte, bool) {
	n, encoded, ok := r.length()
	if !ok {
		return nil, false
	}
	if !encoded {
		return r.bytes(n)
	}
	switch n {
	case rdbEncInt8, rdbEncInt16, rdbEncInt32:
		size := 1 << n
		b, ok := r.bytes(uint64(size))
		if !ok {
			return nil, false
		}
		var v int64
		switch size {
		case 1:
			v = int64(int8(b[0]))
		case 2:
			v = int64(int16(binary.LittleEndian.Uint16(b)))
		default:
			v = int64(int32(binary.LittleEndian.Uint32(b)))
		}
		return strconv.AppendInt(nil, v, 10), true
	case rdbEncLZF:
		clen, enc1, ok1 := r.length()
		ulen, enc2, ok2 := r.length()
		if !ok1 || !ok2 || enc1 || enc2 || ulen > 512<<20 {
			return nil, false
		}
		comp, ok := r.bytes(clen)
		if !ok {
			return nil, false
		}
		return lzfDecompress(comp, int(ulen))
	}
	return nil, false
}

// lzfDecompress expands LZF data (liblzf's format) into exactly n bytes.
func lzfDecompress(in []byte, n int) ([]byte, bool) {
	out := make([]byte, 0, n)
	for ip := 0; ip < len(in); {
		ctrl := int(in[ip])
		ip++
		if ctrl < 32 { // a literal run of ctrl+1 bytes
			l := ctrl + 1
			if ip+l > len(in) || len(out)+l > n {
				return nil, false
			}
			out = append(out, in[ip:ip+l]...)
			ip += l
			continue
		}
		l := ctrl >> 5 // a back reference
		if l == 7 {
			if ip >= len(in) {
				return nil, false
			}
			l += int(in[ip])
			ip++
		}
		if ip >= len(in) {
			return nil, false
		}
		ref := len(out) - (ctrl&0x1f)<<8 - 1 - int(in[ip])
		ip++
		l += 2
		if ref < 0 || len(out)+l > n {
			return nil, false
		}
		for i := 0; i < l; i++ { // byte by byte: the copy may overlap
			out = append(out, out[ref+i])
		}
	}
	if len(out) != n {
		return nil, false
	}
	return out, true
}

// crc64 is Valkey's CRC-64 (Jones polynomial, reflected, no final xor).
func crc64(crc uint64, b []byte) uint64 {
	for _, c := range b {
		crc = crc64Table[byte(crc)^c] ^ crc>>8
	}
	return crc
}

var crc64Table = func() (t [256]uint64) {
	const poly = 0x95AC9329AC4BC9B5 // 0xad93d23594c935a9 reflected
	for i := range t {
		c := uint64(i)
		for j := 0; j < 8; j++ {
			if c&1 != 0 {
				c = c>>1 ^ poly
			} else {
				c >>= 1
			}
		}
		t[i] = c
	}
	return t
}()
