package kvtable

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

// Operations understood by runner.apply.
const (
	opSet = iota
	opSetValue
	opGrowValue
	opSetExpire
	opSetMeta
	opDelete
	opDeleteRef
	opFind
	opWriteValue
	opRehash
	opRandom
	numOps
)

// runner applies operations to a Table and to a model of it, checking each
// result.
type runner struct {
	t *Table
	m map[string]modelEntry
}

func newRunner(a *Arena) *runner {
	return &runner{t: NewTable(a), m: map[string]modelEntry{}}
}

func fill(n int, x uint64) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(x) + byte(i)
	}
	return b
}

func metaOf(x uint64) Meta {
	return Meta{Type: uint8(x & 7), Enc: uint8(x>>4) & 15, LRU: uint32(x>>8) & lruMask, Inline: x&8 != 0}
}

func expOf(x uint64) int64 {
	if x&1 == 0 {
		return 0
	}
	return int64(x>>1) | 1
}

func (u *runner) apply(op int, key string, n int, x uint64) error {
	t, k := u.t, []byte(key)
	e, present := u.m[key]
	r, found := t.Find(k)
	if found != present {
		return fmt.Errorf("Find(%q) = %v, model %v", key, found, present)
	}
	if found {
		if err := checkEntry(t, r, key, e); err != nil {
			return err
		}
	}
	switch op {
	case opSet:
		e = modelEntry{val: fill(n, x), meta: metaOf(x), exp: expOf(x >> 3)}
		if !found && x&(1<<60) != 0 {
			r = t.Insert(k, e.val, e.meta, e.exp)
		} else {
			r = t.Set(k, e.val, e.meta, e.exp)
		}
		u.m[key] = e
	case opSetValue:
		if !found {
			return nil
		}
		e.val = fill(n, x)
		r = t.SetValue(r, e.val)
		u.m[key] = e
	case opGrowValue:
		if !found {
			return nil
		}
		old := e.val
		e.val = make([]byte, n)
		copy(e.val, old)
		var v []byte
		r, v = t.GrowValue(r, n)
		if !bytes.Equal(v, e.val) {
			return fmt.Errorf("GrowValue(%q, %d) returned the wrong slice", key, n)
		}
		u.m[key] = e
	case opSetExpire:
		if !found {
			return nil
		}
		e.exp = expOf(x)
		r = t.SetExpire(r, e.exp)
		u.m[key] = e
	case opSetMeta:
		if !found {
			return nil
		}
		e.meta = metaOf(x)
		t.SetMeta(r, e.meta)
		u.m[key] = e
	case opDelete:
		if got := t.Delete(k); got != present {
			return fmt.Errorf("Delete(%q) = %v, model %v", key, got, present)
		}
		delete(u.m, key)
		return nil
	case opDeleteRef:
		if !found {
			return nil
		}
		t.DeleteRef(r)
		delete(u.m, key)
		return nil
	case opFind:
		return nil
	case opWriteValue:
		if !found || len(e.val) == 0 {
			return nil
		}
		i := int(x % uint64(len(e.val)))
		t.Value(r)[i] ^= 0xa5
		e.val = bytes.Clone(e.val)
		e.val[i] ^= 0xa5
		u.m[key] = e
	case opRehash:
		t.RehashStep(n % 16)
		return nil
	case opRandom:
		rr, ok := t.RandomRef(x)
		if ok != (len(u.m) > 0) {
			return fmt.Errorf("RandomRef ok=%v with %d keys", ok, len(u.m))
		}
		if ok {
			rk := string(t.Key(rr))
			me, in := u.m[rk]
			if !in {
				return fmt.Errorf("RandomRef returned unknown key %q", rk)
			}
			return checkEntry(t, rr, rk, me)
		}
		return nil
	}
	if err := checkEntry(t, r, key, u.m[key]); err != nil {
		return fmt.Errorf("after op %d: %w", op, err)
	}
	return nil
}

func keyName(i int) string {
	s := "k" + strconv.Itoa(i)
	if i%7 == 0 {
		s += strings.Repeat("x", 40) // klen varint takes two bytes
	}
	return s
}

func randValueLen(rnd *rand.Rand) int {
	switch p := rnd.IntN(1000); {
	case p < 700:
		return rnd.IntN(40)
	case p < 990:
		return rnd.IntN(400) // crosses the one-byte vlen varint
	case p < 998:
		return rnd.IntN(maxClassSize + 100)
	default:
		return maxClassSize + rnd.IntN(3*pageSize) // dedicated mapping
	}
}

// TestTableModel runs random operations on two tables sharing an arena
// against map models, through phases that grow and shrink the tables.
func TestTableModel(t *testing.T) {
	for _, heap := range []bool{false, true} {
		t.Run(fmt.Sprintf("heap=%v", heap), func(t *testing.T) {
			a := NewArena()
			a.noMmap = heap
			defer a.Release()
			rnd := rand.New(rand.NewPCG(1, uint64(b2i(heap))))
			us := []*runner{newRunner(a), newRunner(a)}
			ops := 150_000
			if heap || testing.Short() {
				ops = 40_000
			}
			space, maxBuckets, shrinks := 16, 0, 0
			for i := range ops {
				// Phases: the key space widens to 20k keys with inserts
				// dominating, then deletes dominate until it is small.
				phase := (i / 10_000) % 3
				var op int
				switch p := rnd.IntN(100); {
				case phase == 0 && p < 60, phase == 1 && p < 25, phase == 2 && p < 10:
					op = opSet
				case phase == 2 && p < 70, phase == 1 && p < 40:
					op = opDelete + rnd.IntN(2)
				default:
					op = rnd.IntN(numOps)
				}
				if phase == 0 {
					space = min(space+2, 20_000)
				} else if phase == 2 {
					space = max(space-2, 16)
				}
				u := us[rnd.IntN(2)]
				before := u.t.Buckets()
				if err := u.apply(op, keyName(rnd.IntN(space)), randValueLen(rnd), rnd.Uint64()); err != nil {
					t.Fatalf("op %d: %v", i, err)
				}
				maxBuckets = max(maxBuckets, u.t.Buckets())
				if u.t.Buckets() < before && !u.t.Rehashing() {
					shrinks++
				}
				if i%10_000 == 0 || i == ops-1 {
					for _, u := range us {
						if err := checkModel(u.t, u.m); err != nil {
							t.Fatalf("op %d: %v", i, err)
						}
					}
					if got, want := a.Used(), arenaLive(us[0].t, us[1].t); got != want {
						t.Fatalf("op %d: arena Used %d, live allocations %d", i, got, want)
					}
				}
			}
			if maxBuckets < 8192 || shrinks == 0 {
				t.Fatalf("phases did not exercise resizing: max buckets %d, shrinks %d", maxBuckets, shrinks)
			}
			for _, u := range us {
				u.t.Clear()
				if err := checkModel(u.t, map[string]modelEntry{}); err != nil {
					t.Fatal(err)
				}
			}
			if a.Used() != 0 {
				t.Fatalf("Used %d after Clear", a.Used())
			}
		})
	}
}

func TestRecordSize(t *testing.T) {
	// The brief's example: 10-byte key, 16-byte value, no TTL in 40 bytes.
	if n := recordSize(10, 16, false); n != 40 {
		t.Fatalf("recordSize(10, 16) = %d", n)
	}
	a := NewArena()
	defer a.Release()
	tb := NewTable(a)
	r := tb.Set([]byte("0123456789"), make([]byte, 16), Meta{}, 0)
	if c := a.Cap(r); c != 40 {
		t.Fatalf("record class %d, want 40", c)
	}
	r = tb.SetExpire(r, 1234)
	if c := a.Cap(r); c != 48 {
		t.Fatalf("record with expire in class %d, want 48", c)
	}
	r = tb.SetExpire(r, 0)
	if c := a.Cap(r); c != 40 {
		t.Fatalf("record after PERSIST in class %d, want 40", c)
	}
}

func TestSetInPlaceAndAliasing(t *testing.T) {
	a := NewArena()
	defer a.Release()
	tb := NewTable(a)
	k := []byte("key")
	r := tb.Set(k, []byte("0123456789abcdef"), Meta{Type: 1, Enc: 2, LRU: 3}, 0)
	// Same class: overwritten in place.
	if r2 := tb.Set(k, []byte("fedcba9876543210"), Meta{Type: 1}, 0); r2 != r {
		t.Fatalf("same-size overwrite moved the record")
	}
	// Value aliasing its own record, header growing (vlen 100 -> 200).
	r = tb.Set(k, bytes.Repeat([]byte("ab"), 50), Meta{}, 0)
	v := tb.Value(r)
	want := append(bytes.Clone(v), v...)
	r = tb.SetValue(r, append(v[:len(v):len(v)], v...))
	if !bytes.Equal(tb.Value(r), want) {
		t.Fatal("SetValue with a doubled value")
	}
	r, _ = tb.GrowValue(r, 300)
	for i := 0; i < 4; i++ {
		// SetValue with a value aliasing the record itself, both directions
		// of header change.
		v = tb.Value(r)
		want = bytes.Clone(v[10:])
		r = tb.SetValue(r, v[10:])
		if !bytes.Equal(tb.Value(r), want) {
			t.Fatalf("self-aliasing SetValue round %d", i)
		}
	}
	// Key aliasing another record.
	r2 := tb.Set(tb.Key(r), []byte("x"), Meta{}, 0)
	if string(tb.Key(r2)) != "key" || string(tb.Value(r2)) != "x" || tb.Len() != 1 {
		t.Fatal("Set with a key aliasing the overwritten record")
	}
	if err := tb.verify(); err != nil {
		t.Fatal(err)
	}
}

func TestGrowValueLarge(t *testing.T) {
	a := NewArena()
	defer a.Release()
	tb := NewTable(a)
	r := tb.Set([]byte("s"), nil, Meta{}, 77)
	var want []byte
	moves := 0
	for len(want) < 200_000 {
		chunk := fill(1000, uint64(len(want)))
		n := len(want)
		r2, v := tb.GrowValue(r, n+len(chunk))
		copy(v[n:], chunk)
		want = append(want, chunk...)
		if r2 != r {
			moves++
		}
		r = r2
	}
	if !bytes.Equal(tb.Value(r), want) || tb.Expire(r) != 77 {
		t.Fatal("value or expire lost while growing")
	}
	if moves > 40 {
		t.Fatalf("200 appends moved the record %d times", moves)
	}
	r, v := tb.GrowValue(r, 10)
	if !bytes.Equal(v, want[:10]) || a.Cap(r) > 40 {
		t.Fatalf("shrinking GrowValue kept capacity %d", a.Cap(r))
	}
	if err := tb.verify(); err != nil {
		t.Fatal(err)
	}
}

func TestResizeIsIncremental(t *testing.T) {
	a := NewArena()
	defer a.Release()
	tb := NewTable(a)
	for i := range 1 << 16 {
		tb.Set([]byte(keyName(i)), nil, Meta{}, 0)
	}
	// The next insert starts a resize; no mutating call may finish it at once.
	for tb.Rehashing() {
		tb.RehashStep(1 << 20)
	}
	tb.Set([]byte("trigger"), nil, Meta{}, 0)
	if !tb.Rehashing() {
		t.Fatal("resize did not start")
	}
	calls := 0
	for i := 0; tb.Rehashing(); i++ {
		tb.Set([]byte("extra"+strconv.Itoa(i)), nil, Meta{}, 0)
		calls++
	}
	if calls < 1<<13 {
		t.Fatalf("resize of %d buckets finished after %d inserts", 1<<16, calls)
	}
	if err := tb.verify(); err != nil {
		t.Fatal(err)
	}
	// Deleting nearly everything shrinks, incrementally too.
	for i := range 1 << 16 {
		tb.Delete([]byte(keyName(i)))
	}
	for i := range calls {
		tb.Delete([]byte("extra" + strconv.Itoa(i)))
	}
	for tb.RehashFor(1e9) {
	}
	if tb.Buckets() > minBuckets {
		t.Fatalf("%d buckets for %d keys", tb.Buckets(), tb.Len())
	}
	if err := tb.verify(); err != nil {
		t.Fatal(err)
	}
}

func TestMetaLimits(t *testing.T) {
	a := NewArena()
	defer a.Release()
	tb := NewTable(a)
	m := Meta{Type: 7, Enc: 15, LRU: lruMask, Inline: true}
	r := tb.Set([]byte("k"), nil, m, 0)
	if tb.Meta(r) != m {
		t.Fatalf("meta %+v", tb.Meta(r))
	}
	tb.SetMeta(r, Meta{LRU: 1<<24 + 5})
	if got := tb.Meta(r); got.LRU != 5 || got.Inline {
		t.Fatalf("LRU keeps 24 bits, Inline its own bit: %+v", got)
	}
	r = tb.SetValueMeta(r, []byte("a longer value than before"), m)
	if tb.Meta(r) != m || string(tb.Value(r)) != "a longer value than before" {
		t.Fatalf("SetValueMeta: %+v %q", tb.Meta(r), tb.Value(r))
	}
	defer func() {
		if recover() == nil {
			t.Fatal("Type 8 accepted")
		}
	}()
	tb.SetMeta(r, Meta{Type: 8})
}

func TestMemoryUsage(t *testing.T) {
	a := NewArena()
	defer a.Release()
	tb := NewTable(a)
	var r Ref
	for i := range 100 {
		r = tb.Set([]byte(strconv.Itoa(i)), make([]byte, 16), Meta{}, 0)
	}
	if got := tb.MemoryUsage(r); got < 32 || got > 48+8 {
		t.Fatalf("MemoryUsage %d", got)
	}
}

func TestResizeValue(t *testing.T) {
	a := NewArena()
	defer a.Release()
	tb := NewTable(a)
	k := []byte("key")
	r := tb.Set(k, []byte("x"), Meta{Type: 1, Inline: true}, 0)
	v := []byte("x")
	moves := 0
	for len(v) < 2000 {
		v = append(v, byte(len(v)))
		nr := tb.ResizeValue(r, v)
		if nr != r {
			moves++
		}
		r = nr
		if !bytes.Equal(tb.Value(r), v) || !tb.Meta(r).Inline {
			t.Fatalf("at %d bytes: value or meta lost", len(v))
		}
	}
	// Growing one byte at a time across ~40 size classes moves the record
	// far less than once per class.
	if moves > 25 {
		t.Fatalf("%d moves growing to %d bytes", moves, len(v))
	}
	// Shrinking keeps the record while the value fills half of it.
	big := a.Cap(r)
	for len(v) > big/2+16 {
		v = v[:len(v)-1]
		if nr := tb.ResizeValue(r, v); nr != r {
			t.Fatalf("moved at %d bytes in a %d-byte record", len(v), big)
		}
	}
	v = v[:10]
	r = tb.ResizeValue(r, v)
	if a.Cap(r) >= big || !bytes.Equal(tb.Value(r), v) {
		t.Fatalf("shrunk value kept a %d-byte record", a.Cap(r))
	}
	if err := tb.verify(); err != nil {
		t.Fatal(err)
	}
}
