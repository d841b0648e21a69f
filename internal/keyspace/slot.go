package keyspace

// crc16 (XMODEM, polynomial 0x1021) as Redis Cluster uses for key slots.
var crc16tab = func() (t [256]uint16) {
	for i := range t {
		c := uint16(i) << 8
		for j := 0; j < 8; j++ {
			if c&0x8000 != 0 {
				c = c<<1 ^ 0x1021
			} else {
				c <<= 1
			}
		}
		t[i] = c
	}
	return
}()

func crc16(b []byte) uint16 {
	var c uint16
	for _, x := range b {
		c = c<<8 ^ crc16tab[byte(c>>8)^x]
	}
	return c
}

// NumSlots is the number of cluster slots.
const NumSlots = 16384

// Slot returns the cluster slot of key, honouring {hash tags}: if the key
// holds a '{' followed later by a '}' with at least one byte between, only
// that part is hashed.
func Slot(key []byte) int {
	for i, c := range key {
		if c == '{' {
			for j := i + 1; j < len(key); j++ {
				if key[j] == '}' {
					if j > i+1 {
						return int(crc16(key[i+1:j]) & (NumSlots - 1))
					}
					break
				}
			}
			break
		}
	}
	return int(crc16(key) & (NumSlots - 1))
}
