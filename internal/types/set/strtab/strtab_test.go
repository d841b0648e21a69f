package strtab

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

func TestTableModel(t *testing.T) {
	for _, payload := range []int{0, 8} {
		r := rand.New(rand.NewPCG(1, uint64(payload)))
		tab := New(payload, 0)
		model := map[string]uint64{}
		for step := 0; step < 60000; step++ {
			k := "k" + strconv.Itoa(r.IntN(5000))
			if r.IntN(400) == 0 {
				k = strings.Repeat("L", 40000+r.IntN(3)) + k // chunk-sized records
			}
			switch r.IntN(3) {
			case 0, 1:
				ref, added := tab.Insert([]byte(k))
				_, had := model[k]
				if added == had {
					t.Fatalf("step %d: Insert(%s) added=%v had=%v", step, k, added, had)
				}
				if payload > 0 {
					v := r.Uint64()
					for i := 0; i < 8; i++ {
						tab.Payload(ref)[i] = byte(v >> (8 * i))
					}
					model[k] = v
				} else {
					model[k] = 0
				}
			default:
				_, ok := tab.Delete([]byte(k))
				if _, had := model[k]; ok != had {
					t.Fatalf("step %d: Delete(%s) = %v", step, k, ok)
				}
				delete(model, k)
				if tab.MaybeShrink() {
					tab.Compact()
				}
			}
			if tab.Len() != len(model) {
				t.Fatalf("step %d: Len %d want %d", step, tab.Len(), len(model))
			}
		}
		for k, v := range model {
			ref, ok := tab.Find([]byte(k))
			if !ok || string(tab.Key(ref)) != k {
				t.Fatalf("lost %s", k)
			}
			if payload > 0 {
				var got uint64
				for i := 0; i < 8; i++ {
					got |= uint64(tab.Payload(ref)[i]) << (8 * i)
				}
				if got != v {
					t.Fatalf("payload of %s changed", k)
				}
			}
		}
		n := 0
		tab.Each(func(uint32) bool { n++; return true })
		if n != len(model) {
			t.Fatalf("Each saw %d", n)
		}
		c := tab.Clone()
		for k := range model {
			if _, ok := c.Find([]byte(k)); !ok {
				t.Fatalf("clone lost %s", k)
			}
		}
	}
}

// Compact leaves forwarding refs that translate old refs to new ones.
func TestCompactForwards(t *testing.T) {
	tab := New(8, 0)
	refs := map[string]uint32{}
	for i := 0; i < 5000; i++ {
		k := "key" + strconv.Itoa(i)
		ref, _ := tab.Insert([]byte(k))
		refs[k] = ref
	}
	for i := 0; i < 5000; i += 2 {
		k := "key" + strconv.Itoa(i)
		tab.Delete([]byte(k))
		delete(refs, k)
	}
	old := tab.Compact()
	for k, ref := range refs {
		nr := old.Forward(ref)
		if string(tab.Key(nr)) != k {
			t.Fatalf("%s forwards to %q", k, tab.Key(nr))
		}
	}
}

// A full scan returns every member present throughout, across resizes.
func TestScanAcrossResizes(t *testing.T) {
	tab := New(0, 0)
	for i := 0; i < 3000; i++ {
		tab.Insert([]byte("base" + strconv.Itoa(i)))
	}
	seen := map[string]bool{}
	var cursor uint64
	changes, last := 0, len(tab.groups)
	for round := 0; ; round++ {
		if len(tab.groups) != last {
			changes, last = changes+1, len(tab.groups)
		}
		cursor = tab.Scan(cursor, 10, func(ref uint32) { seen[string(tab.Key(ref))] = true })
		switch round % 10 {
		case 0: // grow past a resize
			for j := 0; j < 12000; j++ {
				tab.Insert([]byte("x" + strconv.Itoa(round) + "-" + strconv.Itoa(j)))
			}
		case 5: // and shrink back
			for j := 0; j < 12000; j++ {
				tab.Delete([]byte("x" + strconv.Itoa(round-5) + "-" + strconv.Itoa(j)))
			}
			tab.MaybeShrink()
		}
		if cursor == 0 {
			break
		}
	}
	for i := 0; i < 3000; i++ {
		if !seen["base"+strconv.Itoa(i)] {
			t.Fatalf("scan missed base%d", i)
		}
	}
	if changes < 4 {
		t.Fatalf("the table resized only %d times during the scan", changes)
	}
}

func BenchmarkFind(b *testing.B) {
	tab := New(0, 0)
	keys := make([][]byte, 1<<20)
	for i := range keys {
		keys[i] = []byte("element:" + strconv.Itoa(i))
		tab.Insert(keys[i])
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		tab.Find(keys[(i*7919)&(len(keys)-1)])
	}
}
