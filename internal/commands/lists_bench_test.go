package commands

import (
	"testing"

	"petrel/internal/resp"
	"petrel/internal/types/list"
)

// BenchmarkWriteRange600 is LRANGE 0 599's reply on a long list of
// three-byte strings (redis-benchmark's lrange_600).
func BenchmarkWriteRange600(b *testing.B) {
	cfg := list.DefaultConfig
	cfg.Mem = list.NewNodeMem()
	l := &listValue{*list.New()}
	for range 10000 {
		l.Push(&cfg, true, []byte("xxx"))
	}
	w := &resp.Writer{Proto: 2}
	b.ReportAllocs()
	for b.Loop() {
		w.Reset()
		writeRange(w, l, 0, 600, false)
	}
}
