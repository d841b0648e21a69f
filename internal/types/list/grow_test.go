package list

import (
	"fmt"
	"runtime"
	"testing"
)

// A list built by RPUSHes of 1000 elements allocates little beyond the
// nodes it keeps: new nodes get their final size and the nodes slice
// grows by doubling (before: 3.4% more for 1M elements, now 1.6%).
func TestBulkPushGarbage(t *testing.T) {
	if testing.Short() {
		t.Skip("1M elements")
	}
	batches := make([][][]byte, 1000)
	for b := range batches {
		batch := make([][]byte, 1000)
		for i := range batch {
			batch[i] = fmt.Appendf(nil, "elem-%06d", b*1000+i)
		}
		batches[b] = batch
	}
	cfg := &DefaultConfig
	var m0, m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	l := New()
	for _, batch := range batches {
		l.Push(cfg, false, batch...)
	}
	runtime.ReadMemStats(&m1)
	kept := 0
	for _, nd := range l.q.live() {
		kept += cap(nd.b)
	}
	kept += cap(l.q.nodes) * sizeofNode
	allocated := m1.TotalAlloc - m0.TotalAlloc
	if float64(allocated) > 1.02*float64(kept) {
		t.Fatalf("allocated %d bytes for a list that keeps %d (%d nodes)", allocated, kept, l.q.n())
	}
	if l.Len() != 1000000 {
		t.Fatalf("len %d", l.Len())
	}
}
