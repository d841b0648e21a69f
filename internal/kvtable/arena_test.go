package kvtable

import (
	"testing"
)

func TestClassFor(t *testing.T) {
	prev := uint32(0)
	for id := 1; id <= numClasses; id++ {
		s := classSizes[id]
		if s <= prev || s%8 != 0 {
			t.Fatalf("class %d size %d after %d", id, s, prev)
		}
		if id > 16 && float64(s)/float64(prev) > 1.126 {
			t.Fatalf("class %d: step %d -> %d over 12.5%%", id, prev, s)
		}
		prev = s
	}
	if classSizes[numClasses] != maxClassSize {
		t.Fatalf("largest class %d", classSizes[numClasses])
	}
	for n := 0; n <= maxClassSize; n++ {
		id := classFor(n)
		if id < 1 || id > numClasses || int(classSizes[id]) < n || (id > 1 && int(classSizes[id-1]) >= n) {
			t.Fatalf("classFor(%d) = %d", n, id)
		}
	}
	if classFor(maxClassSize+1) != 0 {
		t.Fatal("classFor past the largest class")
	}
}

func TestLocate(t *testing.T) {
	a := NewArena()
	defer a.Release()
	for id := 1; id <= numClasses; id++ {
		c := &a.classes[id]
		next := uint32(0)
		for i := 0; next < maxSlots; i++ {
			slots := c.chunkSlots(i)
			for _, off := range []uint32{0, 1, slots / 2, slots - 2, slots - 1} {
				if off >= slots || next+off >= maxSlots {
					continue
				}
				ci, co := c.locate(next + off)
				if ci != i || co != off {
					t.Fatalf("class %d slot %d: locate = (%d, %d), want (%d, %d)", id, next+off, ci, co, i, off)
				}
			}
			next += slots
		}
	}
}

func TestArenaSlots(t *testing.T) {
	for _, heap := range []bool{false, true} {
		a := NewArena()
		a.noMmap = heap
		// Enough 24-byte blocks to fill several full-size chunks; each block
		// holds its own Ref, so any overlap shows.
		const n = 150_000
		refs := make([]Ref, n)
		for i := range refs {
			r, b := a.Alloc(20)
			if len(b) != 24 {
				t.Fatalf("Alloc(20) gave %d bytes", len(b))
			}
			ne.PutUint32(b, uint32(r))
			ne.PutUint32(b[20:], uint32(i))
			refs[i] = r
		}
		for i, r := range refs {
			b := a.Slice(r)
			if Ref(ne.Uint32(b)) != r || ne.Uint32(b[20:]) != uint32(i) {
				t.Fatalf("block %d overwritten", i)
			}
		}
		if a.Used() != 24*n {
			t.Fatalf("Used %d", a.Used())
		}
		if a.Bytes() < 24*n || a.Bytes() > 24*n*5/4+(1<<20) {
			t.Fatalf("Bytes %d for %d bytes in use", a.Bytes(), 24*n)
		}
		// Free list: the last freed slot is reused first.
		a.Free(refs[77])
		a.Free(refs[5])
		if r, _ := a.Alloc(17); r != refs[5] {
			t.Fatalf("free list not reused: got %#x want %#x", r, refs[5])
		}
		if r, _ := a.Alloc(24); r != refs[77] {
			t.Fatalf("free list not reused: got %#x want %#x", r, refs[77])
		}
		// Freeing everything returns all chunks but the first.
		for _, r := range refs {
			a.Free(r)
		}
		if a.Used() != 0 || a.Bytes() != pageSize {
			t.Fatalf("after freeing all: Used %d Bytes %d", a.Used(), a.Bytes())
		}
		if r, _ := a.Alloc(24); r != refs[0] {
			t.Fatal("an emptied class does not restart at slot 0")
		}
		a.Release()
		if a.Bytes() != 0 || a.Used() != 0 {
			t.Fatal("Release left memory")
		}
	}
}

func TestArenaLarge(t *testing.T) {
	a := NewArena()
	defer a.Release()
	r1, b1 := a.Alloc(maxClassSize + 1)
	if r1.class() != largeClass || len(b1) != roundPage(maxClassSize+1) || a.Cap(r1) != len(b1) {
		t.Fatalf("large block: class %d len %d", r1.class(), len(b1))
	}
	for i := range b1 {
		b1[i] = 0xff
	}
	r2, b2 := a.Alloc(1 << 20)
	if len(b2) != 1<<20 || a.Bytes() != int64(len(b1)+len(b2)) || a.Used() != a.Bytes() {
		t.Fatalf("Bytes %d Used %d", a.Bytes(), a.Used())
	}
	a.Free(r1)
	if a.Bytes() != 1<<20 {
		t.Fatalf("large block not unmapped: Bytes %d", a.Bytes())
	}
	r3, b3 := a.Alloc(100_000)
	if r3 != r1 || b3[0] != 0 {
		t.Fatal("large index not reused, or memory not fresh")
	}
	a.Free(r2)
	a.Free(r3)
	if a.Bytes() != 0 || a.Used() != 0 {
		t.Fatalf("Bytes %d Used %d", a.Bytes(), a.Used())
	}
}

func TestArenaEmptyCostsNothing(t *testing.T) {
	a := NewArena()
	defer a.Release()
	tb := NewTable(a)
	if a.Bytes() != 0 {
		t.Fatal("empty arena reserved memory")
	}
	tb.Set([]byte("k"), []byte("v"), Meta{}, 0)
	if a.Bytes() > 2*pageSize {
		t.Fatalf("one key reserved %d bytes", a.Bytes())
	}
	tb.Clear()
	if a.Used() != 0 {
		t.Fatalf("Used %d after Clear", a.Used())
	}
}
