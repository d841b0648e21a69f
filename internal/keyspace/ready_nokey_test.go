package keyspace

import "testing"

// streamObj stands in for a stream value (the keyspace only stores it).
type streamObj struct{}

// NoKey waiters (XREADGROUP) are signalled when their key is deleted,
// overwritten, expired, flushed or swapped away; other waiters are not.
func TestNoKeyWaitersSignalledOnDeletion(t *testing.T) {
	ks := New(4)
	defer ks.Close()
	db := ks.View(0, 1000)
	setStream := func(key string) {
		db.SetObject([]byte(key), TypeStream, EncStream, &streamObj{}, 0)
	}
	block := func(w *Waiter, key string) {
		ks.Lock(AllShards)
		db.Block(w, [][]byte{[]byte(key)})
		ks.Unlock(AllShards)
	}
	takeReady := func() []ReadyKey { return ks.TakeReady(nil) }

	ks.Lock(AllShards)
	setStream("s")
	ks.Unlock(AllShards)
	takeReady()
	plain := &Waiter{Owner: "xread"}
	group := &Waiter{Owner: "xreadgroup", NoKey: true}
	block(plain, "s")
	block(group, "s")
	if ks.BlockingKeys() != 1 || ks.BlockingKeysOnNoKey() != 1 {
		t.Fatalf("blocking keys %d, on nokey %d", ks.BlockingKeys(), ks.BlockingKeysOnNoKey())
	}

	steps := []struct {
		name   string
		change func()
		ready  bool
	}{
		{"DEL", func() { db.Delete([]byte("s")) }, true},
		{"SET over it", func() {
			setStream("s")
			takeReady()             // the SetObject signal...
			ks.Waiters(0, "s", nil) // ...served
			db.SetString([]byte("s"), []byte("x"), 0, false)
		}, true},
		{"a string deleted", func() { db.Delete([]byte("s")) }, false},
		{"expired", func() {
			setStream("s")
			takeReady()             // the SetObject signal...
			ks.Waiters(0, "s", nil) // ...served
			e, _ := db.Peek([]byte("s"))
			e.SetExpire(500) // in the past for db.Now
			db.Exists([]byte("s"))
		}, true},
		{"a missing key deleted", func() { db.Delete([]byte("s")) }, false},
	}
	for _, st := range steps {
		ks.Lock(AllShards)
		st.change()
		ks.Unlock(AllShards)
		if got := takeReady(); (len(got) == 1) != st.ready {
			t.Fatalf("%s: ready = %v", st.name, got)
		}
		ks.Lock(AllShards)
		ks.Waiters(0, "s", nil) // served: clears the ready mark
		ks.Unlock(AllShards)
	}

	ks.Lock(AllShards)
	setStream("s")
	ks.Waiters(0, "s", nil)
	ks.Unlock(AllShards)
	takeReady()
	ks.FlushDB(ks.View(0, 1000))
	if got := takeReady(); len(got) != 1 {
		t.Fatalf("FLUSHDB: ready = %v", got)
	}
	ks.Lock(AllShards)
	setStream("s")
	ks.Waiters(0, "s", nil)
	ks.Unlock(AllShards)
	takeReady()

	// SWAPDB: a stream swapped for a stream is no deletion; for a list, or
	// for nothing, it is.
	ks.Lock(AllShards)
	ks.View(1, 1000).SetObject([]byte("s"), TypeStream, EncStream, &streamObj{}, 0)
	ks.Unlock(AllShards)
	ks.SwapDB(ks.View(0, 1000), 0, 1)
	if got := takeReady(); len(got) != 0 {
		t.Fatalf("SWAPDB stream for stream: ready = %v", got)
	}
	ks.SwapDB(ks.View(0, 1000), 0, 2)
	if got := takeReady(); len(got) != 1 || got[0] != (ReadyKey{0, "s"}) {
		t.Fatalf("SWAPDB stream for nothing: ready = %v", got)
	}

	ks.Lock(AllShards)
	ks.Unblock(group)
	ks.Unblock(plain)
	ks.Unlock(AllShards)
	if ks.BlockingKeys() != 0 || ks.BlockingKeysOnNoKey() != 0 {
		t.Fatalf("after unblock: %d %d", ks.BlockingKeys(), ks.BlockingKeysOnNoKey())
	}
}
