package zset

import (
	"math"
	bigmath "math/big"

	"petrel/internal/types/set/listpack"
)

// Helpers for the GEO commands and SORT, which look into sorted sets more
// closely than the sorted set family does.

// EachInScoreRange calls fn with the members whose scores are in r, in
// order, until fn returns false (geoGetPointsInRange's scan, which stops
// as soon as it has enough results).
func (z *ZSet) EachInScoreRange(r ScoreRange, fn func(m []byte, s float64) bool) {
	if z.big == nil {
		var buf [20]byte
		for e := z.lpFirstInRange(&r); e >= 0; {
			sp := listpack.Next(z.lp, e)
			s := lpScore(z.lp, sp)
			if !r.LteMax(s) || !fn(listpack.GetBytes(z.lp, e, buf[:]), s) {
				return
			}
			e = listpack.Next(z.lp, sp)
		}
		return
	}
	gte := func(s float64, _ uint32) bool { return r.GteMin(s) }
	lte := func(s float64, _ uint32) bool { return r.LteMax(s) }
	for p := z.nthInRange(0, gte, lte, r.Empty()); p.valid(); p = p.next() {
		s := p.score()
		if !r.LteMax(s) || !fn(z.tr.member(p), s) {
			return
		}
	}
}

// ToSkiplist converts a listpack sorted set to the skiplist encoding, as
// SORT does to the sorted set it sorts (zsetConvert).
func (z *ZSet) ToSkiplist() {
	if z.big == nil {
		z.toSkiplist(z.Len())
	}
}

// Strtod parses the longest prefix of b that C's strtod accepts (SORT
// sorts by values read this way): the value, the bytes consumed, and
// whether glibc would set ERANGE: on overflow, on underflow to zero, and
// also when the result is subnormal and inexact.
func Strtod(b []byte) (f float64, n int, erange bool) {
	f, n, erange = strtod(b)
	if !erange && f != 0 && math.Abs(f) < 0x1p-1022 && !exactText(b[:n], f) {
		erange = true
	}
	return f, n, erange
}

// exactText reports whether the number text (a decimal or hexadecimal
// float, leading white space allowed) has exactly the value f. Only short
// texts are checked (a subnormal written exactly needs at most ~770
// significant digits); longer ones count as inexact.
func exactText(text []byte, f float64) bool {
	for len(text) > 0 && isSpace(text[0]) {
		text = text[1:]
	}
	if len(text) > 1200 {
		return false
	}
	r, ok := new(bigmath.Rat).SetString(string(text))
	if !ok {
		return false
	}
	return r.Cmp(new(bigmath.Rat).SetFloat64(f)) == 0
}
