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

func TestArenaTrim(t *testing.T) {
	a := NewArena()
	defer a.Release()
	keep, _ := a.Alloc(40)
	var refs []Ref
	for _, n := range []int{16, 64, 1024, 8192} {
		r, _ := a.Alloc(n)
		refs = append(refs, r)
	}
	for _, r := range refs {
		a.Free(r)
	}
	before := a.Bytes()
	if got := a.Trim(); got == 0 || a.Bytes() != before-got {
		t.Fatalf("Trim released %d, Bytes %d -> %d", got, before, a.Bytes())
	}
	// The class still in use keeps its chunk; emptied classes work again.
	if a.Bytes() != int64(roundPage(int(classSizes[classFor(40)])<<a.classes[classFor(40)].c0Shift)) {
		t.Fatalf("Bytes after Trim %d", a.Bytes())
	}
	r, b := a.Alloc(1024)
	b[0] = 1
	if a.Slice(r)[0] != 1 || a.Trim() != 0 {
		t.Fatal("class unusable after Trim")
	}
	a.Free(r)
	a.Free(keep)
	a.Trim()
	if a.Bytes() != 0 || a.Used() != 0 {
		t.Fatalf("after freeing everything: Bytes %d Used %d", a.Bytes(), a.Used())
	}
}

func TestArenaResident(t *testing.T) {
	a := NewArena()
	defer a.Release()
	if a.Resident() != 0 {
		t.Fatal("empty arena resident")
	}
	id := classFor(48)
	c := &a.classes[id]
	var refs []Ref
	// Fill chunk 0 and start chunk 1: chunk 0 counts whole, chunk 1 by the
	// pages reached.
	for i := 0; i < int(c.chunkSlots(0))+1; i++ {
		r, _ := a.Alloc(48)
		refs = append(refs, r)
	}
	want := int64(len(c.chunks[0].b) + pageSize)
	if got := a.Resident(); got != want || a.Bytes() <= got {
		t.Fatalf("Resident %d, want %d (Bytes %d)", got, want, a.Bytes())
	}
	for _, r := range refs {
		a.Free(r)
	}
	// The emptied class keeps chunk 0, whose pages stay written.
	if got := a.Resident(); got != int64(len(c.chunks[0].b)) {
		t.Fatalf("Resident %d after freeing, chunk 0 is %d", got, len(c.chunks[0].b))
	}
	a.Trim()
	if a.Resident() != 0 || a.Bytes() != 0 {
		t.Fatalf("after Trim: Resident %d Bytes %d", a.Resident(), a.Bytes())
	}
	r, _ := a.Alloc(100 << 10) // a dedicated mapping counts whole
	if a.Resident() != int64(roundPage(100<<10)) {
		t.Fatalf("large: Resident %d", a.Resident())
	}
	a.Free(r)
}
