package stream

import (
	"math/rand/v2"
	"sort"
	"testing"
)

// checkNodeList checks the chunk invariants: no empty chunk but a lone
// first one, every chunk but the first and the last full, the count right.
func checkNodeList(t *testing.T, l *nodeList) {
	t.Helper()
	n := 0
	for k, c := range l.chunks {
		n += len(c)
		if len(c) == 0 && (k > 0 || len(l.chunks) > 1) {
			t.Fatalf("chunk %d of %d is empty", k, len(l.chunks))
		}
		if k > 0 && k < len(l.chunks)-1 && len(c) != nodeChunk {
			t.Fatalf("middle chunk %d has %d nodes", k, len(c))
		}
		if k > 0 && cap(c) != nodeChunk {
			t.Fatalf("chunk %d has room for %d nodes", k, cap(c))
		}
	}
	if n != l.n {
		t.Fatalf("Len %d, chunks hold %d", l.n, n)
	}
}

// TestNodeList drives a nodeList and a plain slice with the same pushes,
// head pops and middle removals, comparing at, last and search.
func TestNodeList(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var l nodeList
	var model []node
	next := uint64(1)
	compare := func() {
		t.Helper()
		checkNodeList(t, &l)
		if l.Len() != len(model) {
			t.Fatalf("Len %d, want %d", l.Len(), len(model))
		}
		for i := range model {
			if l.at(i).master != model[i].master {
				t.Fatalf("at(%d) = %v, want %v", i, l.at(i).master, model[i].master)
			}
		}
		if len(model) == 0 {
			if l.last() != nil || l.search(ID{Ms: next}) != -1 {
				t.Fatalf("empty list has a last node or finds one")
			}
			return
		}
		if l.last().master != model[len(model)-1].master {
			t.Fatalf("last = %v", l.last().master)
		}
		for j := 0; j < 20; j++ {
			id := ID{Ms: rng.Uint64N(next + 2)}
			want := sort.Search(len(model), func(i int) bool { return id.Less(model[i].master) }) - 1
			if got := l.search(id); got != want {
				t.Fatalf("search(%v) = %d, want %d", id, got, want)
			}
		}
	}
	for step := 0; step < 2000; step++ {
		// Sizes up to ~16 chunks, down to empty.
		switch r := rng.IntN(10); {
		case len(model) == 0 || (r < 6 && len(model) < 16*nodeChunk):
			for k := rng.IntN(300); k >= 0; k-- {
				nd := node{master: ID{Ms: next}}
				next += 1 + rng.Uint64N(3)
				l.push(nd)
				model = append(model, nd)
			}
		case r < 8 || len(model) >= 16*nodeChunk:
			for k := rng.IntN(300); k >= 0 && len(model) > 0; k-- {
				l.popFront()
				model = model[1:]
			}
		default:
			i := rng.IntN(len(model))
			l.remove(i)
			model = append(model[:i:i], model[i+1:]...)
		}
		compare()
	}
	compare()
}
