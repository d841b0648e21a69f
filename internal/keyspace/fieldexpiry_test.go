package keyspace

import (
	"testing"
	"time"
)

// fakeVolatile is a collection whose elements expire at given times.
type fakeVolatile struct{ deadlines []int64 }

func (f *fakeVolatile) HasFieldExpiry() bool { return len(f.deadlines) > 0 }

func (f *fakeVolatile) ReclaimExpiredFields(now int64, max int) (int, int) {
	n := 0
	kept := f.deadlines[:0]
	for _, d := range f.deadlines {
		if now > d && n < max {
			n++
			continue
		}
		kept = append(kept, d)
	}
	f.deadlines = kept
	return n, len(f.deadlines)
}

func (f *fakeVolatile) Clone() any { return &fakeVolatile{append([]int64(nil), f.deadlines...)} }

func TestFieldExpiryIndexFollowsKeys(t *testing.T) {
	ks := newKS(t)
	put := func(db int, key string, deadlines ...int64) {
		withKey(ks, db, 1, key, func(v DB) {
			v.SetObject([]byte(key), TypeHash, EncHashtable, &fakeVolatile{deadlines}, 0)
		})
	}
	put(0, "a", 100)
	put(0, "b") // no deadlines: not indexed
	put(3, "c", 100, 200)
	if n := ks.KeysWithVolatileItems(0); n != 1 {
		t.Fatalf("db0: %d", n)
	}
	// A change in place is picked up by SyncFieldExpiry.
	withKey(ks, 0, 1, "b", func(v DB) {
		e, _ := v.Peek([]byte("b"))
		e.Object().(*fakeVolatile).deadlines = []int64{50}
		e.SyncFieldExpiry()
	})
	if n := ks.KeysWithVolatileItems(0); n != 2 {
		t.Fatalf("after sync: %d", n)
	}
	// Overwriting, deleting and copying keys keep the index right.
	withKey(ks, 0, 1, "a", func(v DB) { v.SetString([]byte("a"), []byte("s"), 0, false) })
	if n := ks.KeysWithVolatileItems(0); n != 1 {
		t.Fatalf("after overwrite: %d", n)
	}
	m := MaskOf([]byte("b")) | MaskOf([]byte("b2"))
	ks.Lock(m)
	v := ks.View(0, 1)
	e, _ := v.Peek([]byte("b"))
	e.CopyTo(v, []byte("b2"), false)
	e.CopyTo(v.WithIndex(1), []byte("b"), true)
	e.Delete()
	ks.Unlock(m)
	if n0, n1 := ks.KeysWithVolatileItems(0), ks.KeysWithVolatileItems(1); n0 != 1 || n1 != 1 {
		t.Fatalf("after copy and move: %d %d", n0, n1)
	}
	ks.SwapDB(ks.View(0, 0), 1, 3)
	if n1, n3 := ks.KeysWithVolatileItems(1), ks.KeysWithVolatileItems(3); n1 != 1 || n3 != 1 {
		t.Fatalf("after swap: %d %d", n1, n3)
	}

	// The active cycle reclaims due elements, deletes emptied keys and
	// reports both.
	type event struct {
		db      int
		key     string
		n       int
		deleted bool
	}
	var events []event
	ks.OnFieldsExpired = func(db int, key []byte, n int, deleted bool) {
		events = append(events, event{db, string(key), n, deleted})
	}
	ks.ActiveExpireCycle(150, 50*time.Millisecond, 1)
	want := map[event]bool{
		{0, "b2", 1, true}: true, // deadline 50
		{3, "b", 1, true}:  true, // moved to db 1, swapped to 3
		{1, "c", 1, false}: true, // c (db 3, swapped to 1): 100 due, 200 not
	}
	if len(events) != len(want) {
		t.Fatalf("events %v", events)
	}
	for _, ev := range events {
		if !want[ev] {
			t.Fatalf("unexpected event %+v (all: %v)", ev, events)
		}
	}
	if ks.Stats.ExpiredFields.Load() != 3 || ks.DBSize(0) != 1 || ks.DBSize(3) != 0 || ks.DBSize(1) != 1 {
		t.Fatalf("expired %d, sizes %d %d %d", ks.Stats.ExpiredFields.Load(), ks.DBSize(0), ks.DBSize(1), ks.DBSize(3))
	}
	if n := ks.KeysWithVolatileItems(1); n != 1 {
		t.Fatalf("c still has a deadline: %d", n)
	}
	ks.FlushAll(ks.View(0, 0), false)
	if n := ks.KeysWithVolatileItems(1); n != 0 {
		t.Fatalf("after FLUSHALL: %d", n)
	}
}
