package kvtable

import (
	"math/rand/v2"
	"strconv"
	"testing"
)

// TestScanContract checks dictScan's promise: a key present for the whole
// scan is returned at least once, while other keys come and go between
// calls and the table grows and shrinks (several times) mid-scan.
func TestScanContract(t *testing.T) {
	for seed := range uint64(6) {
		a := NewArena()
		tb := NewTable(a)
		rnd := rand.New(rand.NewPCG(seed, 99))
		const keep = 500
		for i := range keep {
			tb.Set([]byte("keep"+strconv.Itoa(i)), nil, Meta{}, 0)
		}
		seen := make(map[string]int, keep)
		var tmp []string
		grows, shrinks, calls := 0, 0, 0
		cursor := uint64(0)
		for {
			cursor = tb.Scan(cursor, func(r Ref) { seen[string(tb.Key(r))]++ })
			calls++
			if cursor == 0 {
				break
			}
			// Between calls: waves of temporary keys make the table grow
			// and shrink (between 512 and 8k buckets); sometimes drive the resize.
			before := targetSize(tb)
			switch wave := calls / 60 % 2; {
			case wave == 0:
				for range rnd.IntN(200) {
					k := "tmp" + strconv.Itoa(rnd.IntN(1<<30))
					tb.Set([]byte(k), nil, Meta{}, 0)
					tmp = append(tmp, k)
				}
			default:
				for range rnd.IntN(400) {
					if len(tmp) == 0 {
						break
					}
					tb.Delete([]byte(tmp[len(tmp)-1]))
					tmp = tmp[:len(tmp)-1]
				}
			}
			if rnd.IntN(4) == 0 {
				tb.RehashStep(rnd.IntN(64))
			}
			if targetSize(tb) < before {
				shrinks++
			} else if targetSize(tb) > before {
				grows++
			}
			if calls > 1<<20 {
				t.Fatal("scan does not terminate")
			}
		}
		for i := range keep {
			if seen["keep"+strconv.Itoa(i)] == 0 {
				t.Fatalf("seed %d: key keep%d never returned (%d calls, %d grows, %d shrinks)", seed, i, calls, grows, shrinks)
			}
		}
		if grows < 4 || shrinks < 4 {
			t.Fatalf("seed %d: only %d grows and %d shrinks during the scan", seed, grows, shrinks)
		}
		if testing.Verbose() {
			t.Logf("seed %d: %d calls, %d grows, %d shrinks", seed, calls, grows, shrinks)
		}
		if err := tb.verify(); err != nil {
			t.Fatal(err)
		}
		a.Release()
	}
}

// targetSize is the bucket count the table has or is resizing to.
func targetSize(tb *Table) int {
	if tb.Rehashing() {
		return len(tb.ht[1].b)
	}
	return len(tb.ht[0].b)
}

// TestScanStable checks that a full scan of a table that does not change
// returns every key exactly once, in the rehashing state too.
func TestScanStable(t *testing.T) {
	a := NewArena()
	defer a.Release()
	tb := NewTable(a)
	for i := range 5000 {
		tb.Set([]byte(strconv.Itoa(i)), nil, Meta{}, 0)
		if i%997 == 0 || i == 4999 {
			seen := map[string]int{}
			c := uint64(0)
			for {
				c = tb.Scan(c, func(r Ref) { seen[string(tb.Key(r))]++ })
				if c == 0 {
					break
				}
			}
			if len(seen) != tb.Len() {
				t.Fatalf("%d keys, scan saw %d (rehashing %v)", tb.Len(), len(seen), tb.Rehashing())
			}
			for k, n := range seen {
				if n != 1 {
					t.Fatalf("key %s returned %d times by a scan of a stable table", k, n)
				}
			}
		}
	}
	if tb.Scan(0, func(Ref) {}) == 0 && tb.Len() > 4 {
		t.Fatal("first step of a non-trivial scan ended it")
	}
}

// TestScanDeleteExpired is the active-expiry pattern: the callback only
// collects, the caller deletes after each Scan call.
func TestScanDeleteExpired(t *testing.T) {
	a := NewArena()
	defer a.Release()
	tb := NewTable(a)
	const n = 20000
	for i := range n {
		exp := int64(0)
		if i%3 == 0 {
			exp = 100 // "expired"
		} else if i%3 == 1 {
			exp = 1 << 40
		}
		tb.Set([]byte(strconv.Itoa(i)), []byte("v"), Meta{}, exp)
	}
	var doomed []Ref
	c := uint64(0)
	for {
		doomed = doomed[:0]
		c = tb.Scan(c, func(r Ref) {
			if e := tb.Expire(r); e != 0 && e <= 1000 {
				doomed = append(doomed, r)
			}
		})
		for _, r := range doomed {
			tb.DeleteRef(r) // other collected Refs stay valid
		}
		if c == 0 {
			break
		}
	}
	if tb.Len() != n-(n+2)/3 || tb.ExpiresLen() != (n+1)/3 {
		t.Fatalf("Len %d ExpiresLen %d", tb.Len(), tb.ExpiresLen())
	}
	for i := range n {
		_, ok := tb.Find([]byte(strconv.Itoa(i)))
		if ok != (i%3 != 0) {
			t.Fatalf("key %d present=%v", i, ok)
		}
	}
	if err := tb.verify(); err != nil {
		t.Fatal(err)
	}
}

func TestRandomRef(t *testing.T) {
	a := NewArena()
	defer a.Release()
	tb := NewTable(a)
	if _, ok := tb.RandomRef(1); ok {
		t.Fatal("RandomRef on an empty table")
	}
	const n = 64
	for i := range n {
		tb.Set([]byte(strconv.Itoa(i)), nil, Meta{}, 0)
	}
	counts := map[string]int{}
	for i := range uint64(64 * n) {
		r, ok := tb.RandomRef(i * 0x9e3779b97f4a7c15)
		if !ok {
			t.Fatal("RandomRef failed")
		}
		counts[string(tb.Key(r))]++
	}
	if len(counts) < n*9/10 {
		t.Fatalf("RandomRef reached only %d of %d keys", len(counts), n)
	}
	// A sparse table in the middle of a shrink still answers.
	for i := 1; i < n; i++ {
		tb.Delete([]byte(strconv.Itoa(i)))
	}
	r, ok := tb.RandomRef(7)
	if !ok || string(tb.Key(r)) != "0" {
		t.Fatal("RandomRef on a one-key table")
	}
}
