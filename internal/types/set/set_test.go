package set

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"
	"testing"

	"petrel/internal/types/set/listpack"
)

func contents(s *Set) []string {
	var out []string
	s.Each(func(m []byte) bool {
		out = append(out, string(m))
		return true
	})
	return out
}

func sortedKeys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// A model test over every encoding and the conversions between them.
func TestSetModel(t *testing.T) {
	for _, lim := range []Limits{DefaultLimits, {IntsetEntries: 4, ListpackEntries: 8, ListpackValue: 3}, {IntsetEntries: 0, ListpackEntries: 0, ListpackValue: 0}} {
		r := rand.New(rand.NewPCG(1, uint64(lim.ListpackEntries)))
		s := New([]byte("1"), 1, lim)
		model := map[string]bool{}
		gen := func() string {
			switch r.IntN(4) {
			case 0:
				return "m" + strconv.Itoa(r.IntN(300))
			case 1:
				return strconv.Itoa(r.IntN(1<<20) - 1<<19)
			default:
				return strconv.Itoa(r.IntN(700))
			}
		}
		for step := 0; step < 20000; step++ {
			m := gen()
			switch r.IntN(5) {
			case 0, 1, 2:
				if s.Add([]byte(m), lim) == model[m] {
					t.Fatalf("step %d: Add(%s) disagrees", step, m)
				}
				model[m] = true
			case 3:
				if s.Remove([]byte(m)) != model[m] {
					t.Fatalf("step %d: Remove(%s) disagrees", step, m)
				}
				delete(model, m)
			default:
				if s.Contains([]byte(m)) != model[m] {
					t.Fatalf("step %d: Contains(%s) disagrees", step, m)
				}
			}
			if s.Len() != len(model) {
				t.Fatalf("step %d: Len %d, want %d", step, s.Len(), len(model))
			}
			checkEncoding(t, s, lim)
		}
		got := contents(s)
		sort.Strings(got)
		if !slices.Equal(got, sortedKeys(model)) {
			t.Fatal("contents differ")
		}
		c := s.Clone()
		if c.Encoding() != s.Encoding() || !slices.Equal(contents(c), contents(s)) {
			t.Fatal("clone differs")
		}
	}
}

// checkEncoding: an intset holds only integers within its limit; a
// listpack stays within its limits.
func checkEncoding(t *testing.T, s *Set, lim Limits) {
	t.Helper()
	switch s.Encoding() {
	case Intset:
		if s.Len() > lim.IntsetEntries && s.Len() > 0 {
			t.Fatalf("intset of %d > %d", s.Len(), lim.IntsetEntries)
		}
		prev := int64(0)
		for i := 0; i < s.isLen(); i++ {
			v := s.isGet(i)
			if i > 0 && v <= prev {
				t.Fatal("intset out of order")
			}
			prev = v
		}
	case Listpack:
		if s.Len() > lim.ListpackEntries && s.Len() > 0 {
			t.Fatalf("listpack of %d > %d", s.Len(), lim.ListpackEntries)
		}
		if err := listpack.Validate(s.b); err != nil {
			t.Fatal(err)
		}
	}
}

func TestIntsetWidths(t *testing.T) {
	is := NewIntset()
	for _, v := range []int64{5, -3, 40000, -1 << 40, 1 << 62, 7} {
		is.isAdd(v)
	}
	if is.width != 8 || is.isLen() != 6 {
		t.Fatalf("width %d n %d", is.width, is.isLen())
	}
	want := []int64{-1 << 40, -3, 5, 7, 40000, 1 << 62}
	for i, v := range want {
		if is.isGet(i) != v {
			t.Fatalf("entry %d = %d", i, is.isGet(i))
		}
	}
	if !is.isRemove(40000) || is.isRemove(40000) || is.isContains(40000) || !is.isContains(-3) {
		t.Fatal("remove/contains")
	}
}

func TestPopNAndRandomDistinct(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	for _, n := range []int{10, 200, 600} {
		for _, prefix := range []string{"", "m"} {
			for _, count := range []int{1, n / 10, n / 2, n - 1} {
				if count < 1 {
					continue
				}
				s := New([]byte(prefix+"0"), n, DefaultLimits)
				all := map[string]bool{}
				for i := 0; i < n; i++ {
					m := prefix + strconv.Itoa(i)
					s.Add([]byte(m), DefaultLimits)
					all[m] = true
				}
				seen := map[string]bool{}
				s.RandomDistinct(r, count, func(m []byte) {
					if seen[string(m)] || !all[string(m)] {
						t.Fatalf("RandomDistinct gave %q twice or foreign", m)
					}
					seen[string(m)] = true
				})
				if len(seen) != count {
					t.Fatalf("RandomDistinct %d gave %d", count, len(seen))
				}
				popped := map[string]bool{}
				s.PopN(r, count, DefaultLimits, func(m []byte) {
					if popped[string(m)] || !all[string(m)] {
						t.Fatalf("PopN gave %q twice or foreign", m)
					}
					popped[string(m)] = true
				})
				if len(popped) != count || s.Len() != n-count {
					t.Fatalf("PopN %d of %d: popped %d, left %d", count, n, len(popped), s.Len())
				}
				s.Each(func(m []byte) bool {
					if popped[string(m)] {
						t.Fatalf("%s popped and kept", m)
					}
					return true
				})
			}
		}
	}
}

func TestScanSmallReturnsAll(t *testing.T) {
	s := New([]byte("b"), 2, DefaultLimits)
	s.Add([]byte("b"), DefaultLimits)
	s.Add([]byte("a"), DefaultLimits)
	var got [][]byte
	if cur := s.Scan(0, 1, func(m []byte) { got = append(got, bytes.Clone(m)) }); cur != 0 || len(got) != 2 {
		t.Fatalf("scan: %d %q", cur, got)
	}
}

func BenchmarkSAddListpack(b *testing.B) {
	s := New([]byte("a"), 1, DefaultLimits)
	mems := make([][]byte, 100)
	for i := range mems {
		mems[i] = []byte("element:" + strconv.Itoa(i))
		s.Add(mems[i], DefaultLimits)
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		s.Add(mems[i%len(mems)], DefaultLimits)
	}
}

func BenchmarkSAddHashtable(b *testing.B) {
	s := NewHashtable(0)
	mems := make([][]byte, 1<<16)
	for i := range mems {
		mems[i] = []byte("element:" + strconv.Itoa(i))
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		m := mems[i&(len(mems)-1)]
		if !s.Add(m, DefaultLimits) {
			s.Remove(m)
		}
	}
}
