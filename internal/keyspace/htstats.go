package keyspace

import "petrel/internal/kvtable"

// HTStats combines the bucket-array statistics of db's table in every
// shard, as Valkey's kvstoreGetStats combines its per-slot tables (DEBUG
// HTSTATS). main is the main arrays, target the arrays of resizes in
// progress; each ok is false when no shard has such an array. Locks one
// shard at a time.
func (ks *Keyspace) HTStats(v DB, full bool) (main, target kvtable.ArrayStats, mainOK, targetOK bool) {
	add := func(sum *kvtable.ArrayStats, st kvtable.ArrayStats) {
		sum.Buckets += st.Buckets
		sum.Entries += st.Entries
		sum.NonEmpty += st.NonEmpty
		sum.MaxChain = max(sum.MaxChain, st.MaxChain)
		if st.Chains != nil {
			if sum.Chains == nil {
				sum.Chains = make([]int, len(st.Chains))
			}
			for i, n := range st.Chains {
				sum.Chains[i] += n
			}
		}
	}
	for _, sh := range ks.shards {
		v.lock(sh)
		t := sh.tables[v.idx]
		if st, ok := t.Stats(0, full); ok {
			add(&main, st)
			mainOK = true
		}
		if st, ok := t.Stats(1, full); ok {
			add(&target, st)
			targetOK = true
		}
		v.unlock(sh)
	}
	return
}
