package zset

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"
	"testing"
)

// model is the reference: a map and a sorted slice rebuilt on demand.
type model map[string]float64

type entry struct {
	m string
	s float64
}

func (md model) sorted() []entry {
	out := make([]entry, 0, len(md))
	for m, s := range md {
		out = append(out, entry{m, s})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].s != out[j].s {
			return out[i].s < out[j].s
		}
		return out[i].m < out[j].m
	})
	return out
}

func collect(z *ZSet) []entry {
	var out []entry
	z.Each(func(m []byte, s float64) bool {
		out = append(out, entry{string(m), s})
		return true
	})
	return out
}

func same(a, b []entry) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].m != b[i].m || a[i].s != b[i].s {
			return false
		}
	}
	return true
}

// checkTree verifies the B+tree invariants.
func checkTree(t *testing.T, z *ZSet) {
	t.Helper()
	if z.big == nil {
		return
	}
	tr := &z.tr
	if tr.n != z.tab.Len() {
		t.Fatalf("tree has %d entries, dict %d", tr.n, z.tab.Len())
	}
	if tr.n == 0 {
		return
	}
	var walk func(nd *inner, h int, root bool) int
	walk = func(nd *inner, h int, root bool) int {
		if !root && nd.n < innerMin {
			t.Fatalf("inner node with %d children", nd.n)
		}
		total := 0
		for i := 0; i < nd.n; i++ {
			var cnt int
			var ms float64
			var mr uint32
			if h == 1 {
				lf := nd.leafs[i]
				if lf.n == 0 {
					t.Fatalf("empty leaf")
				}
				cnt, ms, mr = int(lf.n), lf.score[0], lf.ref[0]
			} else {
				cnt = walk(nd.kids[i], h-1, false)
				ms, mr = nd.kids[i].minS[0], nd.kids[i].minR[0]
			}
			if cnt != nd.count[i] || ms != nd.minS[i] || mr != nd.minR[i] {
				t.Fatalf("stale child %d: count %d/%d", i, cnt, nd.count[i])
			}
			total += cnt
		}
		if total != nd.total {
			t.Fatalf("total %d, want %d", nd.total, total)
		}
		return total
	}
	if tr.height > 0 {
		if walk(tr.root, tr.height, true) != tr.n {
			t.Fatalf("root total mismatch")
		}
	}
	// The leaf chain is sorted and counts n.
	n := 0
	var prevS float64
	var prevM []byte
	for lf := tr.head; lf != nil; lf = lf.next {
		if lf.next == nil && lf != tr.tail {
			t.Fatalf("tail mismatch")
		}
		for i := 0; i < int(lf.n); i++ {
			s, m := lf.score[i], z.tab.Key(lf.ref[i])
			if n > 0 && (s < prevS || (s == prevS && bytes.Compare(m, prevM) <= 0)) {
				t.Fatalf("leaf chain out of order at %d", n)
			}
			if got, _ := z.Score(m); got != s {
				t.Fatalf("dict score %v, tree %v", got, s)
			}
			prevS, prevM = s, m
			n++
		}
	}
	if n != tr.n {
		t.Fatalf("chain has %d entries, want %d", n, tr.n)
	}
}

func TestZSetModel(t *testing.T) {
	for _, lim := range []Limits{DefaultLimits, {ListpackEntries: 0, ListpackValue: 64}, {ListpackEntries: 4, ListpackValue: 3}} {
		t.Run(fmt.Sprint(lim), func(t *testing.T) {
			r := rand.New(rand.NewPCG(1, 2))
			z := New(1, 1, lim)
			md := model{}
			for step := 0; step < 30000; step++ {
				m := []byte("m" + strconv.Itoa(r.IntN(600)))
				switch op := r.IntN(10); {
				case op < 5:
					s := float64(r.IntN(50)) / 4
					if r.IntN(10) == 0 {
						s = math.Inf(1 - 2*r.IntN(2))
					}
					flags, want := 0, 0
					_, exists := md[string(m)]
					switch {
					case !exists:
						want = OutAdded
					case md[string(m)] != s:
						want = OutUpdated
					}
					out, _ := z.Add(s, m, flags, lim)
					if out != want {
						t.Fatalf("step %d: Add flags %d want %d", step, out, want)
					}
					md[string(m)] = s
				case op < 8:
					_, exists := md[string(m)]
					if z.Delete(m) != exists {
						t.Fatalf("step %d: Delete mismatch", step)
					}
					delete(md, string(m))
				case op < 9:
					r0, s, ok := z.Rank(m, false)
					want := md.sorted()
					idx := slices.IndexFunc(want, func(e entry) bool { return e.m == string(m) })
					if ok != (idx >= 0) || (ok && (r0 != idx || s != want[idx].s)) {
						t.Fatalf("step %d: Rank %d %v want %d", step, r0, ok, idx)
					}
				default:
					if z.Len() > 0 {
						mx := r.IntN(2) == 1
						var buf [32]byte
						gm, gs := z.Pop(mx, buf[:0])
						want := md.sorted()
						e := want[0]
						if mx {
							e = want[len(want)-1]
						}
						if string(gm) != e.m || gs != e.s {
							t.Fatalf("step %d: Pop %s %v want %v", step, gm, gs, e)
						}
						delete(md, e.m)
					}
				}
				if step%500 == 0 || z.Len() < 5 {
					if !same(collect(z), md.sorted()) {
						t.Fatalf("step %d: contents differ", step)
					}
					checkTree(t, z)
				}
			}
			if !same(collect(z), md.sorted()) {
				t.Fatal("final contents differ")
			}
			checkTree(t, z)
			c := z.Clone()
			if !same(collect(c), md.sorted()) {
				t.Fatal("clone differs")
			}
			checkTree(t, c)
		})
	}
}

// A large skiplist-encoded set: ranges, counts and ranks against the model.
func TestZSetRanges(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	z := NewSkiplist(0)
	md := model{}
	for i := 0; i < 20000; i++ {
		m := fmt.Sprintf("k%05d", r.IntN(30000))
		s := float64(r.IntN(2000))
		z.Add(s, []byte(m), 0, DefaultLimits)
		md[m] = s
	}
	checkTree(t, z)
	want := md.sorted()
	for i := 0; i < 200; i++ {
		a, b := float64(r.IntN(2100)-50), float64(r.IntN(2100)-50)
		rg := ScoreRange{Min: a, Max: b, MinEx: r.IntN(2) == 0, MaxEx: r.IntN(2) == 0}
		var exp []entry
		for _, e := range want {
			if rg.GteMin(e.s) && rg.LteMax(e.s) {
				exp = append(exp, e)
			}
		}
		if got := z.CountByScore(rg); got != len(exp) {
			t.Fatalf("count %v: %d want %d", rg, got, len(exp))
		}
		off, lim := r.IntN(20), r.IntN(30)-5
		var got []entry
		z.RangeByScore(rg, off, lim, false, func(m []byte, s float64) { got = append(got, entry{string(m), s}) })
		e := exp[min(off, len(exp)):]
		if lim >= 0 && lim < len(e) {
			e = e[:lim]
		}
		if !same(got, e) {
			t.Fatalf("range %v off %d lim %d: got %d want %d", rg, off, lim, len(got), len(e))
		}
		got = got[:0]
		rev := slices.Clone(exp)
		slices.Reverse(rev)
		z.RangeByScore(rg, off, lim, true, func(m []byte, s float64) { got = append(got, entry{string(m), s}) })
		e = rev[min(off, len(rev)):]
		if lim >= 0 && lim < len(e) {
			e = e[:lim]
		}
		if !same(got, e) {
			t.Fatalf("rev range %v off %d lim %d: got %d want %d", rg, off, lim, len(got), len(e))
		}
		// By rank.
		start := r.IntN(len(want))
		end := min(start+r.IntN(100), len(want)-1)
		got = got[:0]
		z.RangeByRank(start, end, false, func(m []byte, s float64) { got = append(got, entry{string(m), s}) })
		if !same(got, want[start:end+1]) {
			t.Fatalf("rank range %d..%d", start, end)
		}
	}
	// Delete ranges and recheck.
	n := z.DeleteRangeByScore(ScoreRange{Min: 100, Max: 900})
	for m, s := range md {
		if s >= 100 && s <= 900 {
			delete(md, m)
			n--
		}
	}
	if n != 0 || !same(collect(z), md.sorted()) {
		t.Fatalf("DeleteRangeByScore mismatch (%d)", n)
	}
	checkTree(t, z)
	z.DeleteRangeByRank(10, z.Len()-10)
	if z.Len() != 19 {
		t.Fatalf("len after rank delete %d", z.Len())
	}
	checkTree(t, z)
}

func TestParseScore(t *testing.T) {
	ok := map[string]float64{
		"1": 1, "-1.5": -1.5, "0x10": 16, "0x1p3": 8, "inf": math.Inf(1), "+inf": math.Inf(1),
		"-infinity": math.Inf(-1), ".5": .5, "5.": 5, "+5": 5, "4.9e-324": 5e-324, "1e3": 1000,
	}
	for s, want := range ok {
		if got, valid := ParseScore([]byte(s)); !valid || got != want {
			t.Errorf("ParseScore(%q) = %v, %v; want %v", s, got, valid, want)
		}
	}
	for _, s := range []string{"", " 1", "1 ", "1e500", "1e-500", "nan", "1_0", "1e", "0x", "abc", "1\x00", "--1"} {
		if _, valid := ParseScore([]byte(s)); valid {
			t.Errorf("ParseScore(%q) accepted", s)
		}
	}
	rg := []struct {
		min, max string
		ok       bool
		r        ScoreRange
	}{
		{" 1", "+inf", true, ScoreRange{Min: 1, Max: math.Inf(1)}},
		{"1 ", "2", false, ScoreRange{}},
		{"(", "", true, ScoreRange{MinEx: true}},
		{"1e500", "(0x2", true, ScoreRange{Min: math.Inf(1), Max: 2, MaxEx: true}},
		{"2\x00x", "3", true, ScoreRange{Min: 2, Max: 3}},
		{"((2", "3", false, ScoreRange{}},
		{"nan", "3", false, ScoreRange{}},
	}
	for _, c := range rg {
		r, ok := ParseScoreRange([]byte(c.min), []byte(c.max))
		if ok != c.ok || (ok && r != c.r) {
			t.Errorf("ParseScoreRange(%q, %q) = %+v %v", c.min, c.max, r, ok)
		}
	}
}

func TestListpackScores(t *testing.T) {
	z := New(1, 1, DefaultLimits)
	for _, s := range []float64{math.Copysign(0, -1), 1.5, 1e300, -3, math.Inf(-1), 0.1} {
		z.Add(s, []byte(strconv.FormatFloat(s, 'g', -1, 64)), 0, DefaultLimits)
	}
	got, _ := z.Score([]byte("-0"))
	if math.Signbit(got) {
		t.Fatal("listpack kept -0")
	}
	got, _ = z.Score([]byte("0.1"))
	if got != 0.1 {
		t.Fatalf("0.1 read back as %v", got)
	}
}

func BenchmarkZAddSkiplist(b *testing.B) {
	z := NewSkiplist(0)
	r := rand.New(rand.NewPCG(1, 1))
	keys := make([][]byte, 1<<16)
	for i := range keys {
		keys[i] = []byte("element:" + strconv.Itoa(i))
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		z.Add(float64(r.IntN(1000000)), keys[i&(len(keys)-1)], 0, DefaultLimits)
	}
}

func BenchmarkZRankSkiplist(b *testing.B) {
	z := NewSkiplist(0)
	keys := make([][]byte, 1<<20)
	for i := range keys {
		keys[i] = []byte("element:" + strconv.Itoa(i))
		z.Add(float64(i*7%1000003), keys[i], 0, DefaultLimits)
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		z.Rank(keys[(i*7919)&(len(keys)-1)], false)
	}
}

func BenchmarkZRangeSkiplist(b *testing.B) {
	z := NewSkiplist(0)
	for i := 0; i < 1<<20; i++ {
		z.Add(float64(i), []byte("element:"+strconv.Itoa(i)), 0, DefaultLimits)
	}
	b.ReportAllocs()
	n := 0
	for i := 0; b.Loop(); i++ {
		start := (i * 7919) % (1<<20 - 100)
		z.RangeByRank(start, start+9, false, func(m []byte, s float64) { n += len(m) })
	}
}

func BenchmarkZAddListpack(b *testing.B) {
	keys := make([][]byte, 100)
	for i := range keys {
		keys[i] = []byte("m" + strconv.Itoa(i))
	}
	z := New(1, 1, DefaultLimits)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		z.Add(float64(i%1000), keys[i%100], 0, DefaultLimits)
	}
}

// The listpack bytes match Valkey's for the same ZADD (from DUMP with
// rdbcompression off: ZADD z 1.5 a 3 b -0 c).
func TestListpackBytesMatchValkey(t *testing.T) {
	z := New(3, 1, DefaultLimits)
	z.Add(1.5, []byte("a"), 0, DefaultLimits)
	z.Add(3, []byte("b"), 0, DefaultLimits)
	z.Add(math.Copysign(0, -1), []byte("c"), 0, DefaultLimits)
	want := []byte("\x19\x00\x00\x00\x06\x00\x81c\x02\x00\x01\x81a\x02\x831.5\x04\x81b\x02\x03\x01\xff")
	if got := z.ListpackBytes(); !bytes.Equal(got, want) {
		t.Fatalf("got  %q\nwant %q", got, want)
	}
}

// FuzzParseScore: the parsers never panic, and a score string2d accepts
// is also a valid range bound with the same value.
func FuzzParseScore(f *testing.F) {
	for _, s := range []string{"1", "-0x1p3", "inf", " 1", "1e500", "(5", "nan(abc)", "0x", "1e-400", ".e1"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		v, ok := ParseScore(b)
		r, rok := ParseScoreRange(b, b)
		if ok && (!rok || (r.Min != v && !(math.IsNaN(v)))) {
			t.Fatalf("%q: ParseScore %v, range %+v %v", b, v, r, rok)
		}
		ParseLexRange(b, b)
	})
}
