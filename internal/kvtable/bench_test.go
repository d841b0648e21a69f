package kvtable

import (
	"fmt"
	"runtime"
	"strconv"
	"testing"
)

// benchKeys returns n distinct 10-byte keys.
func benchKeys(n int) [][]byte {
	keys := make([][]byte, n)
	for i := range keys {
		keys[i] = fmt.Appendf(nil, "key:%06d", i)
	}
	return keys
}

func benchTable(b *testing.B, n int) (*Arena, *Table, [][]byte) {
	a := NewArena()
	b.Cleanup(a.Release)
	t := NewTable(a)
	keys := benchKeys(n)
	val := make([]byte, 16)
	for _, k := range keys {
		t.Set(k, val, Meta{}, 0)
	}
	for t.RehashStep(1 << 20) {
	}
	return a, t, keys
}

func BenchmarkFind(b *testing.B) {
	for _, n := range []int{1 << 10, 1 << 16, 1 << 20} {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			_, t, keys := benchTable(b, n)
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				if _, ok := t.Find(keys[i&(n-1)]); !ok {
					b.Fatal("missing key")
				}
			}
		})
	}
}

func BenchmarkFindMiss(b *testing.B) {
	_, t, _ := benchTable(b, 1<<16)
	miss := benchKeys(1 << 17)[1<<16:]
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if _, ok := t.Find(miss[i&(1<<16-1)]); ok {
			b.Fatal("found a missing key")
		}
	}
}

// BenchmarkSetOverwrite is SET of an existing key with a same-size value:
// the record is rewritten in place.
func BenchmarkSetOverwrite(b *testing.B) {
	_, t, keys := benchTable(b, 1<<16)
	val := []byte("0123456789abcdef")
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		t.Set(keys[i&(1<<16-1)], val, Meta{LRU: uint32(i)}, 0)
	}
}

// BenchmarkSetInsertDelete inserts and deletes keys in a table of steady
// size, so records and free-list slots are recycled.
func BenchmarkSetInsertDelete(b *testing.B) {
	_, t, keys := benchTable(b, 1<<16)
	extra := benchKeys(1 << 17)[1<<16:]
	val := make([]byte, 16)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		k := extra[i&(1<<16-1)]
		t.Set(k, val, Meta{}, 0)
		t.Delete(k)
	}
	_ = keys
}

func BenchmarkValue(b *testing.B) {
	_, t, keys := benchTable(b, 1<<16)
	refs := make([]Ref, len(keys))
	for i, k := range keys {
		refs[i], _ = t.Find(k)
	}
	b.ReportAllocs()
	b.ResetTimer()
	sum := 0
	for i := range b.N {
		sum += len(t.Value(refs[i&(1<<16-1)]))
	}
	_ = sum
}

// BenchmarkInsert1M builds a 1M-key table (10-byte keys, 16-byte values)
// and reports the memory it takes per entry, buckets included.
func BenchmarkInsert1M(b *testing.B) {
	const n = 1 << 20
	keys := benchKeys(n)
	val := make([]byte, 16)
	b.ReportAllocs()
	b.ResetTimer()
	var perEntry, usedPerEntry float64
	for range b.N {
		a := NewArena()
		t := NewTable(a)
		for _, k := range keys {
			t.Set(k, val, Meta{}, 0)
		}
		for t.RehashStep(1 << 20) {
		}
		perEntry = float64(a.Bytes()) / n
		usedPerEntry = float64(a.Used()) / n
		a.Release()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/insert")
	b.ReportMetric(perEntry, "bytes/entry")
	b.ReportMetric(usedPerEntry, "used-bytes/entry")
}

// BenchmarkGoMap1M is the baseline rejected in doc.go: a Go map from string
// to a small heap object, measured as live heap bytes per entry (before GC
// headroom, which roughly doubles it at GOGC=100).
func BenchmarkGoMap1M(b *testing.B) {
	const n = 1 << 20
	keys := benchKeys(n)
	type object struct {
		val      []byte
		meta     uint32
		deadline int64
	}
	var perEntry float64
	for range b.N {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		m := make(map[string]*object)
		for _, k := range keys {
			m[string(k)] = &object{val: make([]byte, 16)}
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		perEntry = float64(after.HeapAlloc-before.HeapAlloc) / n
		runtime.KeepAlive(m)
	}
	b.ReportMetric(perEntry, "bytes/entry")
}
