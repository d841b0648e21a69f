package keyspace

import (
	"math/rand"
	"testing"
)

// crc16Bitwise is the CRC-16/XMODEM definition, one bit at a time.
func crc16Bitwise(b []byte) uint16 {
	var c uint16
	for _, x := range b {
		c ^= uint16(x) << 8
		for j := 0; j < 8; j++ {
			if c&0x8000 != 0 {
				c = c<<1 ^ 0x1021
			} else {
				c <<= 1
			}
		}
	}
	return c
}

// slotByDefinition is Valkey's keyHashSlot, byte by byte.
func slotByDefinition(key []byte) int {
	for i, c := range key {
		if c != '{' {
			continue
		}
		for j := i + 1; j < len(key); j++ {
			if key[j] == '}' {
				if j > i+1 {
					return int(crc16Bitwise(key[i+1:j]) & (NumSlots - 1))
				}
				break
			}
		}
		break
	}
	return int(crc16Bitwise(key) & (NumSlots - 1))
}

func TestCRC16SlicingMatchesDefinition(t *testing.T) {
	if got := crc16([]byte("123456789")); got != 0x31C3 { // the XMODEM check value
		t.Fatalf("crc16(123456789) = %#x, want 0x31c3", got)
	}
	r := rand.New(rand.NewSource(1))
	for n := 0; n < 20000; n++ {
		b := make([]byte, r.Intn(40))
		for i := range b {
			if r.Intn(3) == 0 {
				b[i] = byte(r.Intn(256))
			} else {
				b[i] = "ab{}c"[r.Intn(5)]
			}
		}
		if got, want := crc16(b), crc16Bitwise(b); got != want {
			t.Fatalf("crc16(%q) = %#x, want %#x", b, got, want)
		}
		if got, want := Slot(b), slotByDefinition(b); got != want {
			t.Fatalf("Slot(%q) = %d, want %d", b, got, want)
		}
	}
}

func BenchmarkSlot(b *testing.B) {
	key := []byte("key:000000012345")
	for i := 0; i < b.N; i++ {
		Slot(key)
	}
}
