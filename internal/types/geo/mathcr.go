package geo

// Correctly rounded sin, cos, asin and atan2.
//
// Valkey computes distances with glibc's libm, whose results are the
// correctly rounded ones in all but vanishingly rare cases; Go's math
// package is within an ulp or so and differs from glibc for a quarter of
// the inputs, which would show in STOREDIST scores and, rarely, in
// WITHDIST text and search borders. These functions evaluate in
// double-double arithmetic (about 104 bits) and round once, so they
// return glibc's results.
//
// Method: sin and cos reduce the argument by π/2 held in four parts (the
// products k·part are exact for |k| < 2^20) and sum Taylor series in
// double-double; asin and atan2 refine Go's result by one Newton step
// computed with those. Arguments beyond 2^19·π/2 (only reached by absurd
// search radii whose bounding box Valkey does not use) fall back to Go's
// functions.

import (
	"math"
	"math/big"
)

// dd is a double-double number hi+lo with |lo| <= ulp(hi)/2.
type dd struct{ hi, lo float64 }

// twoSum returns a+b exactly as a double-double (Knuth).
func twoSum(a, b float64) dd {
	s := a + b
	bb := s - a
	e := (a - (s - bb)) + (b - bb)
	return dd{s, e}
}

// quickTwoSum is twoSum for |a| >= |b|.
func quickTwoSum(a, b float64) dd {
	s := a + b
	return dd{s, b - (s - a)}
}

// twoProd returns a·b exactly as a double-double.
func twoProd(a, b float64) dd {
	p := a * b
	return dd{p, math.FMA(a, b, -p)}
}

func ddAdd(a, b dd) dd {
	s := twoSum(a.hi, b.hi)
	t := twoSum(a.lo, b.lo)
	s.lo += t.hi
	s = quickTwoSum(s.hi, s.lo)
	s.lo += t.lo
	return quickTwoSum(s.hi, s.lo)
}

func ddMul(a, b dd) dd {
	p := twoProd(a.hi, b.hi)
	p.lo += float64(a.hi*b.lo) + float64(a.lo*b.hi)
	return quickTwoSum(p.hi, p.lo)
}

func ddMulF(a dd, b float64) dd {
	p := twoProd(a.hi, b)
	p.lo += float64(a.lo * b)
	return quickTwoSum(p.hi, p.lo)
}

func ddNeg(a dd) dd { return dd{-a.hi, -a.lo} }

// round is the double nearest a.
func (a dd) round() float64 { return a.hi + a.lo }

// Taylor coefficients as double-doubles: sinCoef[k] = (-1)^k/(2k+1)!,
// cosCoef[k] = (-1)^k/(2k)!, enough terms for |r| <= π/4 to 2^-75.
var sinCoef, cosCoef = taylorCoefficients()

const nTerms = 12

func taylorCoefficients() (sin, cos [nTerms]dd) {
	fact := big.NewInt(1)
	for n := 0; n < 2*nTerms; n++ {
		if n > 0 {
			fact.Mul(fact, big.NewInt(int64(n)))
		}
		r := new(big.Rat).SetFrac(big.NewInt(1), fact)
		if (n/2)%2 == 1 {
			r.Neg(r)
		}
		hi, _ := r.Float64()
		lo, _ := new(big.Rat).Sub(r, new(big.Rat).SetFloat64(hi)).Float64()
		if n%2 == 0 {
			cos[n/2] = dd{hi, lo}
		} else {
			sin[n/2] = dd{hi, lo}
		}
	}
	return sin, cos
}

// π/2 in four parts: the first three have 33 significant bits, so that
// k times each is exact for |k| < 2^20.
const (
	pio2a = 1.57079632673412561417e+00 // 0x3FF921FB54400000
	pio2b = 6.07710050630396597660e-11 // 0x3DD0B4611A600000
	pio2c = 2.02226624871116645580e-21 // 0x3BA3198A2E000000
	pio2d = 8.47842766036889956997e-32 // 0x397B839A252049C1
)

// reduce returns r = x - k·π/2 as a double-double with |r| <= about π/4,
// and k mod 4; ok is false when |x| is too large for this reduction.
func reduce(x float64) (r dd, quadrant int, ok bool) {
	if math.Abs(x) <= math.Pi/4 {
		return dd{x, 0}, 0, true
	}
	if !(math.Abs(x) < (1<<19)*math.Pi/2) {
		return dd{}, 0, false
	}
	k := math.RoundToEven(x * (2 / math.Pi))
	t := x - k*pio2a // exact: k·pio2a is exact and close to x
	r = twoSum(t, -k*pio2b)
	r = ddAdd(r, dd{-k * pio2c, 0})
	r = ddAdd(r, ddNeg(twoProd(k, pio2d)))
	return r, int(int64(k) & 3), true
}

// ddTerms is how many leading Taylor terms are summed in double-double;
// the rest (below 2^-18 of the result for |r| <= π/4) in plain double,
// whose rounding errors then stay below 2^-71: a wrong rounding needs a
// result within 2^-18 ulp of a midpoint, about one in 100000 calls (and
// glibc itself misrounds about one in 1000).
const ddTerms = 4

// series sums coef[k]·z^k: the tail in double, the head in double-double.
func series(coef *[nTerms]dd, z dd) dd {
	t := coef[len(coef)-1].hi
	for k := len(coef) - 2; k >= ddTerms; k-- {
		t = t*z.hi + coef[k].hi
	}
	acc := hornerStep(ddMulF(z, t), coef[ddTerms-1])
	for k := ddTerms - 2; k >= 0; k-- {
		acc = hornerStep(ddMul(acc, z), coef[k])
	}
	return acc
}

// hornerStep is p + c for a coefficient c larger than p in magnitude
// (the terms of the series decrease): one twoSum is enough.
func hornerStep(p, c dd) dd {
	s := twoSum(c.hi, p.hi)
	s.lo += c.lo + p.lo
	return quickTwoSum(s.hi, s.lo)
}

// sinReduced is sin r for |r| <= about π/4.
func sinReduced(r dd) dd { return ddMul(series(&sinCoef, ddMul(r, r)), r) }

// cosReduced is cos r for |r| <= about π/4.
func cosReduced(r dd) dd { return series(&cosCoef, ddMul(r, r)) }

// sinCosDD returns sin x (want&1) and cos x (want&2) as double-doubles;
// ok is false for arguments the reduction does not handle (huge,
// infinite or NaN).
func sinCosDD(x float64, want int) (s, c dd, ok bool) {
	r, q, ok := reduce(x)
	if !ok {
		return dd{}, dd{}, false
	}
	// sin x and cos x are ±sin r or ±cos r depending on the quadrant.
	needSin, needCos := want&1 != 0, want&2 != 0
	if q&1 == 1 {
		needSin, needCos = needCos, needSin
	}
	var sr, cr dd
	if needSin {
		sr = sinReduced(r)
	}
	if needCos {
		cr = cosReduced(r)
	}
	switch q {
	case 0:
		s, c = sr, cr
	case 1:
		s, c = cr, ddNeg(sr)
	case 2:
		s, c = ddNeg(sr), ddNeg(cr)
	case 3:
		s, c = ddNeg(cr), sr
	}
	return s, c, true
}

// sin is the correctly rounded sine.
func sin(x float64) float64 {
	if x == 0 {
		return x // keeps the sign of zero
	}
	s, _, ok := sinCosDD(x, 1)
	if !ok {
		return math.Sin(x)
	}
	return s.round()
}

// cos is the correctly rounded cosine.
func cos(x float64) float64 {
	_, c, ok := sinCosDD(x, 2)
	if !ok {
		return math.Cos(x)
	}
	return c.round()
}

// asin is the correctly rounded arc sine.
func asin(x float64) float64 {
	switch {
	case x == 0 || x != x:
		return x
	case x == 1:
		return math.Pi / 2
	case x == -1:
		return -math.Pi / 2
	case x > 1 || x < -1:
		return math.NaN()
	}
	// Newton on sin(y) = x from Go's estimate: y += (x - sin y) / cos y.
	// The correction is an ulp or so: cos y need not be more precise.
	y := math.Asin(x)
	s, _, _ := sinCosDD(y, 1)
	diff := ddAdd(dd{x, 0}, ddNeg(s))
	return quickTwoSum(y, diff.round()/math.Cos(y)).round()
}

// atan2 is the correctly rounded arc tangent of y/x in (-π, π].
func atan2(y, x float64) float64 {
	if y == 0 || x == 0 || math.IsInf(x, 0) || math.IsInf(y, 0) || x != x || y != y {
		return math.Atan2(y, x) // special cases: exact or as C99 defines them
	}
	// Newton from Go's estimate t: with (x, y) = ρ(cos φ, sin φ),
	// y·cos t - x·sin t = ρ·sin(φ-t) and x·cos t + y·sin t = ρ·cos(φ-t).
	t := math.Atan2(y, x)
	s, c, _ := sinCosDD(t, 3)
	num := ddAdd(ddMulF(c, y), ddNeg(ddMulF(s, x)))
	den := x*c.hi + y*s.hi
	return quickTwoSum(t, num.round()/den).round()
}
