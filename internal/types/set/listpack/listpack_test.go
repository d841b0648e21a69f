package listpack

import (
	"bytes"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
)

// Entries encode as Valkey's listpack does: these bytes come from
// valkey-server (DEBUG LISTPACK / RDB dumps of small sets).
func TestEncodingBytes(t *testing.T) {
	lp := New()
	lp = Append(lp, []byte("a"))
	lp = Append(lp, []byte("127"))
	lp = Append(lp, []byte("-1"))
	lp = Append(lp, []byte("4096"))
	lp = Append(lp, []byte("100000"))
	lp = Append(lp, []byte("10000000000"))
	lp = Append(lp, []byte("01"))
	want := []byte{
		0, 0, 0, 0, 7, 0, // header (total patched below)
		0x81, 'a', 2, // 6-bit string
		0x7F, 1, // 7-bit uint
		0xDF, 0xFF, 2, // 13-bit int -1
		0xF1, 0x00, 0x10, 3, // 16-bit int 4096
		0xF2, 0xA0, 0x86, 0x01, 4, // 24-bit int 100000
		0xF4, 0x00, 0xE4, 0x0B, 0x54, 0x02, 0, 0, 0, 9, // 64-bit int
		0x82, '0', '1', 3, // "01" stays a string
		0xFF,
	}
	want[0] = byte(len(want))
	if !bytes.Equal(lp, want) {
		t.Fatalf("got  % x\nwant % x", lp, want)
	}
	if err := Validate(lp); err != nil {
		t.Fatal(err)
	}
}

// A model test: random inserts, deletes and finds against a slice.
func TestModel(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	lp := New()
	var model []string
	gen := func() string {
		switch r.IntN(6) {
		case 0:
			return strconv.FormatInt(r.Int64N(200)-100, 10)
		case 1:
			return strconv.FormatInt(int64(r.Uint64()), 10)
		case 2:
			return string(bytes.Repeat([]byte{'x'}, r.IntN(5000)))
		case 3:
			return strconv.FormatInt(r.Int64N(1<<40), 10)
		}
		return "s" + strconv.Itoa(r.IntN(1000))
	}
	for step := 0; step < 5000; step++ {
		switch op := r.IntN(3); {
		case op == 0 || len(model) == 0:
			v := gen()
			i := r.IntN(len(model) + 1)
			at := End(lp)
			if i < len(model) {
				at = Seek(lp, i)
			}
			lp, _ = Insert(lp, at, []byte(v))
			model = append(model[:i], append([]string{v}, model[i:]...)...)
		case op == 1:
			i := r.IntN(len(model))
			n := 1 + r.IntN(3)
			lp = Delete(lp, Seek(lp, i), n)
			model = append(model[:i], model[min(i+n, len(model)):]...)
		default:
			v := model[r.IntN(len(model))]
			p := Find(lp, First(lp), []byte(v), 0)
			if p < 0 {
				t.Fatalf("step %d: %q not found", step, v)
			}
			var buf [20]byte
			if string(GetBytes(lp, p, buf[:])) != v {
				t.Fatalf("step %d: found wrong entry", step)
			}
		}
		if Len(lp) != len(model) {
			t.Fatalf("step %d: Len %d, want %d", step, Len(lp), len(model))
		}
		if err := Validate(lp); err != nil {
			t.Fatalf("step %d: %v", step, err)
		}
		if step%97 == 0 {
			i := 0
			var buf [20]byte
			for p := First(lp); p >= 0; p = Next(lp, p) {
				if string(GetBytes(lp, p, buf[:])) != model[i] {
					t.Fatalf("step %d: entry %d differs", step, i)
				}
				i++
			}
			i = len(model) - 1
			for p := Last(lp); p >= 0; p = Prev(lp, p) {
				if string(GetBytes(lp, p, buf[:])) != model[i] {
					t.Fatalf("step %d: backwards entry %d differs", step, i)
				}
				i--
			}
		}
	}
}

func TestIntegerBoundaries(t *testing.T) {
	for _, v := range []int64{0, 127, 128, -1, -4096, 4095, 4096, -4097, 32767, -32768, 32768,
		8388607, -8388608, 8388608, math.MaxInt32, math.MinInt32, math.MaxInt32 + 1, math.MaxInt64, math.MinInt64} {
		lp := AppendInt(New(), v)
		_, got, isInt := Get(lp, First(lp))
		if !isInt || got != v {
			t.Fatalf("%d read back as %d", v, got)
		}
		if len(lp) != 7+IntEntrySize(v) {
			t.Fatalf("%d: size %d, IntEntrySize %d", v, len(lp)-7, IntEntrySize(v))
		}
		if err := Validate(lp); err != nil {
			t.Fatal(err)
		}
	}
}

// FuzzValidate: Validate never panics, and what it accepts can be walked
// both ways and read.
func FuzzValidate(f *testing.F) {
	f.Add(Append(Append(New(), []byte("hello")), []byte("123")))
	f.Add(AppendInt(New(), math.MinInt64))
	f.Add(Append(New(), bytes.Repeat([]byte("y"), 5000)))
	f.Add([]byte{7, 0, 0, 0, 0, 0, 0xFF})
	f.Fuzz(func(t *testing.T, b []byte) {
		if Validate(b) != nil {
			return
		}
		n := 0
		var buf [20]byte
		for p := First(b); p >= 0; p = Next(b, p) {
			GetBytes(b, p, buf[:])
			n++
		}
		for p := Last(b); p >= 0; p = Prev(b, p) {
			n--
		}
		if n != 0 || Len(b) < 0 {
			t.Fatalf("walks disagree")
		}
	})
}
