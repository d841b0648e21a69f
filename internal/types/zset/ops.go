package zset

import (
	"math"
	"slices"
	"sort"
)

// Source is an input of ZUNION, ZINTER and ZDIFF: a sorted set, or a set
// whose members all score 1.
type Source interface {
	Len() int
	Each(fn func(m []byte, s float64) bool)
	Score(m []byte) (float64, bool)
}

// Input is one source key: Src nil for a missing key. Two inputs naming
// the same key share the same Src value.
type Input struct {
	Src    Source
	Weight float64
}

func (in *Input) len() int {
	if in.Src == nil {
		return 0
	}
	return in.Src.Len()
}

// Aggregate is how ZUNION and ZINTER combine the scores of a member.
type Aggregate uint8

// Aggregates.
const (
	Sum Aggregate = iota
	Min
	Max
)

// aggregate is zunionInterAggregate: a sum of +inf and -inf is 0.
func aggregate(target *float64, v float64, agg Aggregate) {
	switch agg {
	case Sum:
		*target += v
		if math.IsNaN(*target) {
			*target = 0
		}
	case Min:
		if v < *target {
			*target = v
		}
	case Max:
		if v > *target {
			*target = v
		}
	}
}

// weighted is weight*score with NaN (0*inf) read as 0.
func weighted(w, s float64) float64 {
	v := w * s
	if math.IsNaN(v) {
		return 0
	}
	return v
}

// Stats describe a result's members, for ToListpackIfFits.
type Stats struct{ MaxLen, TotalLen int }

func (st *Stats) add(m []byte) {
	st.MaxLen = max(st.MaxLen, len(m))
	st.TotalLen += len(m)
}

// byCardinality orders inputs from the smallest (stable, as the order of
// equal ones only matters to floating-point sums).
func byCardinality(in []Input) []Input {
	s := slices.Clone(in)
	sort.SliceStable(s, func(i, j int) bool { return s[i].len() < s[j].len() })
	return s
}

// Union is ZUNION/ZUNIONSTORE: a skiplist-encoded result.
func Union(inputs []Input, agg Aggregate) (*ZSet, Stats) {
	in := byCardinality(inputs)
	var st Stats
	hint := 0
	if len(in) > 0 {
		hint = in[len(in)-1].len()
	}
	dst := NewSkiplist(hint)
	for i := range in {
		if in[i].len() == 0 {
			continue
		}
		w := in[i].Weight
		in[i].Src.Each(func(m []byte, s float64) bool {
			score := weighted(w, s)
			ref, added := dst.tab.Insert(m)
			if added {
				dst.setRecScore(ref, score)
				st.add(m)
			} else {
				cur := dst.recScore(ref)
				aggregate(&cur, score, agg)
				dst.setRecScore(ref, cur)
			}
			return true
		})
	}
	dst.buildTree()
	return dst, st
}

// buildTree indexes every dictionary member, inserting in ascending order
// so that leaves fill up.
func (z *ZSet) buildTree() {
	refs := make([]uint32, 0, z.tab.Len())
	z.tab.Each(func(ref uint32) bool {
		refs = append(refs, ref)
		return true
	})
	sort.Slice(refs, func(i, j int) bool {
		a, b := z.recScore(refs[i]), z.recScore(refs[j])
		if a != b {
			return a < b
		}
		return compare(z.tab.Key(refs[i]), z.tab.Key(refs[j])) < 0
	})
	for _, ref := range refs {
		z.tr.insert(z.recScore(ref), z.tab.Key(ref), ref)
	}
}

// Inter is ZINTER/ZINTERSTORE, and ZINTERCARD when cardOnly (then only the
// count is computed, stopping at limit when limit > 0).
func Inter(inputs []Input, agg Aggregate, cardOnly bool, limit int) (*ZSet, int, Stats) {
	in := byCardinality(inputs)
	var st Stats
	var dst *ZSet
	if !cardOnly {
		dst = NewSkiplist(0)
	}
	card := 0
	if len(in) == 0 || in[0].len() == 0 {
		return dst, 0, st
	}
	in[0].Src.Each(func(m []byte, s0 float64) bool {
		score := weighted(in[0].Weight, s0)
		j := 1
		for ; j < len(in); j++ {
			if in[j].Src == in[0].Src {
				aggregate(&score, s0*in[j].Weight, agg)
			} else if v, ok := in[j].Src.Score(m); ok {
				aggregate(&score, v*in[j].Weight, agg)
			} else {
				break
			}
		}
		if j < len(in) {
			return true
		}
		if cardOnly {
			card++
			return limit == 0 || card < limit
		}
		dst.slInsert(score, m)
		st.add(m)
		return true
	})
	if !cardOnly {
		card = dst.Len()
	}
	return dst, card, st
}

// Diff is ZDIFF/ZDIFFSTORE: the members of the first input found in none
// of the others, with their scores.
func Diff(in []Input) (*ZSet, Stats) {
	var st Stats
	dst := NewSkiplist(0)
	if len(in) == 0 || in[0].len() == 0 {
		return dst, st
	}
	for j := 1; j < len(in); j++ {
		if in[j].Src == in[0].Src {
			return dst, st
		}
	}
	in[0].Src.Each(func(m []byte, s float64) bool {
		for j := 1; j < len(in); j++ {
			if in[j].len() == 0 {
				continue
			}
			if _, ok := in[j].Src.Score(m); ok {
				return true
			}
		}
		dst.slInsert(s, m)
		st.add(m)
		return true
	})
	return dst, st
}
