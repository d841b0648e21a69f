package zset

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// bench1M is the sorted set bench/prep.sh's zset1m loads: 1M members
// named like redis-benchmark's __rand_int__, random integer scores.
func bench1M(b *testing.B) (*ZSet, [][]byte) {
	b.Helper()
	const n = 1 << 20
	r := rand.New(rand.NewPCG(42, 42))
	z := NewSkiplist(0)
	keys := make([][]byte, n)
	for i := range keys {
		keys[i] = fmt.Appendf(nil, "%012d", i)
		z.Add(float64(r.IntN(n)), keys[i], 0, DefaultLimits)
	}
	return z, keys
}

// Random-order lookups: each one misses the caches the way a server's
// requests from 50 clients do.
func BenchmarkRank1M(b *testing.B) {
	z, keys := bench1M(b)
	r := rand.New(rand.NewPCG(1, 2))
	b.ReportAllocs()
	for b.Loop() {
		z.Rank(keys[r.IntN(len(keys))], false)
	}
}

func BenchmarkScore1M(b *testing.B) {
	z, keys := bench1M(b)
	r := rand.New(rand.NewPCG(1, 2))
	b.ReportAllocs()
	for b.Loop() {
		z.Score(keys[r.IntN(len(keys))])
	}
}

func BenchmarkRangeByScore1M(b *testing.B) {
	z, keys := bench1M(b)
	r := rand.New(rand.NewPCG(1, 2))
	n := 0
	b.ReportAllocs()
	for b.Loop() {
		min := float64(r.IntN(len(keys)))
		z.RangeByScore(ScoreRange{Min: min, Max: 1e300}, 0, 10, false, func(m []byte, s float64) { n += len(m) })
	}
}
