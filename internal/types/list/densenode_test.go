package list

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// TestDenseNodeAgainstListpack applies the same random changes to a
// listpack and to a dense node and checks after each that the node is the
// listpack without its backlens, in both directions, and that its backlen
// count is right.
func TestDenseNodeAgainstListpack(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	for round := 0; round < 200; round++ {
		lp, dn, back := lpNew(0), lpNew(0), 0
		for step := 0; step < 60; step++ {
			n := lpLength(lp)
			v := genValue(r)
			switch op := r.IntN(5); {
			case op <= 1 || n == 0: // insert at a random position
				i := r.IntN(n + 1)
				p := len(lp) - 1
				if i < n {
					p = lpSeek(lp, i)
				}
				lp = lpInsertAt(lp, p, v)
				var d int
				dn, d = dnInsertAt(dn, dnSeek(dn, i), v)
				back += d
			case op == 2:
				i := r.IntN(n)
				lp = lpDelete(lp, lpSeek(lp, i))
				var d int
				dn, d = dnDelete(dn, dnSeek(dn, i))
				back -= d
			case op == 3:
				i := r.IntN(n)
				lp = lpReplace(lp, lpSeek(lp, i), v)
				var d int
				dn, d = dnReplace(dn, dnSeek(dn, i), v)
				back += d
			default:
				i, k := r.IntN(n), 1+r.IntN(4)
				lp = lpDeleteRange(lp, i, k)
				var d int
				dn, d = dnDeleteRange(dn, i, k)
				back -= d
			}
			if got := dnToListpack(nil, dn, back); !bytes.Equal(got, lp) {
				t.Fatalf("round %d step %d: node as listpack differs", round, step)
			}
			if got, b := dnFromListpack(make([]byte, 0, len(lp)), lp); !bytes.Equal(got, dn) || b != back {
				t.Fatalf("round %d step %d: listpack as node differs", round, step)
			}
			if back != dnBacklens(dn, lpHdrSize) || len(dnOffsets(dn, nil)) != lpLength(lp) {
				t.Fatalf("round %d step %d: backlens %d, counted %d", round, step, back, dnBacklens(dn, lpHdrSize))
			}
		}
	}
}

// TestOffsetsCacheSurvivesHeadPushes: a queue (LPUSH producers, RPOP
// consumers) keeps the tail node's offsets across pushes at the head, so
// RPOP does not walk the tail node again each time.
func TestOffsetsCacheSurvivesHeadPushes(t *testing.T) {
	cfg := Config{Fill: -2, Mem: NewNodeMem()}
	l := New()
	for i := 0; i < 5000; i++ {
		l.Push(&cfg, true, []byte("job-"+string(rune('a'+i%26))))
	}
	if !l.IsQuicklist() || l.q.n() < 3 {
		t.Fatalf("want a quicklist of several nodes, have %d", l.q.n())
	}
	l.Pop(false, nil) // caches the tail node's offsets
	for i := 0; i < 100; i++ {
		l.Push(&cfg, true, []byte("new"))
		if !l.q.isCached(l.q.tail()) {
			t.Fatalf("push %d at the head dropped the tail's offsets", i)
		}
		if _, ok := l.Pop(false, nil); !ok || !l.q.isCached(l.q.tail()) && l.q.tail().count > 0 {
			t.Fatalf("pop %d: tail offsets not kept", i)
		}
	}
	checkInvariants(t, l, &cfg)
}
