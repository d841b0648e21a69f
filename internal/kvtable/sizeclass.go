package kvtable

import "math/bits"

// Size classes. Class ids start at 1 so that Ref 0 can mean "none":
//
//	id  1..15   16, 24, 32, ... 128 bytes        (8-byte steps)
//	id 16..71   144, 160, ... 16384 bytes        (8 steps per power of two, 12.5%)
//
// Every size is a multiple of 8, so every slot (and every record header) is
// 8-byte aligned inside its chunk.
const (
	minClassSize = 16
	maxClassSize = 16 << 10
	numClasses   = 71

	// Chunks of a class start at about firstChunkBytes and double while they
	// stay within maxGrowBytes; every later chunk is one fullChunkBytes
	// region, which the OS layer aligns to and backs with a huge page.
	firstChunkBytes = 4 << 10
	maxGrowBytes    = 1 << 20
	fullChunkBytes  = 2 << 20

	pageSize = 4096
)

// MaxSlot is the largest block an Arena carves from its chunks; larger
// ones get a mapping each.
const MaxSlot = maxClassSize

// classSizes[id] is the slot size of class id (classSizes[0] is unused).
// Read-only after package initialisation.
var classSizes = func() (s [numClasses + 1]uint32) {
	for id := 1; id <= numClasses; id++ {
		s[id] = computeClassSize(id)
	}
	return s
}()

func computeClassSize(id int) uint32 {
	if id <= 15 {
		return uint32(8 * (id + 1))
	}
	j := id - 16
	p := 7 + j/8
	k := j%8 + 1
	return 1<<p + uint32(k)<<(p-3)
}

// classFor returns the smallest class holding n bytes, or 0 if n is larger
// than maxClassSize.
func classFor(n int) int {
	if n <= 128 {
		if n <= minClassSize {
			return 1
		}
		return (n+7)>>3 - 1
	}
	if n > maxClassSize {
		return 0
	}
	p := bits.Len(uint(n-1)) - 1 // 2^p < n <= 2^(p+1), p >= 7
	step := 1 << (p - 3)
	k := (n - 1<<p + step - 1) >> (p - 3)
	return 15 + (p-7)*8 + k
}

// roundPage rounds n up to a whole number of pages.
func roundPage(n int) int { return (n + pageSize - 1) &^ (pageSize - 1) }
