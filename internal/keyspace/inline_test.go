package keyspace

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"

	"petrel/internal/kvtable"
)

// tval is a test collection: packed (stored inline) while small, an
// object once big or once some element carries a TTL.
type tval struct {
	b   []byte
	big bool
	exp bool
}

func (v *tval) Clone() any { return &tval{b: bytes.Clone(v.b), big: v.big, exp: v.exp} }

func (v *tval) HasFieldExpiry() bool { return v.exp }

func (v *tval) ReclaimExpiredFields(now int64, max int) (int, int) { return 0, len(v.b) }

// tBig is the size from which a tval is big.
const tBig = 40

func (v *tval) set(b []byte) {
	v.b = b
	v.big = len(b) >= tBig
}

// tcodec stores tvals inline while they are neither big nor volatile.
type tcodec struct{ decodes, reuses *int }

func (c tcodec) Decode(enc uint8, b []byte, reuse any) any {
	*c.decodes++
	if v, ok := reuse.(*tval); ok {
		*c.reuses++
		*v = tval{b: append(v.b[:0], b...)}
		return v
	}
	return &tval{b: bytes.Clone(b)}
}

func (tcodec) AppendPacked(dst []byte, o any, max int) ([]byte, uint8, bool) {
	v := o.(*tval)
	if v.big || v.exp || len(v.b) > max {
		return dst, 0, false
	}
	return append(dst, v.b...), EncListpack, true
}

func newInlineKS(t *testing.T) (*Keyspace, *int, *int) {
	ks := newKS(t)
	var decodes, reuses int
	ks.SetInlineCodec(TypeList, tcodec{&decodes, &reuses})
	return ks, &decodes, &reuses
}

// recordOf returns the meta and value of key's record (the shard must be
// locked), ok false if absent.
func recordOf(db DB, key string) (m kvtable.Meta, v []byte, ok bool) {
	_, t := db.locate([]byte(key))
	r, ok := t.Find([]byte(key))
	if !ok {
		return m, nil, false
	}
	return t.Meta(r), t.Value(r), true
}

// checkInline fails unless key holds a tval with bytes want, stored
// inline or not as inline says, and the keyspace's bookkeeping is clean.
func checkInline(t *testing.T, ks *Keyspace, db int, key string, want string, inline bool) {
	t.Helper()
	withKey(ks, db, 1000, key, func(v DB) {
		m, val, ok := recordOf(v, key)
		if !ok {
			t.Fatalf("%s: missing", key)
		}
		if m.Inline != inline {
			t.Fatalf("%s: inline %v, want %v", key, m.Inline, inline)
		}
		if inline && string(val) != want {
			t.Fatalf("%s: record holds %q, want %q", key, val, want)
		}
		e, _ := v.Peek([]byte(key))
		if got := string(e.Object().(*tval).b); got != want {
			t.Fatalf("%s: object holds %q, want %q", key, got, want)
		}
	})
	checkShards(t, ks)
}

// checkShards checks what must hold whenever no shard is locked: nothing
// listed for write-back, and one object slot per record that refers to one.
func checkShards(t *testing.T, ks *Keyspace) {
	t.Helper()
	for i, sh := range ks.shards {
		sh.mu.Lock()
		if len(sh.mat) != 0 || sh.matIdx != nil {
			t.Fatalf("shard %d: %d entries left for write-back", i, len(sh.mat))
		}
		slots := 0
		for _, tb := range sh.tables {
			var cur uint64
			for tb.Len() > 0 {
				cur = tb.Scan(cur, func(r kvtable.Ref) {
					if m := tb.Meta(r); m.Type != TypeString && !m.Inline {
						slots++
						if sh.objects[objIndex(tb.Value(r))] == nil {
							t.Errorf("shard %d: record refers to a free slot", i)
						}
					}
				})
				if cur == 0 {
					break
				}
			}
		}
		live := 0
		for _, o := range sh.objects {
			if o != nil {
				live++
			}
		}
		sh.mu.Unlock()
		if live != slots {
			t.Fatalf("shard %d: %d objects for %d object records", i, live, slots)
		}
	}
}

func TestInlineStoreAndWriteBack(t *testing.T) {
	ks, decodes, reuses := newInlineKS(t)
	withKey(ks, 0, 1000, "l", func(db DB) {
		v := &tval{}
		v.set([]byte("abc"))
		db.SetObject([]byte("l"), TypeList, EncListpack, v, 0)
		// The handler goes on changing the new value: the record follows
		// at unlock.
		v.set([]byte("abcd"))
		e, _ := db.Peek([]byte("l"))
		if e.Object() != v {
			t.Fatal("lookup after SetObject returned another object")
		}
	})
	checkInline(t, ks, 0, "l", "abcd", true)
	n := *decodes
	withKey(ks, 0, 1000, "l", func(db DB) {
		e, _ := db.LookupWrite([]byte("l"))
		o := e.Object().(*tval)
		if e2, _ := db.LookupRead([]byte("l")); e2.Object() != o {
			t.Fatal("two lookups in one command decoded twice")
		}
		o.set(append(o.b, 'e'))
	})
	if *decodes != n+1 {
		t.Fatalf("%d decodes for one command", *decodes-n)
	}
	checkInline(t, ks, 0, "l", "abcde", true)
	if *reuses == 0 {
		t.Fatal("decoding never recycled a written-back object")
	}
	withKey(ks, 0, 1000, "l", func(db DB) {
		e, _ := db.Peek([]byte("l"))
		if got, want := e.MemoryUsage(), ks.shards[ShardOf([]byte("l"))].tables[0].MemoryUsage(e.ref)-5; got != want {
			t.Fatalf("MemoryUsage %d, want %d (record without its inline bytes)", got, want)
		}
	})
}

func TestInlineConversionBothWays(t *testing.T) {
	ks, _, _ := newInlineKS(t)
	withKey(ks, 0, 1000, "l", func(db DB) {
		db.SetObject([]byte("l"), TypeList, EncListpack, &tval{b: []byte("x")}, 0)
	})
	big := string(bytes.Repeat([]byte("y"), tBig))
	withKey(ks, 0, 1000, "l", func(db DB) {
		e, _ := db.LookupWrite([]byte("l"))
		e.Object().(*tval).set([]byte(big))
		e.SetEncoding(EncQuicklist)
	})
	checkInline(t, ks, 0, "l", big, false)
	withKey(ks, 0, 1000, "l", func(db DB) {
		e, _ := db.LookupWrite([]byte("l"))
		if e.Encoding() != EncQuicklist {
			t.Fatal("encoding lost")
		}
		e.Object().(*tval).set([]byte("small"))
	})
	checkInline(t, ks, 0, "l", "small", true)
	withKey(ks, 0, 1000, "l", func(db DB) {
		e, _ := db.Peek([]byte("l"))
		if e.Encoding() != EncListpack {
			t.Fatalf("encoding %d after returning inline", e.Encoding())
		}
	})
	// A value stored big stays an object from the start.
	withKey(ks, 0, 1000, "b", func(db DB) {
		db.SetObject([]byte("b"), TypeList, EncQuicklist, &tval{b: []byte(big), big: true}, 0)
	})
	checkInline(t, ks, 0, "b", big, false)
}

func TestInlineFieldExpiryTracked(t *testing.T) {
	ks, _, _ := newInlineKS(t)
	withKey(ks, 0, 1000, "h", func(db DB) {
		db.SetObject([]byte("h"), TypeList, EncListpack, &tval{b: []byte("f")}, 0)
	})
	withKey(ks, 0, 1000, "h", func(db DB) {
		e, _ := db.LookupWrite([]byte("h"))
		e.Object().(*tval).exp = true
		e.SyncFieldExpiry() // inline: the write-back does it
	})
	if n := ks.KeysWithVolatileItems(0); n != 1 {
		t.Fatalf("keys with volatile items %d, want 1", n)
	}
	checkInline(t, ks, 0, "h", "f", false)
	withKey(ks, 0, 1000, "h", func(db DB) {
		e, _ := db.LookupWrite([]byte("h"))
		e.Object().(*tval).exp = false
		e.SyncFieldExpiry()
	})
	if n := ks.KeysWithVolatileItems(0); n != 0 {
		t.Fatalf("keys with volatile items %d, want 0", n)
	}
	checkInline(t, ks, 0, "h", "f", true)
}

// Inside one lock (one command, or EXEC holding every shard), a decoded
// value can be deleted, renamed, copied, moved, swapped or flushed: the
// write-back follows, or forgets it.
func TestInlineKeyOpsInsideOneLock(t *testing.T) {
	ks, _, _ := newInlineKS(t)
	setup := func() {
		ks.FlushAll(ks.View(0, 0), false)
		for _, k := range []string{"a", "b", "c"} {
			withKey(ks, 0, 1000, k, func(db DB) {
				db.SetObject([]byte(k), TypeList, EncListpack, &tval{b: []byte(k)}, 0)
			})
		}
	}
	held := func(fn func(db DB)) {
		ks.Lock(AllShards)
		db := ks.View(0, 1000)
		db.Held = true
		fn(db)
		ks.Unlock(AllShards)
	}
	touch := func(db DB, key, suffix string) *tval {
		e, ok := db.LookupWrite([]byte(key))
		if !ok {
			t.Fatalf("%s missing", key)
		}
		o := e.Object().(*tval)
		o.set(append(o.b, suffix...))
		return o
	}

	setup()
	held(func(db DB) {
		touch(db, "a", "1")
		db.Delete([]byte("a"))
		touch(db, "b", "1")
		e, _ := db.Peek([]byte("b"))
		e.Delete()
	})
	withKey(ks, 0, 1000, "a", func(db DB) {
		if db.Exists([]byte("a")) || db.Exists([]byte("b")) {
			t.Fatal("deleted keys came back")
		}
	})
	checkShards(t, ks)

	setup()
	held(func(db DB) { // RENAME a z, then change z: one object throughout
		o := touch(db, "a", "1")
		e, _ := db.Peek([]byte("a"))
		e.CopyTo(db, []byte("z"), true)
		db.Delete([]byte("a"))
		if z, _ := db.Peek([]byte("z")); z.Object() != o {
			t.Fatal("RENAME did not hand the object over")
		}
		touch(db, "z", "2")
	})
	checkInline(t, ks, 0, "z", "a12", true)

	setup()
	held(func(db DB) { // COPY b y: independent copies
		touch(db, "b", "1")
		e, _ := db.Peek([]byte("b"))
		e.CopyTo(db, []byte("y"), false)
		touch(db, "y", "2")
	})
	checkInline(t, ks, 0, "b", "b1", true)
	checkInline(t, ks, 0, "y", "b12", true)

	setup()
	held(func(db DB) { // MOVE c 1, growing it past the inline limit first
		o := touch(db, "c", string(bytes.Repeat([]byte("x"), tBig)))
		e, _ := db.Peek([]byte("c"))
		e.CopyTo(db.WithIndex(1), []byte("c"), true)
		e.Delete()
		o.set(o.b[:2])
	})
	checkInline(t, ks, 1, "c", "cx", true)

	setup()
	held(func(db DB) { // SWAPDB 0 1 between two changes
		touch(db, "a", "1")
		ks.SwapDB(db, 0, 1)
		touch(db.WithIndex(1), "a", "2")
		touch(db.WithIndex(1), "b", "1")
	})
	checkInline(t, ks, 1, "a", "a12", true)
	checkInline(t, ks, 1, "b", "b1", true)

	setup()
	held(func(db DB) { // EXPIRE moves the record under the decoded value
		touch(db, "a", "1")
		e, _ := db.Peek([]byte("a"))
		e.SetExpire(1 << 50)
		touch(db, "a", "2")
		e, _ = db.Peek([]byte("a"))
		e.SetExpire(0)
		touch(db, "a", "3")
	})
	checkInline(t, ks, 0, "a", "a123", true)

	setup()
	held(func(db DB) { // FLUSHDB and FLUSHALL drop what was decoded
		touch(db, "a", "1")
		ks.FlushDB(db)
		db.SetObject([]byte("n"), TypeList, EncListpack, &tval{b: []byte("n")}, 0)
		touch(db, "n", "1")
		ks.FlushAll(db, true)
		db.SetObject([]byte("m"), TypeList, EncListpack, &tval{b: []byte("m")}, 0)
	})
	checkInline(t, ks, 0, "m", "m", true)
	withKey(ks, 0, 1000, "n", func(db DB) {
		if db.Exists([]byte("n")) || db.Exists([]byte("a")) {
			t.Fatal("flushed keys came back")
		}
	})

	setup()
	held(func(db DB) { // a string overwrites a decoded list
		touch(db, "a", "1")
		db.SetString([]byte("a"), []byte("str"), 0, false)
		touch(db, "b", "1")
		e, _ := db.Peek([]byte("b"))
		e.SetString([]byte("str2"))
	})
	withKey(ks, 0, 1000, "a", func(db DB) {
		for k, want := range map[string]string{"a": "str", "b": "str2"} {
			e, _ := db.Peek([]byte(k))
			if e.Type() != TypeString || string(e.AppendString(nil)) != want {
				t.Fatalf("%s: type %d %q", k, e.Type(), e.AppendString(nil))
			}
		}
	})
	checkShards(t, ks)
}

// A lazily expired key that was decoded is forgotten, not written back.
func TestInlineExpiredWhileDecoded(t *testing.T) {
	ks, _, _ := newInlineKS(t)
	withKey(ks, 0, 1000, "k", func(db DB) {
		db.SetObject([]byte("k"), TypeList, EncListpack, &tval{b: []byte("v")}, 2000)
	})
	ks.Lock(AllShards)
	db := ks.View(0, 1000)
	e, _ := db.LookupWrite([]byte("k"))
	e.Object().(*tval).set([]byte("changed"))
	db.Now = 3000
	if db.Exists([]byte("k")) {
		t.Fatal("expired key exists")
	}
	ks.Unlock(AllShards)
	checkShards(t, ks)
}

// Many keys decoded under one lock use the index; all are written back.
func TestInlineManyKeysOneLock(t *testing.T) {
	ks, _, _ := newInlineKS(t)
	const n = 300
	ks.Lock(AllShards)
	db := ks.View(0, 1000)
	for i := range n {
		k := fmt.Sprint("key:", i)
		db.SetObject([]byte(k), TypeList, EncListpack, &tval{b: []byte(k)}, 0)
	}
	for i := range n {
		k := fmt.Sprint("key:", i)
		e, _ := db.LookupWrite([]byte(k))
		o := e.Object().(*tval)
		o.set(append(o.b, '!'))
		if i%3 == 0 {
			e.Delete()
		}
	}
	ks.Unlock(AllShards)
	for i := range n {
		k := fmt.Sprint("key:", i)
		if i%3 == 0 {
			withKey(ks, 0, 1000, k, func(db DB) {
				if db.Exists([]byte(k)) {
					t.Fatalf("%s came back", k)
				}
			})
			continue
		}
		checkInline(t, ks, 0, k, k+"!", true)
	}
}

// TestInlineModel runs random operations, grouped in random lock sessions
// (one key's shard, or every shard as EXEC does), on inline values and on
// a model, and compares them after every session.
func TestInlineModel(t *testing.T) {
	for seed := range uint64(8) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) { inlineModelRun(t, seed) })
	}
}

func inlineModelRun(t *testing.T, seed uint64) {
	ks, _, _ := newInlineKS(t)
	rng := rand.New(rand.NewPCG(seed, 7))
	model := [2]map[string]string{{}, {}}
	keys := []string{"a", "b", "c", "d", "e", "{a}x", "{a}y"}
	randBytes := func() string {
		b := make([]byte, 1+rng.IntN(12))
		for i := range b {
			b[i] = byte('a' + rng.IntN(26))
		}
		return string(b)
	}
	wasBig := map[string]bool{}
	var toObject, toInline int
	for step := 0; step < 400; step++ {
		all := rng.IntN(3) == 0
		k := keys[rng.IntN(len(keys))]
		mask := MaskOf([]byte(k))
		if all {
			mask = AllShards
		}
		ks.Lock(mask)
		db := ks.View(rng.IntN(2), 1000)
		db.Held = all
		ops := 1
		if all {
			ops = 1 + rng.IntN(6)
		}
		for range ops {
			if all {
				k = keys[rng.IntN(len(keys))]
				db = db.WithIndex(rng.IntN(2))
			}
			m := model[db.Index()]
			e, ok := db.LookupWrite([]byte(k))
			if _, want := m[k]; ok != want {
				t.Fatalf("step %d: %s exists %v, model %v", step, k, ok, want)
			}
			switch op := rng.IntN(10); {
			case op < 4: // push, perhaps past the inline limit
				add := randBytes()
				if !ok {
					db.SetObject([]byte(k), TypeList, EncListpack, &tval{b: []byte(add)}, 0)
					m[k] = add
					break
				}
				o := e.Object().(*tval)
				if string(o.b) != m[k] {
					t.Fatalf("step %d: %s holds %q, model %q", step, k, o.b, m[k])
				}
				o.set(append(o.b, add...))
				m[k] += add
			case op < 5 && ok: // trim, perhaps back under the limit
				o := e.Object().(*tval)
				n := rng.IntN(len(o.b))
				if n == 0 {
					e.Delete()
					delete(m, k)
					break
				}
				o.set(o.b[:n])
				m[k] = m[k][:n]
			case op < 6 && ok:
				e.Delete()
				delete(m, k)
			case op < 7 && ok && all: // RENAME or COPY
				dst := keys[rng.IntN(len(keys))]
				if dst == k {
					break
				}
				move := rng.IntN(2) == 0
				e.CopyTo(db, []byte(dst), move)
				m[dst] = m[k]
				if move {
					db.Delete([]byte(k))
					delete(m, k)
				}
			case op < 8 && ok && all: // MOVE
				o := db.WithIndex(1 - db.Index())
				if o.Exists([]byte(k)) {
					break
				}
				e.CopyTo(o, []byte(k), true)
				db.Delete([]byte(k))
				model[o.Index()][k] = m[k]
				delete(m, k)
			case op < 9 && ok:
				e.SetExpire(int64(rng.IntN(2)) << 40)
			case op == 9 && all:
				ks.SwapDB(db, 0, 1)
				model[0], model[1] = model[1], model[0]
			}
		}
		ks.Unlock(mask)
		checkShards(t, ks)
		for d := range 2 {
			for _, k := range keys {
				withKey(ks, d, 1000, k, func(db DB) {
					want, has := model[d][k]
					m, val, ok := recordOf(db, k)
					if ok != has {
						t.Fatalf("step %d: db %d %s exists %v, model %v", step, d, k, ok, has)
					}
					if !ok {
						delete(wasBig, fmt.Sprint(d, k))
						return
					}
					if m.Inline != (len(want) < tBig) {
						t.Fatalf("step %d: %s of %d bytes inline %v", step, k, len(want), m.Inline)
					}
					if m.Inline && string(val) != want {
						t.Fatalf("step %d: %s record %q, model %q", step, k, val, want)
					}
					id := fmt.Sprint(d, k)
					if wasBig[id] == m.Inline {
						if m.Inline {
							toInline++
						} else {
							toObject++
						}
					}
					wasBig[id] = !m.Inline
					e, _ := db.Peek([]byte(k))
					if got := string(e.Object().(*tval).b); got != want {
						t.Fatalf("step %d: %s object %q, model %q", step, k, got, want)
					}
				})
			}
		}
	}
	if toObject == 0 || toInline == 0 {
		t.Fatalf("conversions: %d to objects, %d back inline", toObject, toInline)
	}
}
