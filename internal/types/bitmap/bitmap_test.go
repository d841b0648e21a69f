package bitmap

import (
	"bytes"
	"math/big"
	"math/rand/v2"
	"testing"
)

// Reference implementations, one bit at a time.

func refBit(b []byte, i int64) int {
	if i>>3 >= int64(len(b)) {
		return 0
	}
	return int(b[i>>3]>>(7-i&7)) & 1
}

func refCount(b []byte, from, to int64) int64 { // bits [from, to]
	var n int64
	for i := from; i <= to; i++ {
		n += int64(refBit(b, i))
	}
	return n
}

func refPos(b []byte, bit int) int64 {
	for i := int64(0); i < int64(len(b))*8; i++ {
		if refBit(b, i) == bit {
			return i
		}
	}
	if bit == 1 {
		return -1
	}
	return int64(len(b)) * 8
}

// refNorm is Valkey's index normalisation.
func refNorm(start, end, total int64) (int64, int64) {
	if start < 0 {
		start = total + start
	}
	if end < 0 {
		end = total + end
	}
	if start < 0 {
		start = 0
	}
	if end < 0 {
		end = 0
	}
	if end >= total {
		end = total - 1
	}
	return start, end
}

func refCountRange(b []byte, start, end int64, isBit bool) int64 {
	if start < 0 && end < 0 && start > end {
		return 0
	}
	total := int64(len(b))
	if isBit {
		total *= 8
	}
	start, end = refNorm(start, end, total)
	if start > end {
		return 0
	}
	if !isBit {
		start, end = start*8, end*8+7
	}
	return refCount(b, start, end)
}

func refPosRange(b []byte, bit int, start, end int64, endGiven, isBit bool) int64 {
	total := int64(len(b))
	if !endGiven {
		end = total - 1
	}
	if isBit {
		total *= 8
	}
	start, end = refNorm(start, end, total)
	if start > end {
		return -1
	}
	if !isBit {
		start, end = start*8, end*8+7
	}
	for i := start; i <= end; i++ {
		if refBit(b, i) == bit {
			return i
		}
	}
	if bit == 1 || endGiven {
		return -1
	}
	return end + 1
}

func randBytes(r *rand.Rand, n int) []byte {
	b := make([]byte, n)
	mode := r.IntN(4)
	for i := range b {
		switch mode {
		case 0:
			b[i] = byte(r.Uint32())
		case 1:
			b[i] = 0
			if r.IntN(50) == 0 {
				b[i] = byte(r.Uint32())
			}
		case 2:
			b[i] = 0xff
			if r.IntN(50) == 0 {
				b[i] = byte(r.Uint32())
			}
		default:
			b[i] = byte(r.IntN(2)) * 0xff
		}
	}
	return b
}

func TestCountAndPos(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	for round := 0; round < 3000; round++ {
		b := randBytes(r, r.IntN(100))
		n := int64(len(b))
		if got, want := Count(b), refCount(b, 0, n*8-1); got != want {
			t.Fatalf("Count(%x) = %d, want %d", b, got, want)
		}
		for bit := 0; bit <= 1; bit++ {
			if got, want := Pos(b, bit), refPos(b, bit); got != want {
				t.Fatalf("Pos(%x, %d) = %d, want %d", b, bit, got, want)
			}
		}
		for k := 0; k < 20; k++ {
			span := 2*n*8 + 20
			start, end := r.Int64N(span)-span/2, r.Int64N(span)-span/2
			isBit := r.IntN(2) == 0
			if got, want := CountRange(b, start, end, isBit), refCountRange(b, start, end, isBit); got != want {
				t.Fatalf("CountRange(%x, %d, %d, %v) = %d, want %d", b, start, end, isBit, got, want)
			}
			bit := r.IntN(2)
			endGiven := r.IntN(2) == 0
			isBit = isBit && endGiven
			if got, want := PosRange(b, bit, start, end, endGiven, isBit), refPosRange(b, bit, start, end, endGiven, isBit); got != want {
				t.Fatalf("PosRange(%x, %d, %d, %d, %v, %v) = %d, want %d", b, bit, start, end, endGiven, isBit, got, want)
			}
		}
	}
}

func TestApply(t *testing.T) { forEachKernel(t, testApply) }

func testApply(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 2))
	for round := 0; round < 500; round++ {
		op := Op(r.IntN(4))
		k := 1 + r.IntN(5)
		if op == Not {
			k = 1
		}
		srcs := make([][]byte, k)
		maxLen := 0
		for i := range srcs {
			srcs[i] = randBytes(r, r.IntN(10000))
			maxLen = max(maxLen, len(srcs[i]))
		}
		dst := make([]byte, maxLen)
		for i := range dst {
			dst[i] = byte(r.Uint32()) // Apply must overwrite everything
		}
		Apply(op, dst, srcs)
		at := func(s []byte, i int) byte {
			if i < len(s) {
				return s[i]
			}
			return 0
		}
		for i := range dst {
			want := at(srcs[0], i)
			if op == Not {
				want = ^want
			}
			for _, s := range srcs[1:] {
				switch op {
				case And:
					want &= at(s, i)
				case Or:
					want |= at(s, i)
				case Xor:
					want ^= at(s, i)
				}
			}
			if dst[i] != want {
				t.Fatalf("op %d byte %d: %x, want %x", op, i, dst[i], want)
			}
		}
	}
}

func TestBitfieldGetSet(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	for round := 0; round < 20000; round++ {
		b := randBytes(r, 1+r.IntN(20))
		bits := 1 + r.IntN(64)
		off := uint64(r.IntN(len(b)*8 + 8))
		var want uint64
		for i := 0; i < bits; i++ {
			want = want<<1 | uint64(refBit(b, int64(off)+int64(i)))
		}
		if got := GetUnsigned(b, off, bits); got != want {
			t.Fatalf("GetUnsigned(%x, %d, %d) = %x, want %x", b, off, bits, got, want)
		}
		// Write a random value where the field fits.
		if off+uint64(bits) > uint64(len(b))*8 {
			continue
		}
		v := r.Uint64()
		orig := bytes.Clone(b)
		SetBits(b, off, bits, v)
		for i := int64(0); i < int64(len(b))*8; i++ {
			exp := refBit(orig, i)
			if i >= int64(off) && i < int64(off)+int64(bits) {
				exp = int(v>>(bits-1-int(i-int64(off)))) & 1
			}
			if refBit(b, i) != exp {
				t.Fatalf("SetBits(%x, %d, %d, %x) -> %x: bit %d", orig, off, bits, v, b, i)
			}
		}
	}
}

// TestOverflowChecks compares the overflow rules with exact arithmetic.
func TestOverflowChecks(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 4))
	interesting := func() int64 {
		switch r.IntN(4) {
		case 0:
			return r.Int64N(512) - 256
		case 1:
			return int64(r.Uint64())
		case 2:
			return int64(1)<<r.IntN(63) - int64(r.IntN(3))
		default:
			return -(int64(1) << r.IntN(63)) + int64(r.IntN(3))
		}
	}
	for round := 0; round < 200000; round++ {
		signed := r.IntN(2) == 0
		bits := 1 + r.IntN(63)
		if signed {
			bits = 1 + r.IntN(64)
		}
		incr := interesting()
		if signed {
			lo := new(big.Int).Neg(new(big.Int).Lsh(big.NewInt(1), uint(bits-1)))
			hi := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), uint(bits-1)), big.NewInt(1))
			v := interesting()
			if bits < 64 {
				v = v << (64 - bits) >> (64 - bits) // a value the field can hold
			}
			sum := new(big.Int).Add(big.NewInt(v), big.NewInt(incr))
			want := 0
			if sum.Cmp(hi) > 0 {
				want = 1
			} else if sum.Cmp(lo) < 0 {
				want = -1
			}
			got, lim := checkSigned(v, incr, bits, Sat)
			if got != want {
				t.Fatalf("checkSigned(%d, %d, %d) = %d, want %d", v, incr, bits, got, want)
			}
			if want != 0 {
				exp := hi
				if want < 0 {
					exp = lo
				}
				if lim != exp.Int64() {
					t.Fatalf("sat limit %d", lim)
				}
				_, wrapped := checkSigned(v, incr, bits, Wrap)
				m := new(big.Int).Lsh(big.NewInt(1), uint(bits))
				w := new(big.Int).Mod(new(big.Int).Sub(sum, lo), m)
				w.Add(w, lo)
				if wrapped != w.Int64() {
					t.Fatalf("wrap of %d+%d in i%d: %d, want %s", v, incr, bits, wrapped, w)
				}
			}
		} else {
			maxv := uint64(1)<<bits - 1
			v := uint64(interesting()) & maxv
			sum := new(big.Int).Add(new(big.Int).SetUint64(v), big.NewInt(incr))
			want := 0
			if sum.Cmp(new(big.Int).SetUint64(maxv)) > 0 {
				want = 1
			} else if sum.Sign() < 0 {
				want = -1
			}
			got, _ := checkUnsigned(v, incr, bits, Sat)
			if got != want {
				t.Fatalf("checkUnsigned(%d, %d, %d) = %d, want %d", v, incr, bits, got, want)
			}
		}
	}
}

func TestParse(t *testing.T) {
	for _, c := range []struct {
		in     string
		signed bool
		bits   int
		ok     bool
	}{
		{"i8", true, 8, true}, {"u8", false, 8, true}, {"i64", true, 64, true}, {"u63", false, 63, true},
		{"u64", false, 0, false}, {"i65", true, 0, false}, {"i0", true, 0, false}, {"I8", true, 0, false},
		{"i", true, 0, false}, {"", false, 0, false}, {"i08", true, 0, false}, {"i-1", true, 0, false},
		{"i 8", true, 0, false}, {"x8", false, 0, false},
	} {
		ty, ok := ParseType([]byte(c.in))
		if ok != c.ok || (ok && (ty.Signed != c.signed || ty.Bits != c.bits)) {
			t.Errorf("ParseType(%q) = %+v, %v", c.in, ty, ok)
		}
	}
	const limit = 512 << 20
	for _, c := range []struct {
		in   string
		hash bool
		bits int
		want uint64
		ok   bool
	}{
		{"0", false, 0, 0, true}, {"4294967295", false, 0, 4294967295, true}, {"4294967296", false, 0, 0, false},
		{"-1", false, 0, 0, false}, {"#3", true, 8, 24, true}, {"#3", false, 8, 0, false}, {"#-1", true, 8, 0, false},
		{"x", false, 0, 0, false}, {"", false, 0, 0, false}, {"#", true, 8, 0, false},
		{"#4611686018427387905", true, 4, 4, true}, // wraps around as in C
	} {
		got, ok := ParseOffset([]byte(c.in), c.hash, c.bits, limit)
		if ok != c.ok || got != c.want {
			t.Errorf("ParseOffset(%q, %v, %d) = %d, %v", c.in, c.hash, c.bits, got, ok)
		}
	}
}

func FuzzPosRange(f *testing.F) {
	f.Add([]byte("\xff\xf0\x00"), 0, int64(0), int64(-1), true, true)
	f.Fuzz(func(t *testing.T, b []byte, bit int, start, end int64, endGiven, isBit bool) {
		bit &= 1
		isBit = isBit && endGiven
		if len(b) > 64 {
			b = b[:64]
		}
		if got, want := PosRange(b, bit, start, end, endGiven, isBit), refPosRange(b, bit, start, end, endGiven, isBit); got != want {
			t.Fatalf("PosRange = %d, want %d", got, want)
		}
		if got, want := CountRange(b, start, end, isBit), refCountRange(b, start, end, isBit); got != want {
			t.Fatalf("CountRange = %d, want %d", got, want)
		}
	})
}

func BenchmarkCount1MB(b *testing.B) {
	v := randBytes(rand.New(rand.NewPCG(9, 9)), 1<<20)
	b.SetBytes(int64(len(v)))
	for i := 0; i < b.N; i++ {
		Count(v)
	}
}

func BenchmarkApplyAnd1MB(b *testing.B) {
	r := rand.New(rand.NewPCG(9, 9))
	s1, s2 := randBytes(r, 1<<20), randBytes(r, 1<<20)
	dst := make([]byte, 1<<20)
	b.SetBytes(1 << 20)
	for i := 0; i < b.N; i++ {
		Apply(And, dst, [][]byte{s1, s2})
	}
}

func TestCountPaths(t *testing.T) {
	forEachKernel(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(7, 7))
		for n := 0; n < 1200; n++ {
			if n > 300 {
				n += r.IntN(40)
			}
			b := randBytes(r, n)
			if Count(b) != countWords(b) || Count(b) != refCount(b, 0, int64(n)*8-1) {
				t.Fatalf("len %d: %d %d", n, Count(b), countWords(b))
			}
		}
		// Every alignment of the start (the vector loads begin on a
		// cache line).
		big := randBytes(r, 4096)
		for off := 0; off < 128; off++ {
			b := big[off : off+700+off*7]
			if Count(b) != countWords(b) {
				t.Fatalf("offset %d: %d, want %d", off, Count(b), countWords(b))
			}
		}
	})
}

func TestCombinePaths(t *testing.T) {
	forEachKernel(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(8, 8))
		for round := 0; round < 300; round++ {
			n := r.IntN(3000)
			s := randBytes(r, n)
			for op := And; op <= Not; op++ {
				a := randBytes(r, n)
				b := bytes.Clone(a)
				combine(op, a, a, s) // in place
				combineWords(op, b, b, s)
				if !bytes.Equal(a, b) {
					t.Fatalf("op %d len %d: paths differ", op, n)
				}
				x, y := randBytes(r, n), make([]byte, n+64)
				y = y[round%64 : round%64+n] // any alignment
				combine(op, y, x, s)         // into a third slice
				combineWords(op, x, x, s)
				if !bytes.Equal(x, y) {
					t.Fatalf("op %d len %d: three-operand paths differ", op, n)
				}
			}
		}
	})
}

// BenchmarkCount1MBCold counts 1 MB strings that are not in the cache (a
// rotation through 64 MB), as BITCOUNT of a big value under load finds
// them.
func BenchmarkCount1MBCold(b *testing.B) {
	r := rand.New(rand.NewPCG(9, 9))
	vs := make([][]byte, 64)
	for i := range vs {
		vs[i] = randBytes(r, 1<<20)
	}
	b.SetBytes(1 << 20)
	i := 0
	for b.Loop() {
		Count(vs[i%len(vs)])
		i++
	}
}
