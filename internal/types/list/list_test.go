package list

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unsafe"

	"petrel/internal/kvtable"
)

// valkeyValues are the elements of testdata/valkey-lp1.bin, the listpack
// Valkey 9 built for RPUSH k <these> (taken from DUMP with rdbcompression
// off).
var valkeyValues = []string{"0", "127", "128", "-1", "-4096", "4095", "4096", "-4097", "32767", "-32768", "32768",
	"8388607", "-8388608", "8388608", "2147483647", "-2147483648", "2147483648", "9223372036854775807",
	"-9223372036854775808", "9223372036854775808", "", "a", "01", "+1", "-0", " 1", strings.Repeat("x", 63),
	strings.Repeat("x", 64), strings.Repeat("y", 200), strings.Repeat("z", 4095), "12345678901234567890"}

func TestListpackBytesMatchValkey(t *testing.T) {
	cases := []struct {
		file string
		vals []string
	}{
		{"testdata/valkey-lp1.bin", valkeyValues},
		{"testdata/valkey-lp2.bin", []string{"a", strings.Repeat("w", 4096), "b"}},
	}
	for _, tc := range cases {
		want, err := os.ReadFile(tc.file)
		if err != nil {
			t.Fatal(err)
		}
		lp := lpNew(0)
		for _, v := range tc.vals {
			lp = lpAppend(lp, []byte(v))
		}
		if !bytes.Equal(lp, want) {
			t.Fatalf("%s: listpack differs from Valkey's\n got %x\nwant %x", tc.file, lp[:min(len(lp), 64)], want[:min(len(want), 64)])
		}
		if err := ValidateListpack(want); err != nil {
			t.Fatalf("%s: %v", tc.file, err)
		}
		// Decoding gives the elements back, both ways.
		i := 0
		for p := lpFirst(want); p >= 0; p = lpNext(want, p) {
			if got := string(entryValue(want, p).Append(nil)); got != tc.vals[i] {
				t.Fatalf("element %d = %q, want %q", i, got, tc.vals[i])
			}
			i++
		}
		for p := lpLast(want); p >= 0; p = lpPrev(want, p) {
			i--
			if got := string(entryValue(want, p).Append(nil)); got != tc.vals[i] {
				t.Fatalf("backwards element %d = %q, want %q", i, got, tc.vals[i])
			}
		}
	}
}

func TestListpackIntBoundaries(t *testing.T) {
	for _, v := range []int64{0, 127, 128, -1, -4096, 4095, 4096, -4097, 32767, -32768, 32768, -32769,
		8388607, -8388608, 8388608, -8388609, 1<<31 - 1, -1 << 31, 1 << 31, -1<<31 - 1, 1<<63 - 1, -1 << 63} {
		lp := lpAppend(lpNew(0), []byte(strconv.FormatInt(v, 10)))
		s, n, isInt := lpGet(lp, lpFirst(lp))
		if !isInt || n != v || s != nil {
			t.Fatalf("%d decoded as %q %d %v", v, s, n, isInt)
		}
		if err := ValidateListpack(lp); err != nil {
			t.Fatal(err)
		}
	}
}

func TestListpackOps(t *testing.T) {
	lp := lpNew(0)
	for i := 0; i < 10; i++ {
		lp = lpAppend(lp, []byte(fmt.Sprint("e", i)))
	}
	lp = lpPrepend(lp, []byte("first"))
	if lpLength(lp) != 11 || string(entryValue(lp, lpSeek(lp, 0)).B) != "first" ||
		string(entryValue(lp, lpSeek(lp, -1)).B) != "e9" || string(entryValue(lp, lpSeek(lp, 6)).B) != "e5" {
		t.Fatal("seek")
	}
	if lpSeek(lp, 11) != -1 || lpSeek(lp, -12) != -1 {
		t.Fatal("seek out of range")
	}
	lp = lpReplace(lp, lpSeek(lp, 1), []byte(strings.Repeat("L", 300)))
	lp = lpReplace(lp, lpSeek(lp, 2), []byte("7"))
	lp = lpDeleteRange(lp, -3, 10)
	lp = lpDeleteRange(lp, 0, 1)
	want := []string{strings.Repeat("L", 300), "7", "e2", "e3", "e4", "e5", "e6"}
	if got := lpStrings(lp); !slices.Equal(got, want) {
		t.Fatalf("got %q", got)
	}
	if err := ValidateListpack(lp); err != nil {
		t.Fatal(err)
	}
	a := lpAppend(lpAppend(lpNew(0), []byte("a")), []byte("b"))
	b := lpAppend(lpNew(0), []byte(strings.Repeat("c", 100)))
	for _, m := range [][]byte{lpConcat(bytes.Clone(a), bytes.Clone(b)), lpConcat(bytes.Clone(b), bytes.Clone(a))} {
		if err := ValidateListpack(m); err != nil || lpLength(m) != 3 {
			t.Fatalf("concat: %v %q", err, lpStrings(m))
		}
	}
	if got := lpStrings(lpConcat(bytes.Clone(a), bytes.Clone(b))); !slices.Equal(got, []string{"a", "b", strings.Repeat("c", 100)}) {
		t.Fatalf("concat order %q", got)
	}
	if got := lpStrings(lpConcat(bytes.Clone(b), bytes.Clone(a))); !slices.Equal(got, []string{strings.Repeat("c", 100), "a", "b"}) {
		t.Fatalf("concat order %q", got)
	}
}

func TestBacklen(t *testing.T) {
	for _, l := range []int{0, 1, 127, 128, 16382, 16383, 2097150, 2097151, 268435454, 268435455, 1 << 30} {
		var b [5]byte
		n := backlenSize(l)
		putBacklen(b[:n], l)
		if got := readBacklen(b[:n], n-1); got != l {
			t.Fatalf("backlen %d read back as %d", l, got)
		}
	}
}

func lpStrings(lp []byte) []string {
	var out []string
	for p := lpFirst(lp); p >= 0; p = lpNext(lp, p) {
		out = append(out, string(entryValue(lp, p).Append(nil)))
	}
	return out
}

// values lists a list's elements through its iterator, checking the
// reverse walk agrees.
func values(t testing.TB, l *List) []string {
	t.Helper()
	n := l.Len()
	out := make([]string, 0, n)
	if n == 0 {
		return out
	}
	it := l.IterFrom(0, false)
	for v, ok := it.Next(); ok; v, ok = it.Next() {
		out = append(out, string(v.Append(nil)))
	}
	rit := l.IterFrom(n-1, true)
	i := n
	for v, ok := rit.Next(); ok; v, ok = rit.Next() {
		i--
		if i < 0 || string(v.Append(nil)) != out[i] {
			t.Fatalf("reverse walk disagrees at %d", i)
		}
	}
	if i != 0 || len(out) != n {
		t.Fatalf("walks found %d/%d elements of %d", len(out), n-i, n)
	}
	return out
}

// checkInvariants verifies the encoding's invariants.
func checkInvariants(t testing.TB, l *List, cfg *Config) {
	t.Helper()
	if l.q == nil {
		if err := ValidateListpack(l.lp); err != nil {
			t.Fatalf("listpack: %v", err)
		}
		return
	}
	total := 0
	for i, nd := range l.q.live() {
		if nd.count <= 0 {
			t.Fatalf("node %d is empty", i)
		}
		if nd.ref != 0 {
			// A node in the NodeMem: its bytes are its block's.
			mem := l.q.mem
			mem.mu.Lock()
			blk := mem.a.Slice(nd.ref)
			live := mem.live == nil || mem.live[nd.ref]
			mem.mu.Unlock()
			if !live || nd.plain || unsafe.SliceData(blk) != unsafe.SliceData(nd.b) || cap(nd.b) > len(blk) {
				t.Fatalf("node %d: bytes not its NodeMem block (live %v plain %v)", i, live, nd.plain)
			}
		}
		if nd.plain {
			if nd.count != 1 {
				t.Fatalf("plain node %d holds %d", i, nd.count)
			}
		} else {
			// A dense node: as a listpack it must be valid, hold count
			// elements and have the size the node reports.
			lp := dnToListpack(nil, nd.b, int(nd.back))
			if err := ValidateListpack(lp); err != nil {
				t.Fatalf("node %d: %v", i, err)
			}
			if lpLength(lp) != int(nd.count) || dnLength(nd.b) != int(nd.count) {
				t.Fatalf("node %d count %d, listpack has %d", i, nd.count, lpLength(lp))
			}
			if len(lp) != nd.sz() || int(nd.back) != dnBacklens(nd.b, lpHdrSize) {
				t.Fatalf("node %d: sz %d back %d, listpack %d bytes", i, nd.sz(), nd.back, len(lp))
			}
			if b, back := dnFromListpack(nil, lp); !bytes.Equal(b, nd.b) || back != int(nd.back) {
				t.Fatalf("node %d does not round-trip through its listpack", i)
			}
			if l.q.isCached(&nd) && !slices.Equal(l.q.oc.offs, dnOffsets(nd.b, nil)) {
				t.Fatalf("node %d: the offsets cache is stale", i)
			}
		}
		total += int(nd.count)
	}
	if total != l.q.count {
		t.Fatalf("count %d, nodes hold %d", l.q.count, total)
	}
}

// genValue returns a random element: small and large integers, short and
// long strings, sometimes past the plain-node threshold.
func genValue(r *rand.Rand) []byte {
	switch r.IntN(10) {
	case 0, 1:
		return []byte(strconv.Itoa(r.IntN(300) - 150))
	case 2:
		return []byte(strconv.FormatInt(r.Int64()-1<<62, 10))
	case 3:
		return []byte(strings.Repeat("m", r.IntN(200)))
	case 4:
		if r.IntN(8) == 0 {
			return []byte(strings.Repeat("B", 4000+r.IntN(10000)))
		}
		return []byte(strings.Repeat("b", 60+r.IntN(10)))
	default:
		return []byte("v" + strconv.Itoa(r.IntN(20)))
	}
}

// TestListAgainstModel runs random operations on a List and on a plain
// slice of strings and compares them after each step, for many fill
// settings.
func TestListAgainstModel(t *testing.T) {
	fills := []int{-1, -2, -3, -5, -7, 0, 1, 2, 3, 5, 16, 128}
	for _, fill := range fills {
		for seed := uint64(1); seed <= 6; seed++ {
			t.Run(fmt.Sprintf("fill%d/seed%d", fill, seed), func(t *testing.T) {
				runModel(t, fill, seed, 1500, nil)
			})
			// The same operations with the packed nodes in a NodeMem; once
			// the lists are dropped every block must come back.
			t.Run(fmt.Sprintf("fill%d/seed%d/nodemem", fill, seed), func(t *testing.T) {
				mem := newCheckedNodeMem()
				// (With 32 and 64 KB nodes these lists never leave the
				// listpack encoding.)
				if peak := runModel(t, fill, seed, 1500, mem); peak == 0 && fill > -4 {
					t.Fatal("no node was ever in the NodeMem")
				}
				waitNodeMemEmpty(t, mem)
			})
		}
	}
}

// newCheckedNodeMem returns a NodeMem that panics on a double free.
func newCheckedNodeMem() *NodeMem {
	m := NewNodeMem()
	m.live = map[kvtable.Ref]bool{}
	return m
}

// waitNodeMemEmpty collects garbage until the cleanups of the dropped
// quicklists have given back all of mem's blocks (bounded: 5 s).
func waitNodeMemEmpty(t *testing.T, mem *NodeMem) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for mem.Used() != 0 {
		if time.Now().After(deadline) {
			mem.mu.Lock()
			n := len(mem.live)
			mem.mu.Unlock()
			t.Fatalf("%d node blocks (%d bytes) never freed", n, mem.Used())
		}
		runtime.GC()
		time.Sleep(5 * time.Millisecond)
	}
}

// runModel returns the most bytes mem held at the end of a step.
func runModel(t *testing.T, fill int, seed uint64, steps int, mem *NodeMem) (peak int64) {
	r := rand.New(rand.NewPCG(seed, uint64(fill+100)))
	cfg := &Config{Fill: fill, Mem: mem}
	if seed%3 == 0 {
		cfg.PackedThreshold = 100 + r.IntN(200)
	}
	l := New()
	var model []string
	idx := func() int {
		if len(model) == 0 {
			return r.IntN(3) - 1
		}
		return r.IntN(2*len(model)+2) - len(model) - 1
	}
	norm := func(i int) (int, bool) {
		if i < 0 {
			i += len(model)
		}
		return i, i >= 0 && i < len(model)
	}
	var buf []byte
	for step := 0; step < steps; step++ {
		op := r.IntN(14)
		desc := ""
		switch op {
		case 0, 1, 2: // push a batch
			head := r.IntN(2) == 0
			n := 1 + r.IntN(6)
			vals := make([][]byte, n)
			for i := range vals {
				vals[i] = genValue(r)
				if head {
					model = append([]string{string(vals[i])}, model...)
				} else {
					model = append(model, string(vals[i]))
				}
			}
			l.Push(cfg, head, vals...)
			desc = fmt.Sprintf("push head=%v n=%d", head, n)
		case 3, 4: // pop
			head := r.IntN(2) == 0
			var ok bool
			buf, ok = l.Pop(head, buf[:0])
			if ok != (len(model) > 0) {
				t.Fatalf("step %d pop ok=%v with %d", step, ok, len(model))
			}
			if ok {
				want := model[len(model)-1]
				if head {
					want, model = model[0], model[1:]
				} else {
					model = model[:len(model)-1]
				}
				if string(buf) != want {
					t.Fatalf("step %d pop %q want %q", step, buf, want)
				}
				l.Shrink(cfg)
			}
			desc = "pop"
		case 5: // index
			i := idx()
			v, ok := l.Index(i)
			j, want := norm(i)
			if ok != want || (ok && string(v.Append(nil)) != model[j]) {
				t.Fatalf("step %d index %d = %v %q", step, i, ok, v.Append(nil))
			}
		case 6: // set
			i, v := idx(), genValue(r)
			ok := l.Set(cfg, i, v)
			j, want := norm(i)
			if ok != want {
				t.Fatalf("step %d set %d ok=%v", step, i, ok)
			}
			if ok {
				model[j] = string(v)
			}
			desc = fmt.Sprintf("set %d len %d", i, len(v))
		case 7: // insert
			after := r.IntN(2) == 0
			var pivot []byte
			if len(model) > 0 && r.IntN(5) > 0 {
				pivot = []byte(model[r.IntN(len(model))])
			} else {
				pivot = genValue(r)
			}
			v := genValue(r)
			ok := l.Insert(cfg, pivot, v, after)
			at := slices.IndexFunc(model, func(s string) bool { return equalElem(s, string(pivot)) })
			if ok != (at >= 0) {
				t.Fatalf("step %d insert found=%v want %v", step, ok, at >= 0)
			}
			if ok {
				if after {
					at++
				}
				model = slices.Insert(model, at, string(v))
			}
			desc = fmt.Sprintf("insert after=%v len %d", after, len(v))
		case 8: // remove
			count := r.IntN(7) - 3
			var v []byte
			if len(model) > 0 && r.IntN(4) > 0 {
				v = []byte(model[r.IntN(len(model))])
			} else {
				v = genValue(r)
			}
			got := l.Remove(cfg, count, v)
			want := 0
			if count >= 0 {
				var out []string
				for _, s := range model {
					if equalElem(s, string(v)) && (count == 0 || want < count) {
						want++
						continue
					}
					out = append(out, s)
				}
				model = out
			} else {
				var out []string
				for i := len(model) - 1; i >= 0; i-- {
					if equalElem(model[i], string(v)) && want < -count {
						want++
						continue
					}
					out = append(out, model[i])
				}
				slices.Reverse(out)
				model = out
			}
			if got != want {
				t.Fatalf("step %d remove %d %q = %d want %d", step, count, v, got, want)
			}
			desc = fmt.Sprintf("remove %d", count)
		case 9: // trim
			if r.IntN(4) != 0 {
				continue
			}
			start, stop := idx(), idx()
			if r.IntN(3) == 0 {
				start, stop = r.IntN(3), -1-r.IntN(3)
			}
			l.Trim(cfg, start, stop)
			n := len(model)
			s, e := start, stop
			if s < 0 {
				s += n
			}
			if e < 0 {
				e += n
			}
			s = max(s, 0)
			if s > e || s >= n {
				model = nil
			} else {
				model = model[s : min(e, n-1)+1]
			}
			desc = fmt.Sprintf("trim %d %d", start, stop)
		case 10: // delete range (pop with count)
			n := r.IntN(5)
			if r.IntN(2) == 0 {
				l.DeleteRange(0, n)
				model = model[min(n, len(model)):]
			} else {
				k := min(n, len(model))
				l.DeleteRange(-k, k)
				model = model[:len(model)-k]
			}
			l.Shrink(cfg)
			desc = "delrange"
		case 11: // pos
			var v []byte
			if len(model) > 0 {
				v = []byte(model[r.IntN(len(model))])
			} else {
				v = genValue(r)
			}
			rank := r.IntN(5) - 2
			if rank == 0 {
				rank = 1
			}
			count, maxlen := r.IntN(3), r.IntN(3)*r.IntN(len(model)+1)
			got := l.Pos(v, rank, count, maxlen, nil)
			if want := modelPos(model, string(v), rank, count, maxlen); !slices.Equal(got, want) {
				t.Fatalf("step %d pos %q rank %d count %d maxlen %d = %v want %v", step, v, rank, count, maxlen, got, want)
			}
		case 12: // iterate from a random index in both directions
			if len(model) == 0 {
				continue
			}
			start, rev := r.IntN(len(model)), r.IntN(2) == 0
			it := l.IterFrom(start, rev)
			for i := start; i >= 0 && i < len(model); {
				v, ok := it.Next()
				if !ok || string(v.Append(nil)) != model[i] {
					t.Fatalf("step %d iter from %d rev=%v at %d", step, start, rev, i)
				}
				if rev {
					i--
				} else {
					i++
				}
			}
			if _, ok := it.Next(); ok {
				t.Fatalf("step %d iterator went past the end", step)
			}
		case 13: // clone
			c := l.Clone()
			if !slices.Equal(values(t, c), model) || c.IsQuicklist() != l.IsQuicklist() {
				t.Fatalf("step %d clone differs", step)
			}
		}
		checkInvariants(t, l, cfg)
		peak = max(peak, mem.Used())
		if got := values(t, l); !slices.Equal(got, model) || l.Len() != len(model) {
			t.Fatalf("step %d (%s): list %d elements, model %d", step, desc, len(got), len(model))
		}
		if len(model) == 0 && r.IntN(3) == 0 {
			l = New() // an emptied key is deleted: start again
		}
	}
	return peak
}

// equalElem is Valkey's element comparison on the strings as stored.
func equalElem(stored, v string) bool {
	return Value{B: []byte(stored)}.Equal([]byte(v)) || intEqual(stored, v)
}

func intEqual(a, b string) bool {
	x, err1 := strconv.ParseInt(a, 10, 64)
	y, err2 := strconv.ParseInt(b, 10, 64)
	return err1 == nil && err2 == nil && x == y && strconv.FormatInt(x, 10) == a && strconv.FormatInt(y, 10) == b
}

func modelPos(model []string, v string, rank, count, maxlen int) []int {
	var out []int
	n := len(model)
	rev := rank < 0
	if rev {
		rank = -rank
	}
	matches := 0
	for index := 0; index < n && (maxlen == 0 || index < maxlen); index++ {
		i := index
		if rev {
			i = n - 1 - index
		}
		if !equalElem(model[i], v) {
			continue
		}
		matches++
		if matches < rank {
			continue
		}
		out = append(out, i)
		if count != 0 && matches-rank+1 >= count {
			break
		}
	}
	return out
}

// TestConversions follows Valkey's thresholds: a listpack list becomes a
// quicklist past list-max-listpack-size and comes back below half of it.
func TestConversions(t *testing.T) {
	cfg := &Config{Fill: 128}
	l := New()
	for i := 0; i < 128; i++ {
		l.Push(cfg, false, []byte("x"))
	}
	if l.IsQuicklist() {
		t.Fatal("128 elements under fill 128 must stay a listpack")
	}
	l.Push(cfg, false, []byte("x"))
	if !l.IsQuicklist() {
		t.Fatal("129 elements must convert")
	}
	// Two nodes now: 128 elements and the new one. Popping the tail
	// leaves one node, which converts back at half the limit.
	for l.Len() > 65 {
		l.Pop(false, nil)
		l.Shrink(cfg)
		if !l.IsQuicklist() {
			t.Fatalf("converted back at %d elements", l.Len())
		}
	}
	l.Pop(false, nil)
	l.Shrink(cfg)
	if l.IsQuicklist() || l.Len() != 64 {
		t.Fatalf("at 64 elements (half of 128) it must be a listpack again")
	}

	// Size limits: fill -2 is 8 KB; the sizes counted are Valkey's
	// (listpack bytes plus the raw lengths being added).
	cfg = &Config{Fill: -2}
	l = New()
	l.Push(cfg, false, make([]byte, 8192-7))
	if l.IsQuicklist() {
		t.Fatal("8192 bytes in all fit fill -2")
	}
	l.Push(cfg, false, []byte("1"))
	if !l.IsQuicklist() {
		t.Fatal("one byte more must convert")
	}
	// A single element past 8 KB gets a plain node.
	l = New()
	l.Push(cfg, false, make([]byte, 9000))
	if !l.IsQuicklist() || !l.q.head().plain {
		t.Fatal("a 9000-byte element must be a plain node")
	}
}

func TestValidateRejects(t *testing.T) {
	good := lpAppend(lpAppend(lpNew(0), []byte("hello")), []byte("12345"))
	if err := ValidateListpack(good); err != nil {
		t.Fatal(err)
	}
	for i := range good {
		for _, b := range []byte{0x00, 0x7F, 0x80, 0xC0, 0xE0, 0xF0, 0xF5, 0xFF} {
			bad := bytes.Clone(good)
			if bad[i] == b {
				continue
			}
			bad[i] = b
			if ValidateListpack(bad) == nil {
				// Some changes keep the listpack valid (another value of
				// the same size): it must then decode without trouble.
				_ = lpStrings(bad)
			}
		}
	}
	if ValidateListpack(good[:len(good)-1]) == nil || ValidateListpack(nil) == nil {
		t.Fatal("truncated listpack accepted")
	}
}

func FuzzValidateListpack(f *testing.F) {
	f.Add(lpAppend(lpAppend(lpNew(0), []byte("hello")), []byte("-12345")))
	small := lpNew(0)
	for _, v := range valkeyValues[:24] { // every encoding but the long strings
		small = lpAppend(small, []byte(v))
	}
	f.Add(small)
	f.Add(lpAppend(lpNew(0), []byte(strings.Repeat("s", 70))))
	f.Add([]byte{7, 0, 0, 0, 0, 0, 0xFF})
	f.Add([]byte{9, 0, 0, 0, 0xFF, 0xFF, 0x01, 0x01, 0xFF}) // count "unknown"
	f.Fuzz(func(t *testing.T, b []byte) {
		if ValidateListpack(b) != nil {
			return
		}
		// A valid listpack walks the same both ways and seeks every entry.
		fwd := lpStrings(b)
		n := lpLength(b)
		if len(fwd) != n {
			t.Fatalf("length %d, walked %d", n, len(fwd))
		}
		i := n
		for p := lpLast(b); p >= 0; p = lpPrev(b, p) {
			i--
			if string(entryValue(b, p).Append(nil)) != fwd[i] {
				t.Fatal("backward walk differs")
			}
		}
		for j := 0; j < n; j++ {
			if string(entryValue(b, lpSeek(b, j)).Append(nil)) != fwd[j] {
				t.Fatal("seek differs")
			}
		}
		// As a quicklist node it loses its backlens and gets them back.
		if d, back := dnFromListpack(make([]byte, 0, len(b)), b); !bytes.Equal(dnToListpack(nil, d, back), b) ||
			dnLength(d) != n || len(dnOffsets(d, nil)) != n {
			t.Fatal("dense round trip differs")
		}
		// And it can be modified.
		l, err := FromNodes(&DefaultConfig, [][]byte{bytes.Clone(b)}, []bool{false})
		if err != nil {
			t.Fatal(err)
		}
		l.Push(&DefaultConfig, true, []byte("x"))
		l.Remove(&DefaultConfig, 0, []byte("x"))
		if got := values(t, l); !slices.Equal(got, fwd) {
			t.Fatalf("after push/remove %q want %q", got, fwd)
		}
	})
}
