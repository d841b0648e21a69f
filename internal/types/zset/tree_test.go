package zset

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// Lookups of existing entries (rank, delete, score update) find them by
// score and ref; ties of one score spread over many leaves and inner
// nodes exercise the member comparison on the way down. Checked against
// the model after random adds, updates and deletes.
func TestTreeTiesAgainstModel(t *testing.T) {
	for _, scores := range []int{1, 3, 50, 100000} {
		t.Run(fmt.Sprintf("scores=%d", scores), func(t *testing.T) {
			r := rand.New(rand.NewPCG(uint64(scores), 7))
			z := NewSkiplist(0)
			md := model{}
			for i := 0; i < 30000; i++ {
				m := fmt.Sprintf("m%06d", r.IntN(20000))
				s := float64(r.IntN(scores))
				switch r.IntN(5) {
				case 0:
					if z.Delete([]byte(m)) != hasKey(md, m) {
						t.Fatalf("Delete(%s) disagrees with the model", m)
					}
					delete(md, m)
				default:
					z.Add(s, []byte(m), 0, DefaultLimits)
					md[m] = s
				}
			}
			checkTree(t, z)
			want := md.sorted()
			if !same(collect(z), want) {
				t.Fatal("order differs from the model")
			}
			for i, e := range want {
				rk, s, ok := z.Rank([]byte(e.m), false)
				if !ok || rk != i || s != e.s {
					t.Fatalf("Rank(%s) = %d %v %v, want %d %v", e.m, rk, s, ok, i, e.s)
				}
				if rk, _, _ := z.Rank([]byte(e.m), true); rk != len(want)-1-i {
					t.Fatalf("reverse Rank(%s) = %d, want %d", e.m, rk, len(want)-1-i)
				}
			}
			if _, _, ok := z.Rank([]byte("absent"), false); ok {
				t.Fatal("Rank of an absent member")
			}
		})
	}
}

func hasKey(md model, m string) bool { _, ok := md[m]; return ok }

// Ranges without an offset start at the seek's position (no second
// descent); forward and reverse, by score and by member.
func TestRangeFirstInRange(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	z := NewSkiplist(0)
	md := model{}
	for i := 0; i < 20000; i++ {
		m := fmt.Sprintf("k%05d", i)
		s := float64(r.IntN(500))
		z.Add(s, []byte(m), 0, DefaultLimits)
		md[m] = s
	}
	want := md.sorted()
	rev := slices.Clone(want)
	slices.Reverse(rev)
	for i := 0; i < 300; i++ {
		a, b := float64(r.IntN(520)-10), float64(r.IntN(520)-10)
		rg := ScoreRange{Min: a, Max: b, MinEx: r.IntN(2) == 0, MaxEx: r.IntN(2) == 0}
		lim := r.IntN(40) + 1
		for _, reverse := range []bool{false, true} {
			src := want
			if reverse {
				src = rev
			}
			var exp []entry
			for _, e := range src {
				if rg.GteMin(e.s) && rg.LteMax(e.s) && len(exp) < lim {
					exp = append(exp, e)
				}
			}
			var got []entry
			z.RangeByScore(rg, 0, lim, reverse, func(m []byte, s float64) { got = append(got, entry{string(m), s}) })
			if !same(got, exp) {
				t.Fatalf("RangeByScore(%v, 0, %d, rev=%v): got %d want %d", rg, lim, reverse, len(got), len(exp))
			}
		}
	}
	// All scores equal: members order the set, so lex ranges apply.
	z = NewSkiplist(0)
	var names []string
	for i := 0; i < 5000; i++ {
		names = append(names, fmt.Sprintf("k%05d", i))
		z.Add(0, []byte(names[i]), 0, DefaultLimits)
	}
	for i := 0; i < 200; i++ {
		lo, hi := r.IntN(5200), r.IntN(5200)
		rg := LexRange{Min: fmt.Appendf(nil, "k%05d", lo), Max: fmt.Appendf(nil, "k%05d", hi), MinEx: r.IntN(2) == 0, MaxEx: r.IntN(2) == 0}
		for _, reverse := range []bool{false, true} {
			var exp []string
			for j := range names {
				k := j
				if reverse {
					k = len(names) - 1 - j
				}
				if rg.GteMin([]byte(names[k])) && rg.LteMax([]byte(names[k])) && len(exp) < 10 {
					exp = append(exp, names[k])
				}
			}
			var got []string
			z.RangeByLex(rg, 0, 10, reverse, func(m []byte, _ float64) { got = append(got, string(m)) })
			if !slices.Equal(got, exp) {
				t.Fatalf("RangeByLex(%d..%d rev=%v): got %v want %v", lo, hi, reverse, got, exp)
			}
		}
	}
}
