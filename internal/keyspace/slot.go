package keyspace

import "bytes"

// crc16 (XMODEM, polynomial 0x1021) as Redis Cluster uses for key slots.
//
// Every keyed command hashes its keys at least twice (the dispatcher's
// shard mask, the lookup), so this is computed eight bytes at a time
// ("slicing-by-8"): crc16tab[k][b] is the CRC of byte b followed by k zero
// bytes, and by linearity the CRC after eight bytes is the XOR of eight
// independent table loads instead of a chain of eight dependent ones.
var crc16tab = func() (t [8][256]uint16) {
	for i := range t[0] {
		c := uint16(i) << 8
		for j := 0; j < 8; j++ {
			if c&0x8000 != 0 {
				c = c<<1 ^ 0x1021
			} else {
				c <<= 1
			}
		}
		t[0][i] = c
	}
	for k := 1; k < 8; k++ {
		for i := range t[k] {
			p := t[k-1][i]
			t[k][i] = p<<8 ^ t[0][p>>8]
		}
	}
	return
}()

func crc16(b []byte) uint16 {
	var c uint16
	t := &crc16tab
	for len(b) >= 8 {
		c = t[7][byte(c>>8)^b[0]] ^ t[6][byte(c)^b[1]] ^
			t[5][b[2]] ^ t[4][b[3]] ^ t[3][b[4]] ^ t[2][b[5]] ^ t[1][b[6]] ^ t[0][b[7]]
		b = b[8:]
	}
	for _, x := range b {
		c = c<<8 ^ t[0][byte(c>>8)^x]
	}
	return c
}

// NumSlots is the number of cluster slots.
const NumSlots = 16384

// Slot returns the cluster slot of key, honouring {hash tags}: if the key
// holds a '{' followed later by a '}' with at least one byte between, only
// that part is hashed.
func Slot(key []byte) int {
	if i := bytes.IndexByte(key, '{'); i >= 0 {
		if j := bytes.IndexByte(key[i+1:], '}'); j > 0 {
			return int(crc16(key[i+1:i+1+j]) & (NumSlots - 1))
		}
	}
	return int(crc16(key) & (NumSlots - 1))
}
