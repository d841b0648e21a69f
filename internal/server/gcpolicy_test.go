package server

import (
	"testing"
	"time"
)

func TestReleaseIfQuiet(t *testing.T) {
	var p gcPolicy
	p.init()
	calls := 0
	p.release = func() { calls++ }
	free, objects, live := uint64(0), uint64(10<<20), uint64(6<<20) // 4 MB of garbage
	p.heapFigures = func() (uint64, uint64, uint64, bool) { return free, objects, live, true }
	now := time.Unix(1000, 0)
	cmds := int64(0)
	tick := func(n int64) {
		cmds += n
		now = now.Add(100 * time.Millisecond)
		p.releaseIfQuiet(cmds, now)
	}

	for range 30 { // busy: never
		tick(500)
	}
	if calls != 0 {
		t.Fatalf("released while busy (%d)", calls)
	}
	for range 9 { // quiet (a few commands a period) for under a second: not yet
		tick(2)
	}
	if calls != 0 {
		t.Fatal("released before a second of quiet")
	}
	for range 20 { // quiet long enough: once, however long it stays quiet
		tick(1)
	}
	if calls != 1 {
		t.Fatalf("%d releases in one quiet spell, want 1", calls)
	}
	tick(500) // a burst, then quiet again: once more
	for range 15 {
		tick(0)
	}
	if calls != 2 {
		t.Fatalf("%d releases after the second quiet spell, want 2", calls)
	}
	tick(500) // quiet again, but nothing worth giving back
	objects = live + 100<<10
	for range 15 {
		tick(0)
	}
	if calls != 2 {
		t.Fatalf("released %d times with 100 KB to give back", calls-2)
	}
}

func TestWorthReleasing(t *testing.T) {
	for _, c := range []struct {
		free, objects, live uint64
		want                bool
	}{
		{0, 1 << 20, 1 << 20, false},        // nothing to give back
		{300 << 10, 1 << 20, 1 << 20, true}, // free pages
		{0, 2 << 20, 1 << 20, true},         // garbage
		{200 << 10, 1 << 20, 1 << 20, false},
		{0, 1<<30 + 100<<20, 1 << 30, false}, // 100 MB against a 1 GB heap: not worth a collection
		{0, 1<<30 + 200<<20, 1 << 30, true},
		{0, 1 << 20, 2 << 20, false}, // objects below live (swept since): no garbage
	} {
		if got := worthReleasing(c.free, c.objects, c.live); got != c.want {
			t.Errorf("worthReleasing(%d, %d, %d) = %v", c.free, c.objects, c.live, got)
		}
	}
}
