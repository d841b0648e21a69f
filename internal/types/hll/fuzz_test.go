package hll

import (
	"bytes"
	"testing"
)

// FuzzSparse feeds arbitrary register bytes behind a sparse header to every
// reader and writer: nothing may panic, and the readers must agree on
// whether the registers are valid and, when they are, on the registers.
func FuzzSparse(f *testing.F) {
	f.Add([]byte{0x7f, 0xff}, []byte("a"), uint16(3000))
	f.Add([]byte{0x7f}, []byte("b"), uint16(20))
	f.Add([]byte{0x3f, 0x7f, 0xbf, 0x80}, []byte(""), uint16(100))
	f.Add([]byte{0xff, 0xfb, 0x7f, 0xfb}, []byte("xyz"), uint16(5))
	f.Add([]byte{0x40, 0x00, 0x40}, []byte("q"), uint16(0))
	f.Fuzz(func(t *testing.T, regs, ele []byte, maxSparse uint16) {
		v := append([]byte("HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80"), regs...)
		if !Valid(v) {
			t.Fatal("a sparse header must be valid")
		}
		orig := bytes.Clone(v)
		count, errCount := Count(v)
		var r Raw
		errMerge := r.Merge(v, true)
		dense, errDense := ToDense(v)
		_ = Decode(v)
		if !bytes.Equal(v, orig) {
			t.Fatal("a reader changed the value")
		}
		if (errCount == nil) != (errMerge == nil) || (errCount == nil) != (errDense == nil) {
			t.Fatalf("readers disagree: count %v merge %v dense %v", errCount, errMerge, errDense)
		}
		if errCount == nil {
			if c, _ := Count(dense); c != count {
				t.Fatalf("sparse estimate %d, dense %d", count, c)
			}
			if c := r.Count(); c != count {
				t.Fatalf("raw estimate %d, sparse %d", c, count)
			}
			for i := 0; i < Registers; i++ {
				if Register(dense, i) != r[i] {
					t.Fatalf("register %d: dense %d raw %d", i, Register(dense, i), r[i])
				}
			}
		}

		// Writers: a few elements and explicit registers.
		w := Clone(nil, v)
		var err error
		for k := 0; k < 4; k++ {
			e := append(bytes.Clone(ele), byte(k))
			w, _, err = Add(w, e, int(maxSparse))
			if err != nil {
				break
			}
		}
		if err == nil {
			w, _, err = SetRegister(w, int(maxSparse)%Registers, uint8(1+len(ele)%40), int(maxSparse))
		}
		if !Valid(w) {
			t.Fatal("a writer produced an invalid header")
		}
		if errCount == nil && err != nil && !endsInCutXZero(v) {
			t.Fatalf("valid registers refused by a writer: %v", err)
		}
		if errCount == nil && !endsInCutXZero(v) {
			// Updates of valid registers keep them valid (unless the
			// value ends in half an XZERO: see doc.go), and a sparse
			// result respects the size limit unless the input was already
			// larger.
			if _, err := Count(w); err != nil {
				t.Fatalf("update made the registers invalid: %v", err)
			}
			if IsSparse(w) && len(w) > max(int(maxSparse), len(v)) {
				t.Fatalf("sparse value of %d bytes over the limit %d", len(w), maxSparse)
			}
		}
	})
}

// FuzzAddSparseVsDense adds the same elements to a sparse and a dense HLL:
// the registers must stay identical whatever the elements and the limit.
func FuzzAddSparseVsDense(f *testing.F) {
	f.Add([]byte("abc"), uint16(3000))
	f.Add([]byte("\x00\x01\x02\x03\x04\x05\x06\x07\x08"), uint16(40))
	f.Fuzz(func(t *testing.T, data []byte, maxSparse uint16) {
		s := New()
		d, _ := ToDense(New())
		for i := 0; i+2 <= len(data); i += 2 {
			e := data[i : i+2]
			var err error
			var cs, cd bool
			if s, cs, err = Add(s, e, int(maxSparse)); err != nil {
				t.Fatal(err)
			}
			d, cd, _ = Add(d, e, int(maxSparse))
			if cs != cd {
				t.Fatalf("changed: sparse %v dense %v", cs, cd)
			}
		}
		sd, err := ToDense(s)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(sd[HeaderSize:], d[HeaderSize:]) {
			t.Fatal("registers differ")
		}
	})
}

// endsInCutXZero reports whether the last opcode of the sparse value s is
// an XZERO missing its second byte.
func endsInCutXZero(s []byte) bool {
	p := HeaderSize
	for p < len(s) {
		_, size := opSpan(s, p)
		if p+size > len(s) {
			return true
		}
		p += size
	}
	return false
}
