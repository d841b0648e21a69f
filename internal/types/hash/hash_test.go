package hash

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// model is the reference the property tests compare against: a map of
// fields plus their insertion order (the packed order) and whether a
// Valkey hash would still be listpack-encoded.
type model struct {
	vals   map[string]string
	exp    map[string]int64
	order  []string
	packed bool
}

func newModel() *model {
	return &model{vals: map[string]string{}, exp: map[string]int64{}, packed: true}
}

func (m *model) live(f string, now int64) bool {
	_, ok := m.vals[f]
	if !ok {
		return false
	}
	e := m.exp[f]
	return e == 0 || now <= e
}

func (m *model) del(f string) {
	delete(m.vals, f)
	delete(m.exp, f)
	m.order = slices.DeleteFunc(m.order, func(s string) bool { return s == f })
}

func (m *model) set(f, v string, exp int64, keep bool, lim Limits, now int64) (updated, overwritten bool) {
	if m.packed && (exp != 0 || int64(len(f)) > lim.MaxValue || int64(len(v)) > lim.MaxValue) {
		m.packed = false
	}
	_, present := m.vals[f]
	if present && !m.live(f, now) {
		overwritten = true
	} else if present {
		updated = true
		if keep {
			exp = m.exp[f]
		}
	}
	if !present {
		m.order = append(m.order, f)
	}
	m.vals[f] = v
	if exp != 0 {
		m.exp[f] = exp
	} else {
		delete(m.exp, f)
	}
	if m.packed && int64(len(m.vals)) > lim.MaxEntries {
		m.packed = false
	}
	return
}

// check compares every observable of h with m at now.
func check(t *testing.T, h *Hash, m *model, now int64, step int) {
	t.Helper()
	if h.Packed() != m.packed {
		t.Fatalf("step %d: packed=%v, model %v", step, h.Packed(), m.packed)
	}
	if h.Len() != len(m.vals) {
		t.Fatalf("step %d: len %d, model %d", step, h.Len(), len(m.vals))
	}
	var want []string
	for _, f := range m.order {
		if m.live(f, now) {
			want = append(want, f)
		}
	}
	var got []string
	h.Range(now, func(f, v []byte) bool {
		if string(v) != m.vals[string(f)] {
			t.Fatalf("step %d: range %q=%q, model %q", step, f, v, m.vals[string(f)])
		}
		got = append(got, string(f))
		return true
	})
	if !m.packed {
		slices.Sort(want)
		slices.Sort(got)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("step %d: range %q, model %q", step, got, want)
	}
	for f, v := range m.vals {
		gv, exp, ok := h.GetExpiry([]byte(f), now)
		if ok != m.live(f, now) {
			t.Fatalf("step %d: get %q ok=%v", step, f, ok)
		}
		if ok && (string(gv) != v || exp != m.exp[f]) {
			t.Fatalf("step %d: get %q = %q exp %d, model %q exp %d", step, f, gv, exp, v, m.exp[f])
		}
	}
	vol := 0
	for range m.exp {
		vol++
	}
	if h.VolatileLen() != vol || h.HasFieldExpiry() != (vol > 0) {
		t.Fatalf("step %d: volatile %d, model %d", step, h.VolatileLen(), vol)
	}
	if h.t != nil {
		checkTable(t, h.t, step)
	}
}

// checkTable verifies the table's internal invariants.
func checkTable(t *testing.T, tb *table, step int) {
	t.Helper()
	n := 0
	live := 0
	for b, head := range tb.buckets {
		if l := tb.chainLen(b); l > tb.maxChain {
			t.Fatalf("step %d: bucket %d holds %d records, above maxChain %d", step, b, l, tb.maxChain)
		}
		for off := int(head) - 1; off >= 0; off = tb.next(off) {
			r := tb.parse(off)
			if tb.bucketOf(hashOf(tb.field(r))) != b {
				t.Fatalf("step %d: record in the wrong bucket", step)
			}
			if r.ttl {
				i := tb.heapPos(r)
				if i >= tb.volLen() || int(tb.vol.off[i]) != off || tb.vol.when[i] != tb.expiry(r) {
					t.Fatalf("step %d: heap entry %d does not point back", step, i)
				}
			}
			n++
			live += r.end - r.off
		}
	}
	if n != tb.count || live+tb.garbage != len(tb.data) {
		t.Fatalf("step %d: count %d (walked %d), live %d + garbage %d != %d", step, tb.count, n, live, tb.garbage, len(tb.data))
	}
	for i := 1; i < tb.volLen(); i++ {
		if tb.vol.when[(i-1)/2] > tb.vol.when[i] {
			t.Fatalf("step %d: heap order broken at %d", step, i)
		}
	}
}

func TestPropertyAgainstModel(t *testing.T) {
	for seed := uint64(1); seed <= 40; seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) { runModel(t, seed, 3000) })
	}
}

func runModel(t *testing.T, seed uint64, steps int) {
	rng := rand.New(rand.NewPCG(seed, seed*7919))
	lim := Limits{MaxEntries: int64(rng.IntN(20)), MaxValue: int64(rng.IntN(12))}
	if seed%4 == 0 {
		lim = DefaultLimits
	}
	h := New()
	m := newModel()
	now := int64(1_000_000)
	nf := 4 + rng.IntN(60)
	field := func() string { return fmt.Sprintf("f%d", rng.IntN(nf)) }
	value := func() string { return string(bytes.Repeat([]byte{'a' + byte(rng.IntN(26))}, rng.IntN(16))) }
	for step := 0; step < steps; step++ {
		switch op := rng.IntN(100); {
		case op < 40:
			f, v := field(), value()
			var exp int64
			if rng.IntN(5) == 0 {
				exp = now + int64(rng.IntN(50)) + 1
			}
			keep := rng.IntN(3) == 0
			gu, go_ := h.Set([]byte(f), []byte(v), exp, keep, lim, now)
			mu, mo := m.set(f, v, exp, keep, lim, now)
			if gu != mu || go_ != mo {
				t.Fatalf("step %d: set %q: updated %v/%v overwritten %v/%v", step, f, gu, mu, go_, mo)
			}
		case op < 50:
			strs := [][]byte{}
			for i := rng.IntN(4); i >= 0; i-- {
				strs = append(strs, []byte(field()), []byte(value()))
			}
			h.PrepareSet(strs, lim)
			if m.packed && int64(len(strs)/2) > lim.MaxEntries {
				m.packed = false
			}
			for _, s := range strs {
				if int64(len(s)) > lim.MaxValue {
					m.packed = false
				}
			}
			for i := 0; i < len(strs); i += 2 {
				h.Set(strs[i], strs[i+1], 0, false, lim, now)
				m.set(string(strs[i]), string(strs[i+1]), 0, false, lim, now)
			}
		case op < 60:
			f := field()
			want := m.live(f, now)
			if got := h.Delete([]byte(f), now); got != want {
				t.Fatalf("step %d: delete %q = %v", step, f, got)
			}
			if want {
				m.del(f)
			}
		case op < 63:
			f := field()
			_, want := m.vals[f]
			if got := h.DeleteAny([]byte(f)); got != want {
				t.Fatalf("step %d: deleteAny %q = %v", step, f, got)
			}
			m.del(f)
		case op < 78:
			f := field()
			when := now + int64(rng.IntN(80)) - 10
			cond := []int{0, CondNX, CondXX, CondGT, CondLT}[rng.IntN(5)]
			got := h.SetExpire([]byte(f), when, cond, now)
			want := NoField
			if m.live(f, now) {
				cur := m.exp[f]
				switch {
				case m.packed && cond&(CondXX|CondGT) != 0:
					want = CondNotMet
				case cond == CondNX && cur != 0, cond == CondXX && cur == 0,
					cond == CondGT && (cur == 0 || when <= cur), cond == CondLT && cur != 0 && when >= cur:
					want = CondNotMet
				case when <= now:
					want = ExpireDeleted
					m.del(f)
				default:
					want = ExpireSet
					m.exp[f] = when
					m.packed = false
				}
			}
			if got != want {
				t.Fatalf("step %d: setExpire %q %d cond %d = %d, want %d", step, f, when-now, cond, got, want)
			}
		case op < 83:
			f := field()
			want := NoField
			if m.live(f, now) {
				want = NoTTL
				if m.exp[f] != 0 {
					want = ExpireSet
					delete(m.exp, f)
				}
			}
			if got := h.Persist([]byte(f), now); got != want {
				t.Fatalf("step %d: persist %q = %d, want %d", step, f, got, want)
			}
		case op < 90:
			now += int64(rng.IntN(20))
		case op < 94:
			max := 1 + rng.IntN(5)
			var gone []string
			n := h.ExpireFields(now, max, func(f []byte) { gone = append(gone, string(f)) })
			var due []string
			for f, e := range m.exp {
				if now > e {
					due = append(due, f)
				}
			}
			if n != min(max, len(due)) || len(gone) != n {
				t.Fatalf("step %d: expired %d of %d due (max %d)", step, n, len(due), max)
			}
			for _, f := range gone {
				if m.live(f, now) {
					t.Fatalf("step %d: reclaimed live field %q", step, f)
				}
				m.del(f)
			}
		case op < 97:
			c := h.Clone()
			check(t, c, m, now, step)
		default:
			// A full scan returns every live field at least once.
			seen := map[string]bool{}
			var cur uint64
			for i := 0; ; i++ {
				cur = h.Scan(cur, 1+rng.IntN(5), now, func(f, v []byte) { seen[string(f)] = true })
				if cur == 0 {
					break
				}
				if i > 1<<20 {
					t.Fatal("scan does not end")
				}
			}
			for f := range m.vals {
				if m.live(f, now) && !seen[f] {
					t.Fatalf("step %d: scan missed %q", step, f)
				}
			}
		}
		check(t, h, m, now, step)
	}
}

func TestScanSurvivesResizes(t *testing.T) {
	h := New()
	lim := Limits{MaxEntries: 0, MaxValue: 64}
	for i := 0; i < 1000; i++ {
		h.Set([]byte(fmt.Sprint("k", i)), []byte("v"), 0, false, lim, 1)
	}
	seen := map[string]bool{}
	var cur uint64
	i := 0
	for {
		cur = h.Scan(cur, 7, 1, func(f, v []byte) { seen[string(f)] = true })
		// Grow and shrink the table while scanning.
		if i < 300 {
			h.Set([]byte(fmt.Sprint("new", i)), []byte("v"), 0, false, lim, 1)
		} else if i < 900 {
			h.Delete([]byte(fmt.Sprint("new", i-300)), 1)
		}
		i++
		if cur == 0 {
			break
		}
	}
	for j := 0; j < 1000; j++ {
		if !seen[fmt.Sprint("k", j)] {
			t.Fatalf("k%d missed", j)
		}
	}
}

func TestConversionThresholds(t *testing.T) {
	lim := Limits{MaxEntries: 3, MaxValue: 5}
	h := New()
	for i := 0; i < 3; i++ {
		h.Set([]byte(fmt.Sprint("f", i)), []byte("12345"), 0, false, lim, 1)
	}
	if !h.Packed() {
		t.Fatal("3 entries of 5 bytes must stay packed")
	}
	h.Set([]byte("f3"), []byte("x"), 0, false, lim, 1)
	if h.Packed() {
		t.Fatal("4 entries must convert")
	}
	h = New()
	h.Set([]byte("f"), []byte("123456"), 0, false, lim, 1)
	if h.Packed() {
		t.Fatal("a 6-byte value must convert")
	}
	// PrepareSet counts pairs, duplicates included.
	h = New()
	same := [][]byte{[]byte("a"), []byte("1"), []byte("a"), []byte("2"), []byte("a"), []byte("3"), []byte("a"), []byte("4")}
	h.PrepareSet(same, lim)
	if h.Packed() {
		t.Fatal("4 pairs must convert before writing")
	}
	// A TTL converts, but only for a present field, and not for XX/GT.
	h = New()
	h.Set([]byte("f"), []byte("v"), 0, false, lim, 1)
	if r := h.SetExpire([]byte("nope"), 100, 0, 1); r != NoField || !h.Packed() {
		t.Fatal("missing field")
	}
	if r := h.SetExpire([]byte("f"), 100, CondGT, 1); r != CondNotMet || !h.Packed() {
		t.Fatal("GT on packed")
	}
	if r := h.SetExpire([]byte("f"), 100, CondLT, 1); r != ExpireSet || h.Packed() {
		t.Fatal("LT on packed converts and sets")
	}
}

func TestPackedRoundTripAndDecode(t *testing.T) {
	h := New()
	for i := 0; i < 50; i++ {
		h.Set([]byte(fmt.Sprint("field-", i)), bytes.Repeat([]byte("x"), i*3), 0, false, Limits{MaxEntries: 100, MaxValue: 200}, 1)
	}
	enc := h.EncodePacked()
	d, err := DecodePacked(enc)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(d.EncodePacked(), enc) || d.Len() != 50 {
		t.Fatal("round trip")
	}
	bad := [][]byte{
		nil, {1}, {1, 5, 'a'}, {1, 1, 'a'},
		{1, 1, 'a', 1, 'b', 0},         // trailing byte
		{2, 1, 'a', 0, 1, 'a', 0},      // duplicate field
		{1, 0x80, 0x00, 0},             // non-canonical length
		{0x80, 0x00},                   // non-canonical count
		{0xff, 0xff, 0xff, 0xff, 0x0f}, // count beyond the input
	}
	for _, b := range bad {
		if _, err := DecodePacked(b); err == nil {
			t.Fatalf("accepted %v", b)
		}
	}
}

func FuzzDecodePacked(f *testing.F) {
	h := New()
	h.Set([]byte("a"), []byte("1"), 0, false, DefaultLimits, 1)
	h.Set([]byte("bb"), []byte(""), 0, false, DefaultLimits, 1)
	f.Add(h.EncodePacked())
	f.Add([]byte{0})
	f.Add([]byte{1, 0, 0})
	f.Add([]byte{255, 255, 255, 255, 1})
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := DecodePacked(b)
		if err != nil {
			return
		}
		if !bytes.Equal(d.EncodePacked(), b) {
			t.Fatal("decoded hash does not re-encode to its input")
		}
		// Every operation must work on what the decoder accepted.
		n := 0
		d.Range(0, func(f, v []byte) bool {
			if got, ok := d.Get(f, 0); !ok || !bytes.Equal(got, v) {
				t.Fatalf("field %q not found back", f)
			}
			n++
			return true
		})
		if n != d.Len() {
			t.Fatalf("range saw %d of %d", n, d.Len())
		}
		d.Set([]byte("new"), []byte("v"), 0, false, DefaultLimits, 0)
		d.Convert()
		if d.Len() != n+1 && d.Len() != n {
			t.Fatalf("len after set+convert %d", d.Len())
		}
	})
}

func TestRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, packed := range []bool{true, false} {
		h := New()
		lim := DefaultLimits
		if !packed {
			lim.MaxEntries = 0
		}
		for i := 0; i < 30; i++ {
			h.Set([]byte(fmt.Sprint(i)), []byte("v"), 0, false, lim, 1)
		}
		for _, count := range []uint64{1, 5, 10, 29, 30, 100} {
			seen := map[string]bool{}
			n := 0
			h.Random(count, true, 1, rng.Uint64, func(f, v []byte) bool {
				if seen[string(f)] {
					t.Fatalf("packed=%v count %d: duplicate %s", packed, count, f)
				}
				seen[string(f)] = true
				n++
				return true
			})
			if uint64(n) != min(count, 30) {
				t.Fatalf("packed=%v count %d: got %d", packed, count, n)
			}
		}
		n := 0
		h.Random(1000, false, 1, rng.Uint64, func(f, v []byte) bool { n++; return true })
		if n != 1000 {
			t.Fatalf("with repetition: %d", n)
		}
	}
	// Expired fields are never picked; all expired: nothing.
	h := New()
	h.Set([]byte("a"), []byte("1"), 10, false, DefaultLimits, 1)
	h.Set([]byte("b"), []byte("2"), 0, false, DefaultLimits, 1)
	for i := 0; i < 50; i++ {
		f, _, ok := h.RandomField(20, rng.Uint64)
		if !ok || string(f) != "b" {
			t.Fatalf("picked %q %v", f, ok)
		}
	}
	h.SetExpire([]byte("b"), 15, 0, 1)
	if _, _, ok := h.RandomField(20, rng.Uint64); ok {
		t.Fatal("picked an expired field")
	}
	n := 0
	h.Random(5, false, 20, rng.Uint64, func(f, v []byte) bool { n++; return true })
	if n != 0 {
		t.Fatal("random with repetition returned expired fields")
	}
}

// TestRandomUniform checks that random picks from the table form are
// uniform (a chi-square test, as Valkey's suite does for HRANDFIELD): a
// pick of a random non-empty bucket and then a random record of its chain
// favoured fields alone in their bucket.
// TestSetExpireKeepPast: with KeepPast a past deadline is set, not a
// deletion (import mode), in both forms.
func TestSetExpireKeepPast(t *testing.T) {
	for _, packed := range []bool{true, false} {
		h := New()
		lim := DefaultLimits
		if !packed {
			lim.MaxEntries = 0
		}
		h.Set([]byte("a"), []byte("1"), 0, false, lim, 100)
		if r := h.SetExpire([]byte("a"), 50, KeepPast, 100); r != ExpireSet || h.Len() != 1 {
			t.Fatalf("packed=%v: KeepPast gave %d, len %d", packed, r, h.Len())
		}
		if h.Exists([]byte("a"), 100) {
			t.Fatalf("packed=%v: field with a past deadline still visible", packed)
		}
		if n := h.ExpireFields(100, 10, func([]byte) {}); n != 1 || h.Len() != 0 {
			t.Fatalf("packed=%v: reclaimed %d, len %d", packed, n, h.Len())
		}
	}
}

func TestRandomUniform(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	lim := DefaultLimits
	lim.MaxEntries = 0
	for _, size := range []int{10, 100, 1000} {
		h := New()
		for i := 0; i < size+size/2; i++ {
			h.Set([]byte(fmt.Sprint("field:", i)), []byte("v"), 0, false, lim, 1)
		}
		// Removals leave maxChain an upper bound only.
		for i := size; i < size+size/2; i++ {
			h.Delete([]byte(fmt.Sprint("field:", i)), 1)
		}
		checkTable(t, h.t, 0)
		const perField = 200
		counts := map[string]int{}
		h.Random(uint64(size*perField), false, 1, rng.Uint64, func(f, v []byte) bool {
			counts[string(f)]++
			return true
		})
		if len(counts) != size {
			t.Fatalf("size %d: %d distinct fields picked", size, len(counts))
		}
		chi := 0.0
		for _, c := range counts {
			d := float64(c - perField)
			chi += d * d / perField
		}
		// df = size-1: mean df, standard deviation sqrt(2 df); allow 6 of them.
		df := float64(size - 1)
		if limit := df + 6*math.Sqrt(2*df); chi > limit {
			t.Fatalf("size %d: chi-square %.1f above %.1f: picks are not uniform", size, chi, limit)
		}
	}
}

func BenchmarkPackedSetGet(b *testing.B) {
	h := New()
	fields := make([][]byte, 10)
	for i := range fields {
		fields[i] = []byte(fmt.Sprint("field:", i))
		h.Set(fields[i], []byte("value"), 0, false, DefaultLimits, 1)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		f := fields[i%10]
		h.Set(f, []byte("value"), 0, false, DefaultLimits, 1)
		h.Get(f, 1)
		i++
	}
}

func BenchmarkTableSetGet(b *testing.B) {
	h := New()
	h.Convert()
	fields := make([][]byte, 10000)
	for i := range fields {
		fields[i] = []byte(fmt.Sprint("field:", i))
		h.Set(fields[i], []byte("value"), 0, false, DefaultLimits, 1)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		f := fields[i%len(fields)]
		h.Set(f, []byte("value"), 0, false, DefaultLimits, 1)
		h.Get(f, 1)
		i++
	}
}

func TestPackedCountWidth(t *testing.T) {
	lim := Limits{MaxEntries: 1000, MaxValue: 64}
	h := New()
	m := newModel()
	for i := 0; i < 300; i++ {
		f, v := fmt.Sprint("f", i), fmt.Sprint(i)
		h.Set([]byte(f), []byte(v), 0, false, lim, 1)
		m.set(f, v, 0, false, lim, 1)
		check(t, h, m, 1, i)
	}
	for i := 0; i < 300; i += 2 {
		f := fmt.Sprint("f", i)
		h.Delete([]byte(f), 1)
		m.del(f)
		check(t, h, m, 1, i)
	}
	// Across the two-byte/three-byte count boundary (16384 pairs).
	lp := newPacked()
	for i := 0; i < 16390; i++ {
		lp = pkAppend(lp, []byte(fmt.Sprint(i)), nil)
	}
	h = &Hash{lp: lp}
	for i := 16389; i >= 16380; i-- {
		if !h.Delete([]byte(fmt.Sprint(i)), 1) {
			t.Fatalf("delete %d", i)
		}
		n := 0
		h.Range(1, func(f, v []byte) bool { n++; return true })
		if n != i || h.Len() != i {
			t.Fatalf("after deleting %d: len %d, range %d", i, h.Len(), n)
		}
	}
	if d, err := DecodePacked(h.EncodePacked()); err != nil || d.Len() != h.Len() {
		t.Fatalf("decode after width changes: %v", err)
	}
}

func TestAllocSize(t *testing.T) {
	for n, want := range map[int]int{1: 8, 8: 8, 9: 16, 191: 192, 194: 208, 32768: 32768, 32769: 40960} {
		if got := allocSize(n); got != want {
			t.Fatalf("allocSize(%d) = %d, want %d", n, got, want)
		}
	}
}
