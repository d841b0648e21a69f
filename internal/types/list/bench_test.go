package list

import (
	"strconv"
	"testing"
)

var benchVal = []byte("element:000000123")

func BenchmarkPushPopTail(b *testing.B) {
	cfg := &DefaultConfig
	l := New()
	for i := 0; i < 1000; i++ {
		l.Push(cfg, false, benchVal)
	}
	var buf [64]byte
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		l.Push(cfg, false, benchVal)
		l.Pop(false, buf[:0])
	}
}

func BenchmarkPushHeadPopTail(b *testing.B) {
	cfg := &DefaultConfig
	l := New()
	for i := 0; i < 100000; i++ {
		l.Push(cfg, true, benchVal)
	}
	var buf [64]byte
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		l.Push(cfg, true, benchVal)
		l.Pop(false, buf[:0])
	}
}

func BenchmarkPushSmallList(b *testing.B) {
	cfg := &DefaultConfig
	l := New()
	var buf [64]byte
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		l.Push(cfg, true, benchVal)
		if l.Len() > 50 {
			for l.Len() > 0 {
				l.Pop(true, buf[:0])
			}
			l.Shrink(cfg)
		}
	}
}

func benchRange(b *testing.B, n int, quick bool) {
	cfg := &DefaultConfig
	l := New()
	total := n
	if quick {
		total = 10000
	}
	for i := 0; i < total; i++ {
		l.Push(cfg, false, []byte("v"+strconv.Itoa(i)))
	}
	b.ReportAllocs()
	sum := 0
	for i := 0; i < b.N; i++ {
		it := l.IterFrom(0, false)
		for j := 0; j < n; j++ {
			v, _ := it.Next()
			sum += len(v.B)
		}
	}
	_ = sum
}

func BenchmarkRange100(b *testing.B)          { benchRange(b, 100, false) }
func BenchmarkRange600Quicklist(b *testing.B) { benchRange(b, 600, true) }

func BenchmarkIndexMiddle(b *testing.B) {
	cfg := &DefaultConfig
	l := New()
	for i := 0; i < 100000; i++ {
		l.Push(cfg, false, benchVal)
	}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		l.Index(50000)
	}
}
