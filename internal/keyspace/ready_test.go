package keyspace

import (
	"slices"
	"testing"
)

func waiterOwners(ws []*Waiter) []string {
	var out []string
	for _, w := range ws {
		out = append(out, w.Owner.(string))
	}
	return out
}

func TestWaitersReadyKeys(t *testing.T) {
	ks := New(4)
	defer ks.Close()
	db := ks.View(1, 0)
	a, b, c := &Waiter{Owner: "a"}, &Waiter{Owner: "b"}, &Waiter{Owner: "c"}
	ks.Lock(AllShards)
	db.Block(a, [][]byte{[]byte("k1"), []byte("k2"), []byte("k1")}) // a key once
	db.Block(b, [][]byte{[]byte("k2")})
	db.Block(c, [][]byte{[]byte("k1")})
	ks.Unlock(AllShards)
	if got := ks.BlockingKeys(); got != 2 {
		t.Fatalf("blocking keys = %d", got)
	}
	if ks.HasReady() {
		t.Fatal("ready before any signal")
	}

	ks.Lock(AllShards)
	db.SignalReady([]byte("k2"))
	db.SignalReady([]byte("k2")) // listed once
	db.SignalReady([]byte("nobody"))
	ks.View(0, 0).SignalReady([]byte("k1")) // another database
	db.SignalReady([]byte("k1"))
	ks.Unlock(AllShards)
	if !ks.HasReady() {
		t.Fatal("no ready keys after signals")
	}
	ready := ks.TakeReady(nil)
	if len(ready) != 2 || ready[0] != (ReadyKey{1, "k2"}) || ready[1] != (ReadyKey{1, "k1"}) {
		t.Fatalf("ready = %v", ready)
	}
	if ks.HasReady() || len(ks.TakeReady(nil)) != 0 {
		t.Fatal("TakeReady left keys behind")
	}

	ks.Lock(AllShards)
	if got := waiterOwners(ks.Waiters(1, "k2", nil)); !slices.Equal(got, []string{"a", "b"}) {
		t.Fatalf("waiters of k2 = %v", got)
	}
	if got := waiterOwners(ks.Waiters(1, "k1", nil)); !slices.Equal(got, []string{"a", "c"}) {
		t.Fatalf("waiters of k1 = %v", got)
	}
	// Serving a clears the marks; a signal now lists the key again.
	ks.Unblock(a)
	db.SignalReady([]byte("k1"))
	ks.Unlock(AllShards)
	if ready := ks.TakeReady(nil); len(ready) != 1 || ready[0].Key != "k1" {
		t.Fatalf("ready after re-signal = %v", ready)
	}

	ks.Lock(AllShards)
	if got := waiterOwners(ks.Waiters(1, "k1", nil)); !slices.Equal(got, []string{"c"}) {
		t.Fatalf("waiters of k1 after a left = %v", got)
	}
	// a blocks again: at the back.
	db.Block(a, [][]byte{[]byte("k1")})
	if got := waiterOwners(ks.Waiters(1, "k1", nil)); !slices.Equal(got, []string{"c", "a"}) {
		t.Fatalf("waiters of k1 after a re-blocked = %v", got)
	}
	ks.Unblock(a)
	ks.Unblock(b)
	ks.Unblock(c)
	ks.Unlock(AllShards)
	if got := ks.BlockingKeys(); got != 0 {
		t.Fatalf("blocking keys after everyone left = %d", got)
	}
	if b.Registered() || b.Mask() != 0 {
		t.Fatal("unblocked waiter still registered")
	}
}

func TestSignalReadyExisting(t *testing.T) {
	ks := New(2)
	defer ks.Close()
	db := ks.View(0, 0)
	w := &Waiter{Owner: "w"}
	ks.Lock(AllShards)
	db.Block(w, [][]byte{[]byte("a"), []byte("b")})
	db.SetString([]byte("b"), []byte("v"), 0, false)
	ks.Unlock(AllShards)
	ks.SignalReadyExisting(ks.View(0, 0))
	if ready := ks.TakeReady(nil); len(ready) != 1 || ready[0].Key != "b" {
		t.Fatalf("ready = %v", ready)
	}
	ks.Lock(AllShards)
	ks.Unblock(w)
	ks.Unlock(AllShards)
}
