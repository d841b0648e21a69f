//go:build linux && (amd64 || arm64)

package kvtable

import (
	"testing"
	"unsafe"
)

func TestHugeChunksAligned(t *testing.T) {
	a := NewArena()
	defer a.Release()
	aligned := func(b []byte) bool {
		return uintptr(unsafe.Pointer(unsafe.SliceData(b)))%hugePageSize == 0
	}
	// A large block of at least a huge page, and a class's full-size chunk.
	r, b := a.Alloc(3 << 20)
	if !aligned(b) || a.Bytes() != 3<<20 {
		t.Fatalf("3 MiB block: aligned %v, Bytes %d", aligned(b), a.Bytes())
	}
	a.Free(r)
	c := &a.classes[classFor(40)]
	for len(c.chunks) <= int(c.growChunks) {
		a.Alloc(40)
	}
	full := c.chunks[c.growChunks].b
	if len(full) != fullChunkBytes || !aligned(full) {
		t.Fatalf("full-size chunk: %d bytes, aligned %v", len(full), aligned(full))
	}
}
