package kvtable

import "testing"

func TestStats(t *testing.T) {
	a := NewArena()
	defer a.Release()
	tb := NewTable(a)
	if _, ok := tb.Stats(0, true); ok {
		t.Fatal("a new table has a bucket array")
	}
	const n = 1 << 12 // a power of two: the next insert starts a resize
	for i := range n {
		tb.Set([]byte(keyName(i)), nil, Meta{}, 0)
	}
	for tb.Rehashing() {
		tb.RehashStep(1 << 20)
	}
	st, ok := tb.Stats(0, false)
	if !ok || st.Entries != n || st.Buckets != tb.Buckets() || st.Chains != nil {
		t.Fatalf("short stats: %+v", st)
	}
	st, _ = tb.Stats(0, true)
	sum, buckets := 0, 0
	for l, c := range st.Chains {
		sum += l * c
		buckets += c
	}
	if st.Entries != n || sum != n || buckets != st.Buckets || st.NonEmpty != st.Buckets-st.Chains[0] || st.MaxChain < 1 {
		t.Fatalf("full stats do not add up: %+v (sum %d, buckets %d)", st, sum, buckets)
	}
	if _, ok := tb.Stats(1, false); ok {
		t.Fatal("a rehash target outside a resize")
	}
	// During a resize both arrays are described and share the records.
	tb.Set([]byte("trigger"), nil, Meta{}, 0)
	if !tb.Rehashing() {
		t.Fatal("resize did not start")
	}
	tb.RehashStep(10)
	s0, ok0 := tb.Stats(0, false)
	s1, ok1 := tb.Stats(1, false)
	if !ok0 || !ok1 || s0.Entries+s1.Entries != n+1 || s0.Buckets+s1.Buckets != tb.Buckets() {
		t.Fatalf("resizing: %+v %+v", s0, s1)
	}
}

// An emptied table frees its buckets, as a new table holds none.
func TestEmptiedTableHoldsNoBuckets(t *testing.T) {
	a := NewArena()
	defer a.Release()
	tb := NewTable(a)
	for i := range 100 {
		tb.Set([]byte(keyName(i)), nil, Meta{}, 0)
	}
	for i := range 100 {
		tb.Delete([]byte(keyName(i)))
	}
	for tb.RehashFor(1e9) {
	}
	if tb.Buckets() != 0 || tb.Len() != 0 {
		t.Fatalf("%d buckets left for %d keys", tb.Buckets(), tb.Len())
	}
	// And works as before afterwards.
	tb.Set([]byte("again"), []byte("v"), Meta{}, 0)
	if r, ok := tb.Find([]byte("again")); !ok || string(tb.Value(r)) != "v" || tb.Buckets() != minBuckets {
		t.Fatal("table unusable after giving its buckets back")
	}
	if c := tb.Scan(0, func(Ref) {}); c != 0 && tb.Len() == 0 {
		t.Fatal("scan")
	}
	if err := tb.verify(); err != nil {
		t.Fatal(err)
	}
}
