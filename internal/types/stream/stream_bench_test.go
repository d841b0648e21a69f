package stream

import (
	"runtime"
	"testing"
)

// BenchmarkAddMemory adds entries as `XADD s * field12345 value12345` does
// (IDs a few per millisecond) and reports the bytes allocated and the bytes
// still live per entry: their difference is garbage the GC must collect,
// which shows up as RSS above the live heap.
func BenchmarkAddMemory(b *testing.B) {
	fv := [][]byte{[]byte("field12345"), []byte("value12345")}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	s := New()
	n := 0
	for b.Loop() {
		id := s.NextID(1_700_000_000_000 + uint64(n/7))
		if err := s.Add(id, fv, DefaultConfig); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.StopTimer()
	runtime.ReadMemStats(&after)
	alloc := after.TotalAlloc - before.TotalAlloc
	runtime.GC()
	runtime.ReadMemStats(&after)
	live := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	b.ReportMetric(float64(alloc)/float64(n), "alloc-B/entry")
	b.ReportMetric(float64(live)/float64(n), "live-B/entry")
	runtime.KeepAlive(s)
}
