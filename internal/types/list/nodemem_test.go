package list

import (
	"runtime"
	"strconv"
	"sync"
	"testing"
)

// TestNodeMemConcurrent has lists on several goroutines (shards) share one
// NodeMem while dropped quicklists are freed by their cleanups on the
// runtime's goroutine: run under -race by make test.
func TestNodeMemConcurrent(t *testing.T) {
	mem := newCheckedNodeMem()
	cfg := Config{Fill: -2, Mem: mem}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for round := range 20 {
				l := New()
				for i := range 3000 {
					l.Push(&cfg, i%2 == 0, []byte("element-"+strconv.Itoa(g*100000+round*1000+i)))
				}
				for range 1000 {
					l.Pop(false, nil)
				}
				if l.Len() != 2000 || !l.IsQuicklist() {
					t.Errorf("len %d quicklist %v", l.Len(), l.IsQuicklist())
					return
				}
				if round%5 == 0 {
					runtime.GC() // cleanups of earlier rounds' lists run meanwhile
				}
			}
		}()
	}
	wg.Wait()
	waitNodeMemEmpty(t, mem)
}

// TestNodeMemLargeNodes: nodes above the arena's largest slot (64 KB at
// fill -5) live on the Go heap, not in a mapping each.
func TestNodeMemLargeNodes(t *testing.T) {
	mem := newCheckedNodeMem()
	cfg := Config{Fill: -5, Mem: mem}
	l := New()
	for i := range 50000 {
		l.Push(&cfg, false, []byte("element-"+strconv.Itoa(i)))
	}
	if !l.IsQuicklist() || l.q.n() < 5 {
		t.Fatalf("quicklist %v with %d nodes", l.IsQuicklist(), l.q.n())
	}
	checkInvariants(t, l, &cfg)
	for i := range l.q.live() {
		if nd := l.q.at(i); nd.ref != 0 || cap(nd.b) <= 16<<10 && i < l.q.n()-1 {
			t.Fatalf("node %d: ref %d cap %d", i, nd.ref, cap(nd.b))
		}
	}
	if v, ok := l.Index(-1); !ok || string(v.B) != "element-49999" {
		t.Fatalf("last element %q", v.B)
	}
	runtime.KeepAlive(l)
}
