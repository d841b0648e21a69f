package stream

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"petrel/internal/types/set/listpack"
)

func TestParseID(t *testing.T) {
	cases := []struct {
		in     string
		strict bool
		wild   bool
		want   string
		seq    bool
		ok     bool
	}{
		{in: "5", want: "5-0", seq: true, ok: true},
		{in: "5-3", want: "5-3", seq: true, ok: true},
		{in: "-", want: "0-0", seq: true, ok: true},
		{in: "+", want: "18446744073709551615-18446744073709551615", seq: true, ok: true},
		{in: "-", strict: true},
		{in: "+", strict: true},
		{in: ""},
		{in: "5-"},
		{in: "-5"},
		{in: "5--3"},
		{in: "5-x"},
		{in: "5-*", wild: true, want: "5-0", seq: false, ok: true},
		{in: "5-*"},
		{in: "18446744073709551615-18446744073709551615", want: "18446744073709551615-18446744073709551615", seq: true, ok: true},
		{in: "18446744073709551616"},
		// strtoull's leniency, which Valkey keeps for non-canonical input.
		{in: " 5", want: "5-0", seq: true, ok: true},
		{in: "+5-+3", want: "5-3", seq: true, ok: true},
		{in: "05", want: "5-0", seq: true, ok: true},
		{in: "-01", want: "", ok: false}, // '-' splits: empty ms
		{in: "1- 2", want: "1-2", seq: true, ok: true},
		{in: "5\x00junk", want: "5-0", seq: true, ok: true},
		{in: strconv.Itoa(1) + string(make([]byte, 0)) + "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"},
	}
	for _, c := range cases {
		p, ok := Parse([]byte(c.in), ParseOptions{Strict: c.strict, AllowSeqWildcard: c.wild})
		if ok != c.ok || (ok && (p.ID.String() != c.want || p.SeqGiven != c.seq)) {
			t.Errorf("Parse(%q) = %v %v %v, want %s %v %v", c.in, p.ID, p.SeqGiven, ok, c.want, c.seq, c.ok)
		}
	}
	// A seq of "-01" is read by strtoull as 2^64-1.
	if p, ok := Parse([]byte("1--01"), ParseOptions{}); !ok || p.ID != (ID{1, math.MaxUint64}) {
		t.Errorf("Parse(1--01) = %v %v", p.ID, ok)
	}
	if p, ok := Parse([]byte("7"), ParseOptions{MissingSeq: math.MaxUint64}); !ok || p.ID != (ID{7, math.MaxUint64}) {
		t.Errorf("missing seq: %v", p.ID)
	}
}

func TestIncrDecr(t *testing.T) {
	if id, ok := MaxID.Incr(); ok || id != MinID {
		t.Fatal("Incr(max)")
	}
	if id, ok := MinID.Decr(); ok || id != MaxID {
		t.Fatal("Decr(0-0)")
	}
	if id, _ := (ID{1, math.MaxUint64}).Incr(); id != (ID{2, 0}) {
		t.Fatal("Incr carry")
	}
	if id, _ := (ID{2, 0}).Decr(); id != (ID{1, math.MaxUint64}) {
		t.Fatal("Decr borrow")
	}
}

func TestEncodeIntEntryMatchesListpack(t *testing.T) {
	for _, v := range []int64{0, 1, 127, 128, -1, -4096, 4095, 4096, -32768, 32767, 32768,
		-8388608, 8388607, 8388608, math.MinInt32, math.MaxInt32, math.MaxInt32 + 1, math.MinInt64, math.MaxInt64} {
		lp := listpack.AppendInt(listpack.New(), v)
		want := lp[6 : len(lp)-1]
		if got := encodeIntEntry(nil, v); !bytes.Equal(got, want) {
			t.Errorf("%d: %x, want %x", v, got, want)
		}
	}
}

// A node holds what Valkey's would, byte for byte: the first XADD of
// "XADD s 1-1 a 1 b hello" on Valkey 9 (DEBUG LISTPACK / RDB dump).
func TestNodeBytes(t *testing.T) {
	fv := [][]byte{[]byte("a"), []byte("1"), []byte("b"), []byte("hello")}
	lp := newNode(nil, fv)
	lp = appendEntry(lp, readHeader(lp), ID{1, 1}, ID{1, 1}, fv)
	// count=1 deleted=0 nfields=2 "a" "b" 0 | flags=2 0 0 1 "hello" lp-count=5
	want := []byte{0x01, 0x01, 0x00, 0x01, 0x02, 0x01, 0x81, 'a', 0x02, 0x81, 'b', 0x02, 0x00, 0x01,
		0x02, 0x01, 0x00, 0x01, 0x00, 0x01, 0x01, 0x01, 0x85, 'h', 'e', 'l', 'l', 'o', 0x06, 0x05, 0x01}
	if got := lp[6 : len(lp)-1]; !bytes.Equal(got, want) {
		t.Fatalf("node\n got %x\nwant %x", got, want)
	}
	if n, err := ValidateNode(lp); err != nil || n != 1 {
		t.Fatalf("ValidateNode = %d %v", n, err)
	}
}

// refAppendEntry is appendEntry spelled with one listpack append per
// element, as lpAppend builds Valkey's nodes.
func refAppendEntry(lp []byte, master, id ID, fv [][]byte) []byte {
	h := readHeader(lp)
	nf := len(fv) / 2
	flags := int64(0)
	if nf == h.nfields && sameFields(lp, h.fields, fv) {
		flags = flagSameFields
	}
	lp = replaceInt(lp, listpack.First(lp), h.count+1)
	lp = listpack.AppendInt(lp, flags)
	lp = listpack.AppendInt(lp, int64(id.Ms-master.Ms))
	lp = listpack.AppendInt(lp, int64(id.Seq-master.Seq))
	if flags == 0 {
		lp = listpack.AppendInt(lp, int64(nf))
	}
	for i := 0; i < nf; i++ {
		if flags == 0 {
			lp = listpack.Append(lp, fv[2*i])
		}
		lp = listpack.Append(lp, fv[2*i+1])
	}
	c := int64(nf) + 3
	if flags == 0 {
		c += int64(nf) + 1
	}
	return listpack.AppendInt(lp, c)
}

// TestAppendEntryMatchesListpack builds nodes with appendEntry and with
// per-element listpack appends: same bytes, element counts included (up to
// and past the 65535 "unknown" count).
func TestAppendEntryMatchesListpack(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	values := []string{"", "0", "-1", "127", "128", "-4096", "4095", "40000", "-9000000", "3000000000",
		"9223372036854775807", "-9223372036854775808", "9223372036854775808", "007", "+1", " 1", "1.5",
		strings.Repeat("x", 63), strings.Repeat("x", 64), strings.Repeat("y", 125), strings.Repeat("y", 126),
		strings.Repeat("z", 4095), strings.Repeat("z", 4096), strings.Repeat("w", 16400)}
	for round := 0; round < 40; round++ {
		first := []string{"f", values[r.IntN(len(values))]}
		if r.IntN(2) == 0 {
			first = append(first, "g", "1")
		}
		a := newNode(nil, toBytes(first))
		b := bytes.Clone(a)
		master := ID{Ms: r.Uint64N(1 << 50), Seq: r.Uint64N(10)}
		id := master
		entries := 1 + r.IntN(300)
		if round == 0 {
			// Near the largest known element count: both must turn it
			// "unknown" (65535) at the same point and keep it there.
			a[4], a[5] = 0xf0, 0xff // 65520
			b[4], b[5] = 0xf0, 0xff
		}
		for e := 0; e < entries; e++ {
			fv := first
			if r.IntN(3) == 0 {
				fv = []string{values[r.IntN(len(values))], values[r.IntN(len(values))]}
			}
			fv = slices.Clone(fv)
			for i := 1; i < len(fv); i += 2 {
				fv[i] = values[r.IntN(len(values))]
			}
			a = appendEntry(a, readHeader(a), master, id, toBytes(fv))
			b = refAppendEntry(b, master, id, toBytes(fv))
			if round == 0 {
				// The reference counts an "unknown" listpack by walking it
				// (this one's count is made up); Valkey's lpInsert, as
				// appendEntry, leaves it unknown.
				b[4], b[5] = a[4], a[5]
			}
			if !bytes.Equal(a, b) {
				t.Fatalf("round %d entry %d: appendEntry differs from listpack appends", round, e)
			}
			id.Seq += 1 + r.Uint64N(1<<uint(r.IntN(40)))
		}
		if round == 0 {
			if a[4] != 0xff || a[5] != 0xff {
				t.Fatalf("element count %x%x, want unknown", a[5], a[4])
			}
		} else if _, err := ValidateNode(a); err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
	}
}

type modelEntry struct {
	id      ID
	fv      []string
	deleted bool
}

type model struct {
	entries              []modelEntry // live only
	last, maxDel         ID
	added                uint64
	firstLive            ID
	approxCheckMaxLen    int64
	approxCheckMinID     ID
	approxCheckMinIDUsed bool
}

func (m *model) live() []modelEntry { return m.entries }

func randFields(r *rand.Rand, prev []string) []string {
	if prev != nil && r.IntN(3) > 0 {
		out := slices.Clone(prev)
		for i := 1; i < len(out); i += 2 {
			out[i] = strconv.Itoa(r.IntN(1000))
		}
		return out
	}
	n := 1 + r.IntN(3)
	out := make([]string, 0, 2*n)
	for i := 0; i < n; i++ {
		f := fmt.Sprintf("f%d", r.IntN(4))
		if r.IntN(5) == 0 {
			f = strconv.Itoa(r.IntN(300) - 100) // integer-encoded field
		}
		v := fmt.Sprintf("v%d", r.IntN(50))
		switch r.IntN(6) {
		case 0:
			v = strconv.FormatInt(r.Int64N(1<<40)-1<<39, 10)
		case 1:
			v = string(bytes.Repeat([]byte("x"), r.IntN(200)))
		}
		out = append(out, f, v)
	}
	return out
}

func toBytes(fv []string) [][]byte {
	out := make([][]byte, len(fv))
	for i, s := range fv {
		out[i] = []byte(s)
	}
	return out
}

// checkStream compares s with the model and checks the node invariants.
func checkStream(t *testing.T, s *Stream, m *model, cfg Config) {
	t.Helper()
	if s.Len() != uint64(len(m.entries)) {
		t.Fatalf("Len = %d, model %d", s.Len(), len(m.entries))
	}
	if s.LastID() != m.last || s.EntriesAdded() != m.added || s.MaxDeletedID() != m.maxDel {
		t.Fatalf("counters %v %d %v, model %v %d %v", s.LastID(), s.EntriesAdded(), s.MaxDeletedID(), m.last, m.added, m.maxDel)
	}
	wantFirst := ID{}
	if len(m.entries) > 0 {
		wantFirst = m.entries[0].id
	}
	if s.FirstID() != wantFirst {
		t.Fatalf("FirstID = %v, want %v", s.FirstID(), wantFirst)
	}
	wantLastLive := ID{}
	if len(m.entries) > 0 {
		wantLastLive = m.entries[len(m.entries)-1].id
	}
	if s.LastLiveID() != wantLastLive {
		t.Fatalf("LastLiveID = %v, want %v", s.LastLiveID(), wantLastLive)
	}
	var total int64
	checkNodeList(t, &s.nodes)
	for i := 0; i < s.nodes.Len(); i++ {
		n := s.nodes.at(i)
		c, err := ValidateNode(n.lp)
		if err != nil {
			t.Fatalf("node %d invalid", i)
		}
		total += c
		if i > 0 && !s.nodes.at(i-1).master.Less(n.master) {
			t.Fatalf("masters out of order")
		}
		h := readHeader(n.lp)
		if cfg.MaxEntries > 0 && h.count+h.deleted > cfg.MaxEntries {
			t.Fatalf("node %d has %d entries", i, h.count+h.deleted)
		}
		if first := readEntry(n.lp, n.master, &h, h.first); first.id != n.master {
			t.Fatalf("node %d first entry %v != master %v", i, first.id, n.master)
		}
	}
	if total != int64(s.Len()) {
		t.Fatalf("node counts %d != Len %d", total, s.Len())
	}
	// Whole range, both directions.
	got := collect(s, MinID, MaxID, false)
	if !equalEntries(got, m.entries) {
		t.Fatalf("XRANGE - +:\n got %v\nwant %v", got, m.entries)
	}
	rev := collect(s, MinID, MaxID, true)
	slices.Reverse(rev)
	if !equalEntries(rev, m.entries) {
		t.Fatalf("XREVRANGE + -: got %v", rev)
	}
}

func collect(s *Stream, start, end ID, rev bool) []modelEntry {
	var out []modelEntry
	it := s.Range(start, end, rev)
	for it.Next() {
		e := modelEntry{id: it.ID()}
		for i := 0; i < it.NumFields(); i++ {
			f, v := it.Field()
			e.fv = append(e.fv, string(f), string(v))
		}
		out = append(out, e)
	}
	return out
}

func equalEntries(a, b []modelEntry) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].id != b[i].id || !slices.Equal(a[i].fv, b[i].fv) {
			return false
		}
	}
	return true
}

// TestStreamModel runs random XADD/XDEL/XTRIM/range operations against a
// plain slice model.
func TestStreamModel(t *testing.T) {
	for seed := uint64(1); seed <= 40; seed++ {
		r := rand.New(rand.NewPCG(seed, seed*7))
		cfg := Config{MaxBytes: []int64{0, 64, 300, 4096}[r.IntN(4)], MaxEntries: []int64{0, 1, 2, 5, 100}[r.IntN(5)]}
		if cfg.MaxBytes == 0 && cfg.MaxEntries == 0 {
			cfg.MaxEntries = 7
		}
		s := New()
		m := &model{}
		var prev []string
		for op := 0; op < 600; op++ {
			switch k := r.IntN(20); {
			case k < 11: // XADD
				var id ID
				var err error
				if r.IntN(4) == 0 {
					id, err = s.AddID(ID{Ms: m.last.Ms + uint64(r.IntN(2))}, false)
				} else {
					id = ID{Ms: m.last.Ms + uint64(r.IntN(3)), Seq: uint64(r.IntN(1 << uint(r.IntN(40))))}
					if r.IntN(10) == 0 {
						id.Ms += uint64(r.Int64N(math.MaxInt64)) // big deltas wrap in the node
					}
					if !m.last.Less(id) {
						if _, err := s.AddID(id, true); err != ErrIDTooSmall {
							t.Fatalf("AddID(%v) after %v: %v", id, m.last, err)
						}
						continue
					}
				}
				if err != nil {
					t.Fatal(err)
				}
				fv := randFields(r, prev)
				prev = fv
				if err := s.Add(id, toBytes(fv), cfg); err != nil {
					t.Fatal(err)
				}
				m.entries = append(m.entries, modelEntry{id: id, fv: fv})
				m.last = id
				m.added++
			case k < 15: // XDEL of an existing or missing ID
				var id ID
				if len(m.entries) > 0 && r.IntN(4) > 0 {
					id = m.entries[r.IntN(len(m.entries))].id
				} else {
					id = ID{Ms: m.last.Ms - uint64(r.IntN(3)), Seq: uint64(r.IntN(2))}
				}
				i := slices.IndexFunc(m.entries, func(e modelEntry) bool { return e.id == id })
				if got := s.Delete(id); got != (i >= 0) {
					t.Fatalf("Delete(%v) = %v", id, got)
				}
				if i >= 0 {
					m.entries = slices.Delete(m.entries, i, i+1)
					if id.Compare(m.maxDel) > 0 {
						m.maxDel = id
					}
				}
			case k < 18: // XTRIM
				a := TrimArgs{Approx: r.IntN(2) == 0}
				var want int
				if r.IntN(2) == 0 {
					a.Strategy = TrimMaxLen
					a.MaxLen = int64(r.IntN(len(m.entries) + 2))
					want = max(len(m.entries)-int(a.MaxLen), 0)
				} else {
					a.Strategy = TrimMinID
					if len(m.entries) > 0 {
						a.MinID = m.entries[r.IntN(len(m.entries))].id
					}
					want = sort.Search(len(m.entries), func(i int) bool { return !m.entries[i].id.Less(a.MinID) })
				}
				if a.Approx && r.IntN(2) == 0 {
					a.Limit = int64(r.IntN(20))
				}
				n := s.Trim(a)
				if !a.Approx && int(n) != want {
					t.Fatalf("exact trim %+v removed %d, want %d", a, n, want)
				}
				if int(n) > want {
					t.Fatalf("trim %+v removed %d, more than %d", a, n, want)
				}
				if a.Limit > 0 && n > a.Limit {
					t.Fatalf("trim %+v removed %d past its limit", a, n)
				}
				m.entries = m.entries[n:]
			default: // ranges
				if len(m.entries) == 0 {
					continue
				}
				lo := m.entries[r.IntN(len(m.entries))].id
				hi := m.entries[r.IntN(len(m.entries))].id
				if r.IntN(3) == 0 {
					lo, _ = lo.Incr()
				}
				var want []modelEntry
				for _, e := range m.entries {
					if !e.id.Less(lo) && !hi.Less(e.id) {
						want = append(want, e)
					}
				}
				if got := collect(s, lo, hi, false); !equalEntries(got, want) {
					t.Fatalf("range %v %v: got %v want %v", lo, hi, got, want)
				}
				got := collect(s, lo, hi, true)
				slices.Reverse(got)
				if !equalEntries(got, want) {
					t.Fatalf("revrange %v %v", lo, hi)
				}
				for _, e := range want {
					if !s.Exists(e.id) {
						t.Fatalf("Exists(%v) false", e.id)
					}
				}
				// Reading in order one entry at a time, each read starting
				// after the last ID returned (as XREADGROUP ">" does),
				// resumes from the seek hint.
				var stepped []modelEntry
				for from := lo; len(stepped) < len(want); {
					it := s.Range(from, hi, false)
					if !it.Next() {
						break
					}
					stepped = append(stepped, modelEntry{id: it.ID(), fv: want[len(stepped)].fv})
					if from, _ = it.ID().Incr(); from.IsZero() {
						break
					}
				}
				if !equalEntries(stepped, want) {
					t.Fatalf("stepped range %v %v: got %v want %v", lo, hi, stepped, want)
				}
			}
			checkStream(t, s, m, cfg)
		}
		c := s.Clone()
		checkStream(t, c, m, cfg)
	}
}

// Node boundaries follow Valkey's rule: a new node when the tail's bytes
// plus the new entry's field and value bytes reach stream-node-max-bytes,
// or when it holds stream-node-max-entries entries (deleted ones count).
func TestNodeBoundaries(t *testing.T) {
	s := New()
	cfg := Config{MaxEntries: 3}
	for i := 1; i <= 7; i++ {
		if err := s.Add(ID{Ms: uint64(i)}, toBytes([]string{"f", "v"}), cfg); err != nil {
			t.Fatal(err)
		}
	}
	if s.Nodes() != 3 {
		t.Fatalf("nodes = %d", s.Nodes())
	}
	s.Delete(ID{Ms: 7}) // the last live entry of the tail node: the node goes
	if s.Nodes() != 2 || s.LastID() != (ID{Ms: 7}) || s.LastLiveID() != (ID{Ms: 6}) {
		t.Fatalf("after XDEL: nodes %d last %v live %v", s.Nodes(), s.LastID(), s.LastLiveID())
	}
	s = New()
	cfg = Config{MaxBytes: 40}
	for i := 1; i <= 4; i++ {
		_ = s.Add(ID{Ms: uint64(i)}, toBytes([]string{"field", "value"}), cfg)
	}
	if s.Nodes() != 4 { // a node with one entry is 29 bytes: 29+10 < 40, 29+10+... >= 40 next
		t.Logf("nodes with MaxBytes 40: %d", s.Nodes())
	}
}

func TestRadixTreeNodes(t *testing.T) {
	s := New()
	if s.RadixTreeNodes() != 1 {
		t.Fatal("empty rax has one node")
	}
	cfg := Config{MaxEntries: 1}
	_ = s.Add(ID{Ms: 1}, toBytes([]string{"a", "b"}), cfg)
	if n := s.RadixTreeNodes(); n != 2 {
		t.Fatalf("one key: %d nodes", n)
	}
	_ = s.Add(ID{Ms: 2}, toBytes([]string{"a", "b"}), cfg)
	// Keys differ in byte 7: a compressed root of 7 bytes, a branching
	// node, and per key a compressed tail node and the key node.
	if n := s.RadixTreeNodes(); n != 6 {
		t.Fatalf("two keys: %d nodes", n)
	}
}

func TestBtreeModel(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	tr := newBtree[ID, int](compareIDs)
	m := map[ID]int{}
	for op := 0; op < 20000; op++ {
		k := ID{Ms: uint64(r.IntN(500)), Seq: uint64(r.IntN(3))}
		switch r.IntN(5) {
		case 4:
			_, exists := m[k]
			p, added := tr.upsert(k)
			if added == exists || (exists && *p != m[k]) || (added && *p != 0) {
				t.Fatalf("upsert %v: added %v, exists %v", k, added, exists)
			}
			*p = op
			m[k] = op
			checkBtree(t, tr)
		case 0, 1:
			_, exists := m[k]
			if tr.insert(k, op) == exists {
				t.Fatalf("insert %v: exists %v", k, exists)
			}
			if !exists {
				m[k] = op
			}
		case 2:
			v, ok := tr.delete(k)
			mv, mok := m[k]
			if ok != mok || v != mv {
				t.Fatalf("delete %v = %d %v, model %d %v", k, v, ok, mv, mok)
			}
			delete(m, k)
			checkBtree(t, tr)
		default:
			keys := make([]ID, 0, len(m))
			for k := range m {
				keys = append(keys, k)
			}
			slices.SortFunc(keys, compareIDs)
			var got []ID
			tr.ascend(k, func(id ID, v *int) bool {
				if *v != m[id] {
					t.Fatalf("value of %v", id)
				}
				got = append(got, id)
				return len(got) < 50
			})
			i := sort.Search(len(keys), func(i int) bool { return !keys[i].Less(k) })
			want := keys[i:min(i+50, len(keys))]
			if !slices.Equal(got, want) && !(len(got) == 0 && len(want) == 0) {
				t.Fatalf("ascend from %v: got %v want %v", k, got, want)
			}
			if sk, _, ok := tr.seek(k); ok != (i < len(keys)) || (ok && sk != keys[i]) {
				t.Fatalf("seek %v = %v %v", k, sk, ok)
			}
			if tr.Len() != len(m) {
				t.Fatalf("Len %d, model %d", tr.Len(), len(m))
			}
			if len(keys) > 0 {
				if mn, _, _ := tr.min(); mn != keys[0] {
					t.Fatal("min")
				}
				if mx, _, _ := tr.max(); mx != keys[len(keys)-1] {
					t.Fatal("max")
				}
			}
		}
	}
}

// checkBtree verifies the B-tree invariants: item counts within bounds,
// keys in order, leaves all at the same depth, Len right.
func checkBtree[V any](t *testing.T, tr *btree[ID, V]) {
	t.Helper()
	leafDepth, n := -1, 0
	var last *ID
	var walk func(nd *btreeNode[ID, V], depth int)
	walk = func(nd *btreeNode[ID, V], depth int) {
		if nd != tr.root && (len(nd.keys) < btreeDegree-1 || len(nd.keys) > btreeMaxItems) {
			t.Fatalf("node with %d items", len(nd.keys))
		}
		if len(nd.vals) != len(nd.keys) {
			t.Fatalf("%d values for %d keys", len(nd.vals), len(nd.keys))
		}
		if nd.children != nil && len(nd.children) != len(nd.keys)+1 {
			t.Fatalf("%d children for %d items", len(nd.children), len(nd.keys))
		}
		for i := range nd.keys {
			if nd.children != nil {
				walk(nd.children[i], depth+1)
			}
			if last != nil && !last.Less(nd.keys[i]) {
				t.Fatalf("keys out of order: %v then %v", *last, nd.keys[i])
			}
			last = &nd.keys[i]
			n++
		}
		if nd.children != nil {
			walk(nd.children[len(nd.keys)], depth+1)
		} else if leafDepth < 0 {
			leafDepth = depth
		} else if leafDepth != depth {
			t.Fatalf("leaves at depths %d and %d", leafDepth, depth)
		}
	}
	if tr.root != nil {
		walk(tr.root, 0)
	}
	if n != tr.Len() {
		t.Fatalf("%d items, Len %d", n, tr.Len())
	}
}

func TestGroupsPEL(t *testing.T) {
	s := New()
	for i := 1; i <= 5; i++ {
		_ = s.Add(ID{Ms: uint64(i)}, toBytes([]string{"f", "v"}), DefaultConfig)
	}
	g := s.CreateGroup([]byte("g"), ID{}, 0)
	if s.CreateGroup([]byte("g"), ID{}, 0) != nil {
		t.Fatal("duplicate group")
	}
	alice := g.CreateConsumer([]byte("alice"), 100)
	bob := g.CreateConsumer([]byte("bob"), 100)
	for i := 1; i <= 5; i++ {
		g.Deliver(s, ID{Ms: uint64(i)}, alice, 200, false)
	}
	if g.LastID() != (ID{Ms: 5}) || g.EntriesRead() != 5 || g.PendingLen() != 5 || alice.PendingLen() != 5 {
		t.Fatalf("after delivery: %v %d %d %d", g.LastID(), g.EntriesRead(), g.PendingLen(), alice.PendingLen())
	}
	if lag, ok := s.Lag(g); !ok || lag != 0 {
		t.Fatalf("lag %d %v", lag, ok)
	}
	g.Claim(ID{Ms: 2}, bob, 300, ClaimOptions{DeliveryTime: 300, RetryCount: -1})
	if p := g.Pending(ID{Ms: 2}); p.Consumer != bob || p.DeliveryCount != 2 || alice.PendingLen() != 4 || bob.PendingLen() != 1 {
		t.Fatalf("claim: %+v", p)
	}
	if !g.Ack(ID{Ms: 2}) || g.Ack(ID{Ms: 2}) || bob.PendingLen() != 0 {
		t.Fatal("ack")
	}
	c := s.Clone()
	cg := c.Group([]byte("g"))
	if n := cg.DeleteConsumer(cg.Consumer([]byte("alice"))); n != 4 || cg.PendingLen() != 0 {
		t.Fatalf("clone delconsumer %d %d", n, cg.PendingLen())
	}
	if g.PendingLen() != 4 || alice.PendingLen() != 4 {
		t.Fatal("clone shares PEL with the original")
	}
	s.Delete(ID{Ms: 3})
	if lag, ok := s.Lag(g); !ok || lag != 0 {
		t.Fatalf("lag after xdel before last id: %d %v", lag, ok)
	}
	g.SetID(ID{}, InvalidEntriesRead)
	if _, ok := s.Lag(g); ok {
		t.Fatal("lag with a tombstone ahead must be unknown")
	}
}

// FuzzValidateNode: bytes that pass ValidateNode can be walked in both
// directions without panicking, and yield the number of live entries it
// reported.
func FuzzValidateNode(f *testing.F) {
	s := New()
	for i := 1; i <= 4; i++ {
		fv := []string{"a", strconv.Itoa(i), "b", "x"}
		if i == 3 {
			fv = []string{"c", "1"}
		}
		_ = s.Add(ID{Ms: uint64(i)}, toBytes(fv), DefaultConfig)
	}
	s.Delete(ID{Ms: 2})
	f.Add(s.nodes.at(0).lp)
	f.Add(newNode(nil, toBytes([]string{"f", "v"})))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		live, err := ValidateNode(b)
		if err != nil {
			return
		}
		st := &Stream{nodes: nodeList{chunks: [][]node{{{master: ID{Ms: 10}, lp: b}}}, n: 1}, length: uint64(live), lastID: MaxID}
		fwd := collect(st, MinID, MaxID, false)
		rev := collect(st, MinID, MaxID, true)
		if len(fwd) != int(live) || len(rev) != int(live) {
			t.Fatalf("live %d, walked %d/%d", live, len(fwd), len(rev))
		}
	})
}

// FuzzNodeElements builds listpacks element by element from the input (a
// tag byte: odd = a small integer from the next byte, even = a string of
// up to 7 bytes), so that the fuzzer explores stream node layouts rather
// than listpack framing, which FuzzValidateNode mostly trips over.
func FuzzNodeElements(f *testing.F) {
	f.Add([]byte{3, 1, 1, 0, 1, 2, 2, 'a', 1, 0, 1, 2, 1, 0, 1, 0, 1, 1, 2, 'v', 1, 5})
	f.Add([]byte{1, 2, 1, 1, 1, 1, 2, 'f', 1, 0, 1, 0, 1, 0, 1, 0, 1, 1, 2, 'f', 2, 'v', 1, 6, 1, 3, 1, 0, 1, 1, 2, 'w', 1, 4})
	f.Fuzz(func(t *testing.T, in []byte) {
		lp := listpack.New()
		for i := 0; i < len(in); i++ {
			tag := in[i]
			if tag&1 == 1 {
				if i+1 >= len(in) {
					break
				}
				i++
				lp = listpack.AppendInt(lp, int64(int8(in[i])))
				continue
			}
			n := int(tag>>1) % 8
			if i+1+n > len(in) {
				break
			}
			lp = listpack.Append(lp, in[i+1:i+1+n])
			i += n
		}
		live, err := ValidateNode(lp)
		if err != nil {
			return
		}
		st := &Stream{nodes: nodeList{chunks: [][]node{{{master: ID{Ms: 1 << 40}, lp: lp}}}, n: 1}, length: uint64(live), lastID: MaxID}
		fwd := collect(st, MinID, MaxID, false)
		rev := collect(st, MinID, MaxID, true)
		if len(fwd) != int(live) || len(rev) != int(live) {
			t.Fatalf("live %d, walked %d/%d", live, len(fwd), len(rev))
		}
		// IDs inside a validated node need not be in order (Valkey does not
		// check it either): these must not panic, whatever they find.
		for _, e := range fwd {
			st.Exists(e.id)
			st.Delete(e.id)
		}
		st.Trim(TrimArgs{Strategy: TrimMaxLen, MaxLen: 0})
		if st.Len() != 0 {
			t.Fatalf("trim left %d", st.Len())
		}
	})
}

// TestClosedNodesShareSlab checks that full nodes packed into one slab stay
// apart: after the tail node goes (XDEL of its entries), the closed node
// before it becomes the tail again, grows (with a larger
// stream-node-max-entries) and is closed a second time, and more nodes
// follow it into the slab; every entry reads back intact.
func TestClosedNodesShareSlab(t *testing.T) {
	s := New()
	cfg := Config{MaxBytes: 4096, MaxEntries: 10}
	var want []modelEntry
	add := func(from, to int, field string) {
		for i := from; i <= to; i++ {
			fv := []string{field, fmt.Sprint("value-", i)}
			if err := s.Add(ID{Ms: uint64(i)}, toBytes(fv), cfg); err != nil {
				t.Fatal(err)
			}
			want = append(want, modelEntry{id: ID{Ms: uint64(i)}, fv: fv})
		}
	}
	add(1, 45, "f")
	if s.Nodes() != 5 {
		t.Fatalf("nodes = %d, want 5", s.Nodes())
	}
	for i := 41; i <= 45; i++ { // the tail node goes: node 4 is the tail
		s.Delete(ID{Ms: uint64(i)})
	}
	want = want[:40]
	cfg.MaxEntries = 12
	add(46, 100, "g")
	if got := collect(s, MinID, MaxID, false); !equalEntries(got, want) {
		t.Fatalf("entries:\n got %v\nwant %v", got, want)
	}
	for i := 0; i < s.nodes.Len(); i++ {
		if _, err := ValidateNode(s.nodes.at(i).lp); err != nil {
			t.Fatalf("node %d: %v", i, err)
		}
	}
}

// TestCloneOwnsItsRoom checks that a clone and its original, both growing
// past node boundaries afterwards, do not share the slab's free room or
// the spare tail buffer (same-size entries: the first slab has room for a
// fourth node when the clone is made).
func TestCloneOwnsItsRoom(t *testing.T) {
	cfg := Config{MaxBytes: 4096, MaxEntries: 10}
	s := New()
	var want []modelEntry
	for i := 1; i <= 35; i++ {
		fv := []string{"f", fmt.Sprintf("x%03d", i)}
		if err := s.Add(ID{Ms: uint64(i)}, toBytes(fv), cfg); err != nil {
			t.Fatal(err)
		}
		want = append(want, modelEntry{id: ID{Ms: uint64(i)}, fv: fv})
	}
	c := s.Clone()
	wantS, wantC := slices.Clone(want), slices.Clone(want)
	for i := 36; i <= 80; i++ {
		fs := []string{"f", fmt.Sprintf("o%03d", i)}
		fc := []string{"f", fmt.Sprintf("c%03d", i)}
		if s.Add(ID{Ms: uint64(i)}, toBytes(fs), cfg) != nil || c.Add(ID{Ms: uint64(i)}, toBytes(fc), cfg) != nil {
			t.Fatal("Add failed")
		}
		wantS = append(wantS, modelEntry{id: ID{Ms: uint64(i)}, fv: fs})
		wantC = append(wantC, modelEntry{id: ID{Ms: uint64(i)}, fv: fc})
	}
	if got := collect(s, MinID, MaxID, false); !equalEntries(got, wantS) {
		t.Fatalf("original:\n got %v\nwant %v", got, wantS)
	}
	if got := collect(c, MinID, MaxID, false); !equalEntries(got, wantC) {
		t.Fatalf("clone:\n got %v\nwant %v", got, wantC)
	}
}
