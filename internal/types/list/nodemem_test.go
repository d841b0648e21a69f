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
