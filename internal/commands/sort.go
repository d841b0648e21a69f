package commands

// SORT and SORT_RO, as Valkey 9's sort.c: sort the elements of a list, a
// set or a sorted set, numerically (as doubles) or with ALPHA as strings,
// optionally by the values of other keys (BY pattern, "*" replaced by the
// element, "->field" reading a hash field), then reply or STORE (a list)
// the elements or the values GET patterns name ("#": the element).
//
// Valkey's rules kept here:
//   - a BY pattern without "*" (BY nosort) skips sorting; lists and sorted
//     sets then keep their order (reversed by DESC, LIMIT taken directly),
//     but a set is still sorted (ALPHA) when the result is stored or the
//     command runs from a script, so that replicas see the same result;
//   - sorting a sorted set converts it to the skiplist encoding;
//   - equal numeric scores are ordered by the elements' bytes; ALPHA
//     compares C strings (strcoll, the "C"/C.UTF-8 collation, stops at a
//     NUL byte) unless STORE is given, which compares bytes;
//   - the order of ties that remain (ALPHA BY) is the one glibc's merge
//     sort gives, or with BY and a LIMIT that one of Valkey's partial
//     quicksort (partialSort, also used by the geo commands).
//
// Locking: the keys the BY and GET patterns name are not known before the
// command runs, so the dispatcher locks every shard for SORT and SORT_RO
// (their key specs are incomplete; see keysIncomplete in dispatch.go).

import (
	"bytes"
	"math"
	"slices"

	"petrel/internal/errs"
	"petrel/internal/keyspace"
	"petrel/internal/num"
	"petrel/internal/server"
	"petrel/internal/types/zset"
)

func registerSort(r *server.Registry) {
	r.Handle("sort", cmdSort)
	r.Handle("sort_ro", cmdSortRO)
}

// SORT key [BY pattern] [LIMIT offset count] [GET pattern ...] [ASC|DESC] [ALPHA] [STORE destination]
func cmdSort(c *server.Ctx) { sortGeneric(c, false) }

// SORT_RO key [BY pattern] [LIMIT offset count] [GET pattern ...] [ASC|DESC] [ALPHA]
func cmdSortRO(c *server.Ctx) { sortGeneric(c, true) }

// sortItem is one element being sorted: its bytes, and what it sorts by.
type sortItem struct {
	elem  []byte
	score float64 // numeric sort
	by    []byte  // ALPHA BY: the BY value (nil when missing)
}

// sortOptions are SORT's parsed arguments.
type sortOptions struct {
	desc, alpha bool
	dontSort    bool // a BY pattern without "*" was given
	start       int64
	count       int64
	by          []byte
	gets        [][]byte
	store       []byte
}

// parseSortOptions reads SORT's options as Valkey does (the first error
// wins; STORE is unknown to SORT_RO).
func parseSortOptions(args [][]byte, readonly bool) (sortOptions, error) {
	o := sortOptions{count: -1}
	for j := 2; j < len(args); j++ {
		a := args[j]
		left := len(args) - j - 1
		switch {
		case isKeyword(a, "asc"):
			o.desc = false
		case isKeyword(a, "desc"):
			o.desc = true
		case isKeyword(a, "alpha"):
			o.alpha = true
		case isKeyword(a, "limit") && left >= 2:
			var ok bool
			if o.start, ok = num.ParseInt(args[j+1]); !ok {
				return o, errs.NotInteger
			}
			if o.count, ok = num.ParseInt(args[j+2]); !ok {
				return o, errs.NotInteger
			}
			j += 2
		case !readonly && isKeyword(a, "store") && left >= 1:
			o.store = args[j+1]
			j++
		case isKeyword(a, "by") && left >= 1:
			o.by = args[j+1]
			// A constant pattern: there is nothing to sort by (and this
			// sticks even if a later BY has a "*", as in Valkey).
			if bytes.IndexByte(cstring(o.by), '*') < 0 {
				o.dontSort = true
			}
			j++
		case isKeyword(a, "get") && left >= 1:
			o.gets = append(o.gets, args[j+1])
			j++
		default:
			return o, errs.Syntax
		}
	}
	return o, nil
}

// cstring is b as C string functions see it: up to its first NUL byte.
func cstring(b []byte) []byte {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		return b[:i]
	}
	return b
}

func sortGeneric(c *server.Ctx, readonly bool) {
	o, err := parseSortOptions(c.Args, readonly)
	if err != nil {
		c.Error(err)
		return
	}
	e, found := c.DB.LookupRead(c.Args[1])
	typ := keyspace.TypeList // a missing key sorts as an empty list
	if found {
		typ = e.Type()
		switch typ {
		case keyspace.TypeList, keyspace.TypeSet, keyspace.TypeZSet:
		default:
			c.Error(errs.WrongType)
			return
		}
	}

	// A set has no order of its own: sort it when the result must be
	// the same everywhere (stored, or from a script).
	fromScript := c.Client != nil && c.Client.RunningScript()
	if o.dontSort && typ == keyspace.TypeSet && (o.store != nil || fromScript) {
		o.dontSort, o.alpha, o.by = false, true, nil
	}

	if typ == keyspace.TypeZSet {
		zs := e.Object().(*zsetValue)
		zs.ToSkiplist() // as Valkey's zsetConvert, visible in OBJECT ENCODING
		syncZSetEncoding(e, zs)
	}

	length := 0
	if found {
		length = sortedLen(e)
	}
	start, end := sortLimits(o.start, o.count, length)

	items := loadSortItems(e, found, &o, start, end)
	if o.dontSort && typ != keyspace.TypeSet {
		// The range was taken directly.
		end -= start
		start = 0
	}

	convErr := false
	if !o.dontSort {
		convErr = scoreSortItems(c, items, &o)
		cmp := sortComparator(&o)
		if o.by != nil && (start != 0 || end != len(items)-1) {
			partialSort(items, cmp, start, end)
		} else {
			slices.SortStableFunc(items, func(a, b sortItem) int { return cmp(&a, &b) })
		}
	}

	n := end - start + 1
	outLen := n
	if len(o.gets) > 0 {
		outLen = len(o.gets) * n
	}
	switch {
	case convErr:
		c.Error(errs.SortNotDouble)
	case o.store == nil:
		c.W.Array(outLen)
		for j := start; j <= end; j++ {
			if len(o.gets) == 0 {
				c.W.Bulk(items[j].elem)
			}
			for _, pat := range o.gets {
				if v, ok := lookupByPattern(c.DB, pat, items[j].elem); ok {
					c.W.Bulk(v)
				} else {
					c.W.Null()
				}
			}
		}
	default:
		vals := make([][]byte, 0, outLen)
		for j := start; j <= end; j++ {
			if len(o.gets) == 0 {
				vals = append(vals, items[j].elem)
			}
			for _, pat := range o.gets {
				v, _ := lookupByPattern(c.DB, pat, items[j].elem)
				vals = append(vals, v)
			}
		}
		storeSortResult(c, o.store, vals)
	}
}

// sortedLen is the number of elements of a list, set or sorted set.
func sortedLen(e keyspace.Entry) int {
	switch v := e.Object().(type) {
	case *listValue:
		return v.Len()
	case *setValue:
		return v.Len()
	case *zsetValue:
		return v.Len()
	}
	return 0
}

// sortLimits turns LIMIT offset count into the range [start, end] of the
// sorted elements to return, as Valkey clamps them (end < start: none).
func sortLimits(offset, count int64, length int) (start, end int) {
	n := int64(length)
	s := min(max(offset, 0), n)
	count = min(max(count, -1), n)
	e := s + count - 1
	if count < 0 {
		e = n - 1
	}
	if s >= n {
		s, e = n-1, n-2
	}
	if e >= n {
		e = n - 1
	}
	return int(s), int(e)
}

// loadSortItems reads the elements to sort. Without sorting (BY nosort) a
// list or sorted set yields just the range [start, end], in its order
// (reversed with DESC); otherwise every element, in storage order.
func loadSortItems(e keyspace.Entry, found bool, o *sortOptions, start, end int) []sortItem {
	if !found {
		return nil
	}
	var arena []byte // the elements' bytes, copied: a STORE may replace the key
	var lens []int
	add := func(b []byte) {
		arena = append(arena, b...)
		lens = append(lens, len(b))
	}
	direct := o.dontSort && e.Type() != keyspace.TypeSet // take the range directly
	switch v := e.Object().(type) {
	case *listValue:
		var buf [24]byte
		switch {
		case direct && end >= start:
			idx := start
			if o.desc {
				idx = v.Len() - start - 1
			}
			it := v.IterFrom(idx, o.desc)
			for k := start; k <= end; k++ {
				val, ok := it.Next()
				if !ok {
					break
				}
				add(val.Append(buf[:0]))
			}
		case direct:
		default:
			if v.Len() > 0 {
				it := v.IterFrom(0, false)
				for val, ok := it.Next(); ok; val, ok = it.Next() {
					add(val.Append(buf[:0]))
				}
			}
		}
	case *setValue:
		v.Each(func(m []byte) bool {
			add(m)
			return true
		})
	case *zsetValue:
		switch {
		case direct && end >= start:
			v.RangeByRank(start, end, o.desc, func(m []byte, _ float64) { add(m) })
		case direct:
		default:
			v.Each(func(m []byte, _ float64) bool {
				add(m)
				return true
			})
		}
	}
	items := make([]sortItem, len(lens))
	off := 0
	for i, l := range lens {
		items[i].elem = arena[off : off+l : off+l]
		off += l
	}
	return items
}

// scoreSortItems fills in what each element sorts by, and reports whether
// some numeric value is not a double.
func scoreSortItems(c *server.Ctx, items []sortItem, o *sortOptions) (convErr bool) {
	for i := range items {
		it := &items[i]
		val := it.elem
		if o.by != nil {
			v, ok := lookupByPattern(c.DB, o.by, it.elem)
			if !ok {
				continue // missing: score 0, or the smallest for ALPHA
			}
			val = v
		}
		if o.alpha {
			if o.by != nil {
				it.by = val
			}
			continue
		}
		f, ok := sortDouble(val)
		it.score = f
		if !ok {
			convErr = true
		}
	}
	return convErr
}

// sortDouble parses a value to sort by as Valkey's strtod check: the C
// string must convert entirely, without overflow or underflow, and not to
// NaN (an empty string reads as 0).
func sortDouble(b []byte) (float64, bool) {
	b = cstring(b)
	f, n, erange := zset.Strtod(b)
	return f, n == len(b) && !erange && !math.IsNaN(f)
}

// sortComparator is Valkey's sortCompare for the options.
func sortComparator(o *sortOptions) func(a, b *sortItem) int {
	store := o.store != nil
	byPattern := o.by != nil
	return func(a, b *sortItem) int {
		var r int
		switch {
		case !o.alpha:
			switch {
			case a.score > b.score:
				r = 1
			case a.score < b.score:
				r = -1
			default: // equal: by the elements, so the result is deterministic
				r = bytes.Compare(a.elem, b.elem)
			}
		case byPattern:
			switch {
			case a.by == nil || b.by == nil:
				switch {
				case a.by == nil && b.by == nil:
					r = 0
				case a.by == nil:
					r = -1
				default:
					r = 1
				}
			case store:
				r = bytes.Compare(a.by, b.by)
			default:
				r = bytes.Compare(cstring(a.by), cstring(b.by))
			}
		case store:
			r = bytes.Compare(a.elem, b.elem)
		default:
			r = bytes.Compare(cstring(a.elem), cstring(b.elem))
		}
		if o.desc {
			r = -r
		}
		return r
	}
}

// lookupByPattern is Valkey's lookupKeyByPattern: "#" is the element
// itself; otherwise the first "*" of the pattern is replaced by the
// element and the key read: a string's value, or with "->field" after the
// "*" a hash field's value. ok is false when there is no such value (no
// "*", missing key or field, wrong type). The value is a copy.
func lookupByPattern(db keyspace.DB, pat, elem []byte) ([]byte, bool) {
	cpat := cstring(pat) // Valkey searches the pattern with C string functions
	if len(cpat) == 1 && cpat[0] == '#' {
		return elem, true
	}
	star := bytes.IndexByte(cpat, '*')
	if star < 0 {
		return nil, false
	}
	var field []byte
	keyEnd := len(pat)
	if f := bytes.Index(cpat[star+1:], []byte("->")); f >= 0 && star+1+f+2 < len(cpat) {
		at := star + 1 + f
		field = pat[at+2:] // to the end of the whole pattern
		keyEnd = at
	}
	key := make([]byte, 0, star+len(elem)+keyEnd-star-1)
	key = append(key, pat[:star]...)
	key = append(key, elem...)
	key = append(key, pat[star+1:keyEnd]...)

	e, ok := db.LookupRead(key)
	if !ok {
		return nil, false
	}
	if field != nil {
		if e.Type() != keyspace.TypeHash {
			return nil, false
		}
		h := e.Object().(hashObject).Hash
		v, ok := h.Get(field, db.Now)
		if !ok {
			return nil, false
		}
		return append([]byte(nil), v...), true
	}
	if e.Type() != keyspace.TypeString {
		return nil, false
	}
	return e.AppendString(nil), true
}

// storeSortResult stores vals as a list under dst (replacing it), or
// deletes dst when there are none; the reply is their number.
func storeSortResult(c *server.Ctx, dst []byte, vals [][]byte) {
	if len(vals) == 0 {
		if c.DB.Delete(dst) {
			c.Modified(dst, "del")
		}
		c.W.Int(0)
		return
	}
	cfg := listConfig(c)
	l := newListValue()
	l.Push(&cfg, false, vals...)
	c.DB.SetObject(dst, keyspace.TypeList, listEncoding(l), l, 0)
	c.DB.SignalReady(dst)
	c.Modified(dst, "sortstore")
	c.ModifiedN(int64(len(vals) - 1)) // Valkey counts every element stored
	c.W.Int(int64(len(vals)))
}

// partialSort sorts a so that its elements lo..hi are those a full sort
// would put there, in order: Valkey's pqsort (Bentley & McIlroy's
// quicksort that skips the partitions outside lo..hi). The result,
// including the order of equal elements, is the one Valkey gets.
func partialSort[T any](a []T, cmp func(x, y *T) int, lo, hi int) {
	pqsort(a, 0, len(a), cmp, lo, hi)
}

// pqsort sorts a[base:base+n].
func pqsort[T any](a []T, base, n int, cmp func(x, y *T) int, lo, hi int) {
	swap := func(i, j int) { a[i], a[j] = a[j], a[i] }
	vecswap := func(i, j, k int) {
		for ; k > 0; k-- {
			swap(i, j)
			i++
			j++
		}
	}
	med3 := func(i, j, k int) int {
		if cmp(&a[i], &a[j]) < 0 {
			if cmp(&a[j], &a[k]) < 0 {
				return j
			}
			if cmp(&a[i], &a[k]) < 0 {
				return k
			}
			return i
		}
		if cmp(&a[j], &a[k]) > 0 {
			return j
		}
		if cmp(&a[i], &a[k]) < 0 {
			return i
		}
		return k
	}
	// outside reports whether the range lo..hi misses a[first:first+k].
	outside := func(first, k int) bool {
		last := first + k - 1
		return (lo < first && hi < first) || (lo > last && hi > last)
	}
	for {
		if n < 7 { // insertion sort
			for pm := base + 1; pm < base+n; pm++ {
				for pl := pm; pl > base && cmp(&a[pl-1], &a[pl]) > 0; pl-- {
					swap(pl, pl-1)
				}
			}
			return
		}
		pm := base + n/2
		if n > 7 {
			pl, pn := base, base+n-1
			if n > 40 {
				d := n / 8
				pl = med3(pl, pl+d, pl+2*d)
				pm = med3(pm-d, pm, pm+d)
				pn = med3(pn-2*d, pn-d, pn)
			}
			pm = med3(pl, pm, pn)
		}
		swap(base, pm)
		pa, pb := base+1, base+1
		pc, pd := base+n-1, base+n-1
		for {
			for pb <= pc {
				r := cmp(&a[pb], &a[base])
				if r > 0 {
					break
				}
				if r == 0 {
					swap(pa, pb)
					pa++
				}
				pb++
			}
			for pb <= pc {
				r := cmp(&a[pc], &a[base])
				if r < 0 {
					break
				}
				if r == 0 {
					swap(pc, pd)
					pd--
				}
				pc--
			}
			if pb > pc {
				break
			}
			swap(pb, pc)
			pb++
			pc--
		}
		pn := base + n
		r := min(pa-base, pb-pa)
		vecswap(base, pb-r, r)
		r = min(pd-pc, pn-pd-1)
		vecswap(pb, pn-r, r)
		if r = pb - pa; r > 1 && !outside(base, r) {
			pqsort(a, base, r, cmp, lo, hi)
		}
		r = pd - pc
		if r <= 1 {
			return
		}
		// Iterate rather than recurse on the second partition.
		base, n = pn-r, r
		if outside(base, n) {
			return
		}
	}
}
