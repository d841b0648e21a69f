package kvtable

import (
	"bytes"
	"fmt"
)

// verify checks the structural invariants of t: every record sits in the one
// chain its hash selects, counts match, stored hashes match the keys.
func (t *Table) verify() error {
	if t.rehashIdx < 0 && t.ht[1].b != nil {
		return fmt.Errorf("ht[1] allocated while not rehashing")
	}
	if t.rehashIdx >= len(t.ht[0].b) && t.rehashIdx > 0 {
		return fmt.Errorf("rehashIdx %d past ht[0] (%d)", t.rehashIdx, len(t.ht[0].b))
	}
	n, nexp := 0, 0
	seen := map[Ref]bool{}
	for ti := range t.ht {
		b := t.ht[ti].b
		if b != nil && len(b)&(len(b)-1) != 0 {
			return fmt.Errorf("ht[%d] size %d not a power of two", ti, len(b))
		}
		for i, head := range b {
			for r := Ref(head); r != 0; r = recNext(t.a.Slice(r)) {
				if seen[r] {
					return fmt.Errorf("ref %#x linked twice", r)
				}
				seen[r] = true
				rec := t.a.Slice(r)
				h := recHash(rec)
				if int(h&uint32(len(b)-1)) != i {
					return fmt.Errorf("ref %#x in ht[%d][%d], hash says %d", r, ti, i, h&uint32(len(b)-1))
				}
				i0 := int(h & t.ht[0].mask())
				if (ti == 0) != (i0 >= t.rehashIdx) {
					return fmt.Errorf("ref %#x in ht[%d] but ht[0] bucket %d, rehashIdx %d", r, ti, i0, t.rehashIdx)
				}
				if h != t.hash(t.Key(r)) {
					return fmt.Errorf("ref %#x: stored hash differs from key hash", r)
				}
				l := parse(rec)
				if l.end() > len(rec) {
					return fmt.Errorf("ref %#x: record of %d bytes in a %d-byte block", r, l.end(), len(rec))
				}
				n++
				if l.exp {
					nexp++
				}
			}
		}
	}
	if n != t.n || nexp != t.nexp {
		return fmt.Errorf("counted %d records, %d with expire; table says %d, %d", n, nexp, t.n, t.nexp)
	}
	return nil
}

// arenaLive sums the capacity of the allocations reachable from tables.
func arenaLive(tables ...*Table) int64 {
	var sum int64
	for _, t := range tables {
		for ti := range t.ht {
			if t.ht[ti].b != nil {
				sum += int64(t.a.Cap(t.ht[ti].ref))
			}
			for _, head := range t.ht[ti].b {
				for r := Ref(head); r != 0; r = recNext(t.a.Slice(r)) {
					sum += int64(t.a.Cap(r))
				}
			}
		}
	}
	return sum
}

// modelEntry is what a record should hold.
type modelEntry struct {
	val  []byte
	meta Meta
	exp  int64
}

// checkModel compares t with the model m, both ways.
func checkModel(t *Table, m map[string]modelEntry) error {
	if t.Len() != len(m) {
		return fmt.Errorf("Len %d, model %d", t.Len(), len(m))
	}
	nexp := 0
	for k, e := range m {
		r, ok := t.Find([]byte(k))
		if !ok {
			return fmt.Errorf("key %q missing", k)
		}
		if err := checkEntry(t, r, k, e); err != nil {
			return err
		}
		if e.exp != 0 {
			nexp++
		}
	}
	if t.ExpiresLen() != nexp {
		return fmt.Errorf("ExpiresLen %d, model %d", t.ExpiresLen(), nexp)
	}
	return t.verify()
}

func checkEntry(t *Table, r Ref, k string, e modelEntry) error {
	if got := t.Key(r); string(got) != k {
		return fmt.Errorf("key %q: Key() = %q", k, got)
	}
	if got := t.Value(r); !bytes.Equal(got, e.val) {
		return fmt.Errorf("key %q: value %d bytes %.20x, model %d bytes %.20x", k, len(got), got, len(e.val), e.val)
	}
	if got := t.Meta(r); got != e.meta {
		return fmt.Errorf("key %q: meta %+v, model %+v", k, got, e.meta)
	}
	if got := t.Expire(r); got != e.exp {
		return fmt.Errorf("key %q: expire %d, model %d", k, got, e.exp)
	}
	return nil
}
