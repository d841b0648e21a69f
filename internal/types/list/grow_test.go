package list

import (
	"fmt"
	"runtime"
	"testing"
)

// A list built by RPUSHes of 1000 elements allocates little beyond what it
// keeps: its nodes, in a NodeMem, get their final size at once (their
// blocks hold little more than the dense nodes), and on the Go heap the
// nodes slice grows by doubling, leaving about its final size behind.
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
	cfg := DefaultConfig
	cfg.Mem = NewNodeMem()
	var m0, m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	l := New()
	for _, batch := range batches {
		l.Push(&cfg, false, batch...)
	}
	runtime.ReadMemStats(&m1)
	if l.Len() != 1000000 {
		t.Fatalf("len %d", l.Len())
	}
	dense := 0
	for _, nd := range l.q.live() {
		dense += len(nd.b)
	}
	if used := cfg.Mem.Used(); float64(used) > 1.03*float64(dense) {
		t.Fatalf("NodeMem holds %d bytes for %d bytes of nodes (%d nodes)", used, dense, l.q.n())
	}
	slice := cap(l.q.nodes) * sizeofNode
	if heap := m1.TotalAlloc - m0.TotalAlloc; heap > uint64(3*slice+64<<10) {
		t.Fatalf("allocated %d bytes of Go heap; the nodes slice is %d", heap, slice)
	}
	t.Logf("%d nodes: %d bytes dense, %d in NodeMem; %d of Go heap allocated, nodes slice %d",
		l.q.n(), dense, cfg.Mem.Used(), m1.TotalAlloc-m0.TotalAlloc, slice)
	runtime.KeepAlive(l)
}
