package hll

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"

	"petrel/internal/errs"
)

// A step of a recorded Valkey session (testdata/valkey-hll.txt.gz).
type step struct {
	line  int
	args  []string
	reply string
}

type recordedCase struct {
	name  string
	steps []step
}

// LoadRecorded reads testdata/valkey-hll.txt.gz (see testdata/capture.go).
func loadRecorded(t testing.TB) []recordedCase {
	t.Helper()
	f, err := os.Open("testdata/valkey-hll.txt.gz")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(zr)
	sc.Buffer(nil, 1<<26)
	var out []recordedCase
	n := 0
	for sc.Scan() {
		n++
		l := sc.Text()
		switch {
		case strings.HasPrefix(l, "=== "):
			out = append(out, recordedCase{name: l[4:]})
		case strings.HasPrefix(l, "> "):
			var args []string
			rest := l[2:]
			for rest != "" {
				q, err := strconv.QuotedPrefix(rest)
				if err != nil {
					t.Fatalf("line %d: %v", n, err)
				}
				a, _ := strconv.Unquote(q)
				args = append(args, a)
				rest = strings.TrimPrefix(rest[len(q):], " ")
			}
			c := &out[len(out)-1]
			c.steps = append(c.steps, step{line: n, args: args})
		case strings.HasPrefix(l, "< "):
			r, err := strconv.Unquote(l[2:])
			if err != nil {
				t.Fatalf("line %d: %v", n, err)
			}
			c := &out[len(out)-1]
			c.steps[len(c.steps)-1].reply = r
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// model plays the PF* commands on a map of string values with this
// package's functions, replying as Valkey does: a reference for the
// recorded sessions that needs no server.
type model struct {
	keys      map[string][]byte
	maxSparse int
	scalar    bool // PFDEBUG SIMD OFF
}

func bulk(b []byte) string    { return "$" + strconv.Itoa(len(b)) + "\r\n" + string(b) + "\r\n" }
func integer(n int64) string  { return ":" + strconv.FormatInt(n, 10) + "\r\n" }
func errReply(e error) string { return "-" + errs.Text(e) + "\r\n" }

// hllOf returns the HLL under key (nil if missing) or the reply error.
func (m *model) hllOf(key string) ([]byte, error) {
	v, ok := m.keys[key]
	if !ok {
		return nil, nil
	}
	if !Valid(v) {
		return nil, ErrNotHLL
	}
	return v, nil
}

func (m *model) do(args []string) (string, bool) {
	cmd := strings.ToUpper(args[0])
	switch cmd {
	case "FLUSHALL":
		m.keys = map[string][]byte{}
		return "+OK\r\n", true
	case "CONFIG":
		m.maxSparse, _ = strconv.Atoi(args[3])
		return "+OK\r\n", true
	case "SET":
		m.keys[args[1]] = []byte(args[2])
		return "+OK\r\n", true
	case "DEL":
		_, ok := m.keys[args[1]]
		delete(m.keys, args[1])
		if ok {
			return integer(1), true
		}
		return integer(0), true
	case "GET":
		v, ok := m.keys[args[1]]
		if !ok {
			return "$-1\r\n", true
		}
		return bulk(v), true
	case "PFADD":
		v, err := m.hllOf(args[1])
		if err != nil {
			return errReply(err), true
		}
		updated := 0
		if v == nil {
			v = New()
			updated++
		} else {
			v = Clone(nil, v) // a stored value has a zero terminator
		}
		for _, e := range args[2:] {
			var changed bool
			v, changed, err = Add(v, []byte(e), m.maxSparse)
			m.keys[args[1]] = v
			if err != nil {
				return errReply(err), true
			}
			if changed {
				updated++
			}
		}
		m.keys[args[1]] = v
		if updated > 0 {
			Invalidate(v)
			return integer(1), true
		}
		return integer(0), true
	case "PFCOUNT":
		if len(args) > 2 {
			var r Raw
			for _, k := range args[1:] {
				v, err := m.hllOf(k)
				if err != nil {
					return errReply(err), true
				}
				if v != nil {
					if err := r.Merge(v, !m.scalar); err != nil {
						return errReply(err), true
					}
				}
			}
			return integer(int64(r.Count())), true
		}
		v, err := m.hllOf(args[1])
		switch {
		case err != nil:
			return errReply(err), true
		case v == nil:
			return integer(0), true
		}
		card, ok := Cached(v)
		if !ok {
			if card, err = Count(v); err != nil {
				return errReply(err), true
			}
			SetCached(v, card)
		}
		return integer(int64(card)), true
	case "PFMERGE":
		var r Raw
		dense := false
		for _, k := range args[1:] {
			v, err := m.hllOf(k)
			if err != nil {
				return errReply(err), true
			}
			if v == nil {
				continue
			}
			dense = dense || !IsSparse(v)
			if err := r.Merge(v, !m.scalar); err != nil {
				return errReply(err), true
			}
		}
		v := m.keys[args[1]]
		if v == nil {
			v = New()
		} else {
			v = Clone(nil, v)
		}
		if dense {
			v, _ = ToDense(v)
			r.WriteDense(v, !m.scalar)
		} else {
			for i, x := range r {
				if x != 0 {
					v, _, _ = SetRegister(v, i, x, m.maxSparse)
				}
			}
		}
		Invalidate(v)
		m.keys[args[1]] = v
		return "+OK\r\n", true
	case "PFDEBUG":
		sub := strings.ToUpper(args[1])
		if sub == "SIMD" {
			m.scalar = strings.ToUpper(args[2]) != "ON"
			if !m.scalar {
				return "+enabled\r\n", true
			}
			return "+disabled\r\n", true
		}
		v, err := m.hllOf(args[2])
		switch {
		case err != nil:
			return errReply(err), true
		case v == nil:
			return errReply(errs.HLLNoSuchKey), true
		}
		switch sub {
		case "GETREG", "TODENSE":
			conv := IsSparse(v)
			if conv {
				if v, err = ToDense(v); err != nil {
					return errReply(err), true
				}
				m.keys[args[2]] = v
			}
			if sub == "TODENSE" {
				if conv {
					return integer(1), true
				}
				return integer(0), true
			}
			var b strings.Builder
			b.WriteString("*16384\r\n")
			for i := 0; i < Registers; i++ {
				b.WriteString(integer(int64(Register(v, i))))
			}
			return b.String(), true
		case "DECODE":
			if !IsSparse(v) {
				return errReply(errs.HLLNotSparse), true
			}
			return bulk(Decode(v)), true
		case "ENCODING":
			if IsSparse(v) {
				return "+sparse\r\n", true
			}
			return "+dense\r\n", true
		}
	}
	return "", false // not modelled (OBJECT ENCODING)
}

// TestRecordedSessions replays every session Valkey answered and requires
// the same replies: register bytes after every update, estimates, errors.
func TestRecordedSessions(t *testing.T) {
	for _, c := range loadRecorded(t) {
		t.Run(c.name, func(t *testing.T) {
			m := &model{keys: map[string][]byte{}, maxSparse: 3000}
			fails := 0
			for _, s := range c.steps {
				got, ok := m.do(s.args)
				if !ok || got == s.reply {
					continue
				}
				t.Errorf("line %d: %q\n got %.300q\nwant %.300q", s.line, s.args, got, s.reply)
				if fails++; fails > 5 {
					t.FailNow()
				}
			}
		})
	}
}

func TestMurmurKnown(t *testing.T) {
	// Register and run length of "a" as Valkey reports them
	// (PFDEBUG DECODE after PFADD h a: "Z:12711 v:2,1 Z:3671").
	if i, c := patLen([]byte("a")); i != 12711 || c != 2 {
		t.Fatalf("patLen(a) = %d,%d", i, c)
	}
}

func TestDenseRegisters(t *testing.T) {
	regs := make([]byte, denseBytes)
	want := make([]uint8, Registers)
	r := rand.New(rand.NewPCG(1, 2))
	for round := 0; round < 20; round++ {
		for i := range want {
			want[i] = uint8(r.IntN(64))
			denseSet(regs, i, want[i])
		}
		for i := range want {
			if got := denseGet(regs, i); got != want[i] {
				t.Fatalf("register %d = %d, want %d", i, got, want[i])
			}
		}
	}
}

// TestFastPathsMatch compares the vector (or word-at-a-time) merge and
// compression with the register-at-a-time ones on random dense values,
// under every kernel set the CPU has.
func TestFastPathsMatch(t *testing.T) { forEachKernel(t, testFastPathsMatch) }

func testFastPathsMatch(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for round := 0; round < 50; round++ {
		v := make([]byte, DenseSize)
		copy(v, "HYLL")
		for i := range v[HeaderSize:] {
			v[HeaderSize+i] = byte(r.Uint32())
		}
		var base Raw
		for i := range base {
			base[i] = uint8(r.IntN(64))
		}
		a, b := base, base
		_ = a.Merge(v, true)
		_ = b.Merge(v, false)
		if a != b {
			t.Fatal("merge paths disagree")
		}
		d1 := make([]byte, DenseSize)
		d2 := make([]byte, DenseSize)
		a.WriteDense(d1, true)
		a.WriteDense(d2, false)
		if !bytes.Equal(d1, d2) {
			t.Fatal("compress paths disagree")
		}
		var back Raw
		_ = back.Merge(d1, true)
		if back != a {
			t.Fatal("compress/merge round trip differs")
		}
	}
}

// TestHistogramPaths compares the histogram kernels with a plain count on
// raw registers of narrow, wide and degenerate value ranges.
func TestHistogramPaths(t *testing.T) {
	forEachKernel(t, func(t *testing.T) {
		r := rand.New(rand.NewPCG(5, 6))
		for round := 0; round < 200; round++ {
			var raw Raw
			lo, hi := r.IntN(64), r.IntN(64)
			if lo > hi {
				lo, hi = hi, lo
			}
			switch round {
			case 0: // all zero
				lo, hi = 0, 0
			case 1: // all at the maximum
				lo, hi = 63, 63
			}
			for i := range raw {
				raw[i] = uint8(lo + r.IntN(hi-lo+1))
			}
			var want [64]int
			for _, x := range raw {
				want[x]++
			}
			var got [64]int
			rawHisto(&raw, &got)
			if got != want {
				t.Fatalf("round %d [%d,%d]: histogram %v, want %v", round, lo, hi, got, want)
			}
			if c, w := raw.Count(), estimate(&want); c != w {
				t.Fatalf("round %d: Count %d, want %d", round, c, w)
			}
		}
		// Dense Count (which may unpack the registers) against the packed
		// histogram.
		for round := 0; round < 20; round++ {
			v := make([]byte, DenseSize)
			copy(v, "HYLL")
			for i := range v[HeaderSize:] {
				v[HeaderSize+i] = byte(r.Uint32())
			}
			var hist [64]int
			denseHisto(v[HeaderSize:], &hist)
			if c, _ := Count(v); c != estimate(&hist) {
				t.Fatalf("dense Count %d, want %d", c, estimate(&hist))
			}
		}
	})
}

// TestSparseMatchesDense adds the same elements to a sparse and a dense HLL
// and requires identical registers and estimates at every step.
func TestSparseMatchesDense(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for round := 0; round < 30; round++ {
		s := New()
		d, _ := ToDense(New())
		var ele [12]byte
		n := r.IntN(4000)
		for j := 0; j < n; j++ {
			binary.LittleEndian.PutUint64(ele[:], r.Uint64())
			var err error
			if s, _, err = Add(s, ele[:], 3000); err != nil {
				t.Fatal(err)
			}
			d, _, _ = Add(d, ele[:], 3000)
			if len(s) > 3000 && IsSparse(s) {
				t.Fatalf("sparse value of %d bytes", len(s))
			}
		}
		cs, err := Count(s)
		if err != nil {
			t.Fatal(err)
		}
		cd, _ := Count(d)
		if cs != cd {
			t.Fatalf("round %d: sparse %d dense %d", round, cs, cd)
		}
		for i := 0; i < Registers; i++ {
			sd, _ := ToDense(s)
			if Register(sd, i) != Register(d, i) {
				t.Fatalf("register %d differs", i)
			}
		}
	}
}

func TestValid(t *testing.T) {
	ok := New()
	dense, _ := ToDense(ok)
	for _, c := range []struct {
		v    []byte
		want bool
	}{
		{ok, true}, {dense, true}, {ok[:15], false}, {ok[:16], true},
		{append([]byte("HYLX"), ok[4:]...), false},
		{append([]byte("HYLL\x02"), ok[5:]...), false},
		{dense[:DenseSize-1], false}, {append(dense, 0), false},
	} {
		if got := Valid(c.v); got != c.want {
			t.Errorf("Valid(%.20q) = %v", c.v, got)
		}
	}
}

func TestSelfTest(t *testing.T) {
	if testing.Short() {
		t.Skip("adds ten million elements")
	}
	if err := SelfTest(3000); err != nil {
		t.Fatal(err)
	}
}

func TestEstimateExtremes(t *testing.T) {
	// An empty sketch: sigma(1) is infinite, the estimate 0.
	var r Raw
	if c := r.Count(); c != 0 {
		t.Fatalf("empty: %d", c)
	}
	// Every register at Q+1: the estimate is infinite and comes out as
	// Valkey's llroundl overflow, 2^63.
	for i := range r {
		r[i] = Q + 1
	}
	if c := r.Count(); c != 1<<63 {
		t.Fatalf("saturated: %d", c)
	}
}

func TestErrorsAreCatalogued(t *testing.T) {
	if !errors.Is(ErrInvalid, errs.HLLInvalid) || !errors.Is(ErrNotHLL, errs.HLLWrongType) {
		t.Fatal("sentinels")
	}
}

func BenchmarkAddDense(b *testing.B) {
	d, _ := ToDense(New())
	var ele [8]byte
	for i := 0; i < b.N; i++ {
		binary.LittleEndian.PutUint64(ele[:], uint64(i))
		d, _, _ = Add(d, ele[:], 3000)
	}
}

func BenchmarkMergeDense(b *testing.B) {
	d, _ := ToDense(New())
	for i := range d[HeaderSize:] {
		d[HeaderSize+i] = byte(i * 7)
	}
	var r Raw
	for i := 0; i < b.N; i++ {
		_ = r.Merge(d, true)
	}
}

func BenchmarkCountDense(b *testing.B) {
	d, _ := ToDense(New())
	for i := range d[HeaderSize:] {
		d[HeaderSize+i] = byte(i * 7)
	}
	for i := 0; i < b.N; i++ {
		_, _ = Count(d)
	}
}

func BenchmarkCountRaw(b *testing.B) {
	var r Raw
	for i := range r {
		r[i] = uint8(i % 20)
	}
	for i := 0; i < b.N; i++ {
		_ = r.Count()
	}
}
