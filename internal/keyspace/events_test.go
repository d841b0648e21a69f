package keyspace

import (
	"sync/atomic"
	"testing"
)

// OnKeyMiss and OnNewKey are called only while the flags word enables
// them, for read misses and creations only.
func TestKeyEventHooks(t *testing.T) {
	ks := New(2)
	var misses, created []string
	ks.OnKeyMiss = func(db int, key []byte) { misses = append(misses, string(key)) }
	ks.OnNewKey = func(db int, key []byte) { created = append(created, string(key)) }
	db := ks.View(1, 1000)
	lockAll := func(f func()) { ks.Lock(AllShards); defer ks.Unlock(AllShards); f() }

	lockAll(func() {
		db.LookupRead([]byte("a"))
		db.SetString([]byte("a"), []byte("1"), 0, false)
	})
	if len(misses)+len(created) != 0 {
		t.Fatalf("hooks off, yet called: %v %v", misses, created)
	}

	var flags atomic.Int64
	const miss, newKey = 1 << 3, 1 << 5
	ks.SetKeyEventFlags(&flags, miss, newKey)
	lockAll(func() {
		db.LookupRead([]byte("z"))
		db.SetString([]byte("y"), []byte("1"), 0, false)
	})
	if len(misses)+len(created) != 0 {
		t.Fatalf("bits clear, yet called: %v %v", misses, created)
	}
	flags.Store(miss | newKey | 1)
	lockAll(func() {
		db.LookupRead([]byte("b"))                       // miss
		db.LookupReadNoTouch([]byte("c"))                // miss
		db.LookupWrite([]byte("d"))                      // a write lookup is no miss
		db.LookupRead([]byte("a"))                       // hit
		db.SetString([]byte("a"), []byte("2"), 0, false) // overwrite
		db.SetString([]byte("e"), []byte("2"), 0, false) // new
		db.SetObject([]byte("f"), TypeList, EncListpack, struct{}{}, 0)
		db.SetObject([]byte("f"), TypeList, EncListpack, struct{}{}, 0) // overwrite
		db.SetRawZeros([]byte("g"), 4)
	})
	if got := join(misses); got != "b,c" {
		t.Fatalf("misses %q, want b,c", got)
	}
	if got := join(created); got != "e,f,g" {
		t.Fatalf("created %q, want e,f,g", got)
	}

	flags.Store(newKey)
	lockAll(func() {
		db.LookupRead([]byte("x"))
		db.SetString([]byte("h"), []byte("1"), 0, false)
	})
	if join(misses) != "b,c" || join(created) != "e,f,g,h" {
		t.Fatalf("after turning misses off: %v %v", misses, created)
	}
}

func join(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += ","
		}
		out += x
	}
	return out
}
