package keyspace

import (
	"fmt"
	"testing"
)

func TestLFUCounters(t *testing.T) {
	ks := newKS(t)
	const minute = 60 * 1000
	now := int64(1000 * minute)
	get := func(at int64) (freq int64) {
		withKey(ks, 0, at, "k", func(db DB) {
			e, ok := db.Peek([]byte("k"))
			if !ok {
				t.Fatal("k missing")
			}
			freq = db.LFUFreq(e)
		})
		return
	}
	touch := func(at int64) {
		withKey(ks, 0, at, "k", func(db DB) { db.LookupRead([]byte("k")) })
	}

	ks.SetLFU(true, 10, 1)
	if !ks.LFU() {
		t.Fatal("LFU not on")
	}
	withKey(ks, 0, now, "k", func(db DB) { db.SetString([]byte("k"), []byte("v"), 0, false) })
	if f := get(now); f != lfuInitVal {
		t.Fatalf("new key freq %d", f)
	}
	touch(now)
	if f := get(now); f != lfuInitVal+1 {
		t.Fatalf("first access must count: %d", f)
	}
	for i := 0; i < 1000; i++ {
		touch(now)
	}
	f := get(now)
	if f < 10 || f > 40 {
		t.Fatalf("freq after 1000 accesses: %d (logarithmic counter)", f)
	}
	// One point lost per decay period (1 minute) without access.
	if g := get(now + 3*minute); g != f-3 {
		t.Fatalf("after 3 minutes: %d want %d", g, f-3)
	}
	if g := get(now + 1000*minute); g != 0 {
		t.Fatalf("after a long idle time: %d", g)
	}
	// An overwrite keeps the counter, as Valkey's dbSetValue does.
	withKey(ks, 0, now, "k", func(db DB) { db.SetString([]byte("k"), []byte("w"), 0, false) })
	if g := get(now); g != f {
		t.Fatalf("overwrite reset the counter: %d want %d", g, f)
	}
	// A move (RENAME) keeps it; a copy starts afresh.
	m := MaskOf([]byte("k")) | MaskOf([]byte("moved")) | MaskOf([]byte("copied"))
	ks.Lock(m)
	db := ks.View(0, now)
	e, _ := db.Peek([]byte("k"))
	e.CopyTo(db, []byte("copied"), false)
	e.CopyTo(db.WithIndex(1), []byte("moved"), true)
	e.Delete()
	c, _ := db.Peek([]byte("copied"))
	mv, _ := db.WithIndex(1).Peek([]byte("moved"))
	if db.LFUFreq(c) != lfuInitVal || db.LFUFreq(mv) != f {
		t.Fatalf("copy %d (want %d), move %d (want %d)", db.LFUFreq(c), lfuInitVal, db.LFUFreq(mv), f)
	}
	ks.Unlock(m)

	ks.SetLFU(false, 0, 0)
	withKey(ks, 0, now, "lru", func(db DB) { db.SetString([]byte("lru"), []byte("v"), 0, false) })
	withKey(ks, 0, now+5000, "lru", func(db DB) {
		e, _ := db.Peek([]byte("lru"))
		if IdleMillis(e.LRU(), db.Now) != 5000 {
			t.Fatalf("idle %d", IdleMillis(e.LRU(), db.Now))
		}
	})
}

func TestLFUMinuteClockWraps(t *testing.T) {
	// The 16-bit minute clock wraps every ~45 days.
	if got := lfuElapsed(65530, 3*60*1000); got != 65535-65530+3 {
		t.Fatalf("elapsed across the wrap: %d", got)
	}
}

func TestLookupReadNoTouchCounts(t *testing.T) {
	ks := newKS(t)
	withKey(ks, 0, 1000, "k", func(db DB) { db.SetString([]byte("k"), []byte("v"), 0, false) })
	withKey(ks, 0, 500000, "k", func(db DB) {
		e, ok := db.LookupReadNoTouch([]byte("k"))
		if !ok || e.LRU() != LRUClock(1000) {
			t.Fatal("LookupReadNoTouch touched the key")
		}
		db.LookupReadNoTouch([]byte("nokey"))
	})
	if ks.Stats.Hits.Load() != 1 || ks.Stats.Misses.Load() != 1 {
		t.Fatalf("hits %d misses %d", ks.Stats.Hits.Load(), ks.Stats.Misses.Load())
	}
}

func TestScanReclaimsExpiredMatches(t *testing.T) {
	ks := newKS(t)
	var expired []string
	ks.OnExpire = func(db int, key []byte) { expired = append(expired, string(key)) }
	for i := 0; i < 50; i++ {
		k := fmt.Sprint("dead:", i)
		withKey(ks, 0, 1000, k, func(db DB) { db.SetString([]byte(k), []byte("v"), 1500, false) })
		k = fmt.Sprint("other:", i)
		withKey(ks, 0, 1000, k, func(db DB) { db.SetString([]byte(k), []byte("v"), 1500, false) })
	}
	onlyDead := func(key []byte, _ uint8) bool { return string(key[:5]) == "dead:" }
	var cur uint64
	for {
		keys, next := ks.Scan(ks.View(0, 2000), cur, 7, onlyDead)
		if len(keys) != 0 {
			t.Fatalf("expired keys returned: %q", keys)
		}
		if cur = next; cur == 0 {
			break
		}
	}
	// Keys the filter rejected stay until something else reclaims them.
	if len(expired) != 50 || ks.DBSize(0) != 50 {
		t.Fatalf("reclaimed %d, left %d", len(expired), ks.DBSize(0))
	}
	if n := ks.FlushDB(ks.View(0, 0)); n != 50 {
		t.Fatalf("FlushDB reported %d keys", n)
	}
	withKey(ks, 3, 1000, "x", func(db DB) { db.SetString([]byte("x"), []byte("v"), 0, false) })
	withKey(ks, 4, 1000, "y", func(db DB) { db.SetString([]byte("y"), []byte("v"), 0, false) })
	if n := ks.FlushAll(ks.View(0, 0), false); n != 2 {
		t.Fatalf("FlushAll reported %d keys", n)
	}
}

func TestScanHugeCount(t *testing.T) {
	ks := newKS(t)
	for i := 0; i < 500; i++ {
		k := fmt.Sprint("k", i)
		withKey(ks, 0, 1, k, func(db DB) { db.SetString([]byte(k), []byte("v"), 0, false) })
	}
	keys, next := ks.Scan(ks.View(0, 1), 0, int(^uint(0)>>1), nil)
	if next != 0 || len(keys) != 500 {
		t.Fatalf("COUNT max: %d keys, cursor %d", len(keys), next)
	}
}
