package rdb

// CRC64 as Valkey's crc64.c: the Jones polynomial (0xad93d23594c935a9),
// reflected input and output, initial value 0 and no final xor. Go's
// hash/crc64 inverts the register before and after, so it cannot be used.

var crcTable = func() (t [8][256]uint64) {
	const poly = 0x95ac9329ac4bc9b5 // 0xad93d23594c935a9 bit-reversed
	for i := range 256 {
		c := uint64(i)
		for range 8 {
			if c&1 != 0 {
				c = c>>1 ^ poly
			} else {
				c >>= 1
			}
		}
		t[0][i] = c
	}
	for i := range 256 {
		c := t[0][i]
		for k := 1; k < 8; k++ {
			c = t[0][c&0xff] ^ c>>8
			t[k][i] = c
		}
	}
	return t
}()

// CRC64 continues crc over b (start with 0).
func CRC64(crc uint64, b []byte) uint64 {
	for len(b) >= 8 {
		crc ^= uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
			uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
		crc = crcTable[7][crc&0xff] ^ crcTable[6][crc>>8&0xff] ^ crcTable[5][crc>>16&0xff] ^
			crcTable[4][crc>>24&0xff] ^ crcTable[3][crc>>32&0xff] ^ crcTable[2][crc>>40&0xff] ^
			crcTable[1][crc>>48&0xff] ^ crcTable[0][crc>>56]
		b = b[8:]
	}
	for _, c := range b {
		crc = crcTable[0][byte(crc)^c] ^ crc>>8
	}
	return crc
}
