package kvtable

// ArrayStats describes one bucket array of a Table, for DEBUG HTSTATS.
type ArrayStats struct {
	Buckets  int // chain heads
	Entries  int // records chained from them
	NonEmpty int // buckets with at least one record (full only)
	MaxChain int // longest chain (full only)
	// Chains[n] is the number of buckets whose chain has n records, for
	// n < len(Chains); longer chains count in the last element (full only).
	Chains []int
}

// statsChainLens is the length of ArrayStats.Chains (Valkey's
// HASHTABLE_STATS_VECTLEN).
const statsChainLens = 50

// Stats describes bucket array i: 0 is the main array, 1 the target of an
// ongoing resize. ok is false when that array does not exist. Without full
// only Buckets and Entries are filled; with full the chains are walked.
// It never changes the table.
func (t *Table) Stats(i int, full bool) (st ArrayStats, ok bool) {
	b := t.ht[i].b
	if b == nil {
		return st, false
	}
	st.Buckets = len(b)
	if !full && t.rehashIdx < 0 {
		st.Entries = t.n
		return st, true
	}
	if full {
		st.Chains = make([]int, statsChainLens)
	}
	for _, head := range b {
		n := 0
		for r := Ref(head); r != 0; r = recNext(t.a.Slice(r)) {
			n++
		}
		st.Entries += n
		if !full {
			continue
		}
		if n > 0 {
			st.NonEmpty++
		}
		st.MaxChain = max(st.MaxChain, n)
		st.Chains[min(n, statsChainLens-1)]++
	}
	return st, true
}
