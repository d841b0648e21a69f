package keyspace

import (
	"fmt"
	"sort"
	"testing"
)

// In import mode a key whose TTL passed is missing but kept for ordinary
// readers, deleted by writers, and live for the import source; Keys, Scan
// and RandomKey follow the same policy (Valkey's expire.c import mode).
func TestImportModeExpiryPolicies(t *testing.T) {
	ks := newKS(t)
	var expired []string
	ks.OnExpire = func(db int, key []byte) { expired = append(expired, string(key)) }
	for _, k := range []string{"a", "b", "c"} {
		withKey(ks, 0, 1000, k, func(db DB) { db.SetString([]byte(k), []byte("v"), 1500, false) })
	}
	ks.SetImportMode(true)
	if !ks.ImportMode() {
		t.Fatal("ImportMode")
	}
	const now = 2000 // every key is past its deadline
	source := func(db int) DB { v := ks.View(db, now); v.ImportSource = true; return v }

	withKey(ks, 0, now, "a", func(db DB) {
		if _, ok := db.LookupRead([]byte("a")); ok {
			t.Fatal("an ordinary reader sees an expired key in import mode")
		}
	})
	if ks.DBSize(0) != 3 || len(expired) != 0 {
		t.Fatalf("a read deleted an expired key in import mode: dbsize %d, expired %q", ks.DBSize(0), expired)
	}
	if keys := ks.Keys(ks.View(0, now), nil); len(keys) != 0 {
		t.Fatalf("KEYS shows expired keys to an ordinary client: %q", keys)
	}
	if keys, _ := ks.Scan(ks.View(0, now), 0, 1000, nil); len(keys) != 0 || ks.DBSize(0) != 3 {
		t.Fatalf("SCAN in import mode: %q, dbsize %d", keys, ks.DBSize(0))
	}
	// With every key expired, RANDOMKEY returns one after its tries rather
	// than looping (Valkey's maxtries for replicas and import mode).
	if k := ks.RandomKey(ks.View(0, now)); k == nil || ks.DBSize(0) != 3 {
		t.Fatalf("RANDOMKEY in import mode: %q, dbsize %d", k, ks.DBSize(0))
	}

	withKey(ks, 0, now, "a", func(db DB) {
		db.ImportSource = true
		if e, ok := db.LookupRead([]byte("a")); !ok || e.Expire() != 1500 {
			t.Fatal("the import source does not see an expired key")
		}
		if _, ok := db.LookupWrite([]byte("a")); !ok {
			t.Fatal("the import source cannot write an expired key")
		}
	})
	keys := ks.Keys(source(0), nil)
	sort.Slice(keys, func(i, j int) bool { return string(keys[i]) < string(keys[j]) })
	if fmt.Sprintf("%q", keys) != `["a" "b" "c"]` {
		t.Fatalf("KEYS for the import source: %q", keys)
	}
	if keys, _ := ks.Scan(source(0), 0, 1000, nil); len(keys) != 3 {
		t.Fatalf("SCAN for the import source: %q", keys)
	}
	if k := ks.RandomKey(source(0)); k == nil {
		t.Fatal("RANDOMKEY for the import source")
	}

	// An ordinary writer deletes, as on any primary.
	withKey(ks, 0, now, "b", func(db DB) {
		if _, ok := db.LookupWrite([]byte("b")); ok {
			t.Fatal("a writer sees an expired key")
		}
	})
	if ks.DBSize(0) != 2 || len(expired) != 1 || expired[0] != "b" {
		t.Fatalf("write lookup in import mode: dbsize %d, expired %q", ks.DBSize(0), expired)
	}

	// Out of import mode the import-source flag no longer matters.
	ks.SetImportMode(false)
	withKey(ks, 0, now, "a", func(db DB) {
		db.ImportSource = true
		if _, ok := db.LookupRead([]byte("a")); ok {
			t.Fatal("import source flag honoured outside import mode")
		}
	})
	if keys, _ := ks.Scan(ks.View(0, now), 0, 1000, nil); len(keys) != 0 || ks.DBSize(0) != 0 {
		t.Fatalf("SCAN after import mode: %q, dbsize %d", keys, ks.DBSize(0))
	}
}

func TestHTStatsCombinesShards(t *testing.T) {
	ks := newKS(t)
	if _, _, mainOK, targetOK := ks.HTStats(ks.View(0, 0), false); mainOK || targetOK {
		t.Fatal("an empty database has tables to describe")
	}
	const n = 1000
	for i := 0; i < n; i++ {
		k := fmt.Sprint("k", i)
		withKey(ks, 0, 1, k, func(db DB) { db.SetString([]byte(k), []byte("v"), 0, false) })
	}
	ks.Cron(1e9) // finish every resize
	main, _, mainOK, targetOK := ks.HTStats(ks.View(0, 0), true)
	if !mainOK || targetOK || main.Entries != n || main.Buckets < n/2 {
		t.Fatalf("stats: %+v ok %v target %v", main, mainOK, targetOK)
	}
	chained := 0
	for l, c := range main.Chains {
		chained += l * c
	}
	if chained != n || main.NonEmpty == 0 || main.MaxChain == 0 {
		t.Fatalf("chain lengths do not add up: %d of %d, %+v", chained, n, main)
	}
	// Emptied tables give their buckets back.
	for i := 0; i < n; i++ {
		k := fmt.Sprint("k", i)
		withKey(ks, 0, 1, k, func(db DB) { db.Delete([]byte(k)) })
	}
	ks.Cron(1e9)
	if main, _, mainOK, _ := ks.HTStats(ks.View(0, 0), false); mainOK {
		t.Fatalf("buckets kept after every key was deleted: %+v", main)
	}
}
