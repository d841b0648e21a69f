package kvtable

import "math/bits"

// Scan calls fn for every record of one step of Valkey's reverse-binary
// cursor walk (dictScan) and returns the next cursor. Start with cursor 0;
// the walk is over when Scan returns 0. Every record present from the
// first call to the last is passed to fn at least once, however the table
// grows or shrinks between calls; a record may be passed more than once.
//
// fn must not change the table (no Set*, Delete*, Clear, RehashStep,
// GrowValue...). To act on what it sees, fn collects Refs (or keys) into a
// caller-owned slice and the caller acts on them after Scan returns: a Ref
// stays valid until its own record is deleted or moved, so deleting the
// collected records one by one with DeleteRef is safe.
func (t *Table) Scan(cursor uint64, fn func(r Ref)) uint64 {
	if t.n == 0 {
		return 0
	}
	v := cursor
	if t.rehashIdx < 0 {
		m := uint64(len(t.ht[0].b) - 1)
		t.emit(t.ht[0].b[v&m], fn)
		return nextCursor(v, m)
	}
	small, big := t.ht[0].b, t.ht[1].b
	if len(small) > len(big) {
		small, big = big, small
	}
	m0, m1 := uint64(len(small)-1), uint64(len(big)-1)
	// Buckets of ht[0] below rehashIdx are empty (moved), so walking both
	// arrays visits every record whose hash matches v in the low bits of the
	// smaller mask exactly where it lives.
	t.emit(small[v&m0], fn)
	for {
		t.emit(big[v&m1], fn)
		v = nextCursor(v, m1)
		if v&(m0^m1) == 0 {
			return v
		}
	}
}

// nextCursor increments the bits of v covered by mask m, most significant
// first (reverse binary), as dictScan does.
func nextCursor(v, m uint64) uint64 {
	v |= ^m
	v = bits.Reverse64(v)
	v++
	return bits.Reverse64(v)
}

func (t *Table) emit(head uint32, fn func(Ref)) {
	for r := Ref(head); r != 0; {
		next := recNext(t.a.Slice(r))
		fn(r)
		r = next
	}
}

// RandomRef returns a pseudo-random record chosen with the random seed rnd:
// a random non-empty bucket, then a random record of its chain, like
// Valkey's dictGetRandomKey. It never changes the table.
func (t *Table) RandomRef(rnd uint64) (Ref, bool) {
	if t.n == 0 {
		return 0, false
	}
	s := rnd
	b0, b1 := t.ht[0].b, t.ht[1].b
	lo := max(t.rehashIdx, 0) // buckets of ht[0] below lo are empty
	span := uint64(len(b0) - lo + len(b1))
	at := func(i uint64) uint32 {
		if i += uint64(lo); i < uint64(len(b0)) {
			return b0[i]
		}
		return b1[i-uint64(len(b0))]
	}
	var head uint32
	// The load factor stays above 1/8 outside resizes, so 100 tries miss
	// with probability below 2e-6; fall back to a walk from a random bucket.
	for try := 0; try < 100 && head == 0; try++ {
		head = at(splitmix(&s) % span)
	}
	for i, start := uint64(0), splitmix(&s)%span; head == 0 && i < span; i++ {
		head = at((start + i) % span)
	}
	n := uint64(0)
	for r := Ref(head); r != 0; r = recNext(t.a.Slice(r)) {
		n++
	}
	r := Ref(head)
	for k := splitmix(&s) % n; k > 0; k-- {
		r = recNext(t.a.Slice(r))
	}
	return r, true
}

// splitmix advances *s and returns the next value of SplitMix64.
func splitmix(s *uint64) uint64 {
	*s += 0x9e3779b97f4a7c15
	z := *s
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}
