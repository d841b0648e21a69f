package server

import (
	"runtime"
	"testing"
	"time"
)

// sink keeps garbage reachable until the test drops it.
var gcTestSink [][]byte

func TestReleaseIfQuiet(t *testing.T) {
	var p gcPolicy
	p.init()
	calls := 0
	p.release = func() { calls++ }
	garbage := func() {
		for range 64 {
			gcTestSink = append(gcTestSink, make([]byte, 64<<10))
		}
		gcTestSink = nil // 4 MB of garbage no collection has seen yet
	}
	runtime.GC()
	now := time.Unix(1000, 0)
	cmds := int64(0)
	tick := func(n int64) {
		cmds += n
		now = now.Add(100 * time.Millisecond)
		p.releaseIfQuiet(cmds, now)
	}

	garbage()
	for range 30 { // busy: never
		tick(500)
	}
	if calls != 0 {
		t.Fatalf("released while busy (%d)", calls)
	}
	for range 9 { // quiet for less than a second: not yet
		tick(2)
	}
	if calls != 0 {
		t.Fatalf("released after %v quiet", 900*time.Millisecond)
	}
	for range 20 { // quiet long enough: once, however long it stays quiet
		tick(1)
	}
	if calls != 1 {
		t.Fatalf("%d releases in one quiet spell, want 1", calls)
	}
	tick(500) // a burst, then quiet again with new garbage: once more
	garbage()
	for range 15 {
		tick(0)
	}
	if calls != 2 {
		t.Fatalf("%d releases after the second quiet spell, want 2", calls)
	}
}
