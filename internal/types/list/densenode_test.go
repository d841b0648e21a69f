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
