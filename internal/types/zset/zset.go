package zset

import (
	"encoding/binary"
	"math"
	"math/rand/v2"

	"petrel/internal/num"
	"petrel/internal/types/set/listpack"
	"petrel/internal/types/set/strtab"
)

// Encoding is a sorted set's representation.
type Encoding uint8

// Encodings.
const (
	Listpack Encoding = iota
	Skiplist
)

// Limits are the conversion thresholds (zset-max-listpack-entries/-value).
type Limits struct {
	ListpackEntries int
	ListpackValue   int
}

// lpHeader is a listpack's header and end marker; lpPairOverhead is a
// (member, score) pair's bytes besides the member's: the member entry's
// header and back-length (2 for up to 63 bytes) and a score entry holding
// an integer below 4096 (3).
const (
	lpHeader       = 7
	lpPairOverhead = 5
)

// DefaultLimits are Valkey's defaults.
var DefaultLimits = Limits{ListpackEntries: 128, ListpackValue: 64}

// ZSet is a sorted set. A listpack-encoded one is a 32-byte header and
// its listpack; the skiplist encoding hangs off big.
type ZSet struct {
	lp   []byte // listpack encoding (big is nil)
	*big        // skiplist encoding
}

// big is the skiplist encoding: the member dictionary, holding each
// score as an 8-byte payload, and the ordered index.
type big struct {
	tab *strtab.Table
	tr  tree
}

// New returns an empty sorted set for about hint members of up to
// valLen bytes (zsetTypeCreate).
func New(hint, valLen int, lim Limits) *ZSet {
	// One call and a literal: small enough to inline, so that a caller
	// copying the result into its own value allocates no ZSet.
	lp, b := newParts(hint, valLen, lim)
	return &ZSet{lp: lp, big: b}
}

// newParts makes New's encoding: a listpack with room for hint pairs of
// valLen-byte members and small integer scores (so that building it does
// not reallocate it at every insert, each copy garbage until the next
// GC), or the skiplist encoding.
func newParts(hint, valLen int, lim Limits) ([]byte, *big) {
	if hint <= lim.ListpackEntries && valLen <= lim.ListpackValue {
		return listpack.NewCap(lpHeader + hint*(valLen+lpPairOverhead)), nil
	}
	return nil, newBig(hint)
}

// NewSkiplist returns an empty skiplist-encoded sorted set sized for hint.
func NewSkiplist(hint int) *ZSet { return &ZSet{big: newBig(hint)} }

func newBig(hint int) *big {
	b := &big{tab: strtab.New(8, hint)}
	b.tr.tab = b.tab
	return b
}

// Encoding is the current representation.
func (z *ZSet) Encoding() Encoding {
	if z.big == nil {
		return Listpack
	}
	return Skiplist
}

// Len is the number of members.
func (z *ZSet) Len() int {
	if z.big == nil {
		return listpack.Len(z.lp) / 2
	}
	return z.tr.n
}

// MaybeConvert converts a listpack to a skiplist when about hint members
// of up to valLen bytes are going to be added and would not fit
// (zsetTypeMaybeConvert).
func (z *ZSet) MaybeConvert(hint, valLen int, lim Limits) {
	if z.big == nil && (hint > lim.ListpackEntries || valLen > lim.ListpackValue) {
		z.toSkiplist(hint)
	}
}

func (z *ZSet) toSkiplist(hint int) {
	nz := NewSkiplist(max(hint, z.Len()))
	z.Each(func(m []byte, s float64) bool {
		nz.slInsert(s, m)
		return true
	})
	*z = *nz
}

// ToListpackIfFits converts a skiplist to a listpack when it has at most
// zset-max-listpack-entries members, none longer than the value limit
// (maxLen is the longest, total their sum), as zsetConvertToListpackIfNeeded.
func (z *ZSet) ToListpackIfFits(maxLen, total int, lim Limits) {
	if z.big == nil || z.tr.n > lim.ListpackEntries || maxLen > lim.ListpackValue || !listpack.SafeToAdd(nil, total) {
		return
	}
	lp := listpack.New()
	for p := z.tr.first(); p.valid(); p = p.next() {
		lp = lpAppendPair(lp, z.tr.member(p), p.score())
	}
	*z = ZSet{lp: lp}
}

// ---- listpack helpers ----

// double2ll reports whether f is integral and within ±LLONG_MAX/2
// (Valkey's double2ll), and its value.
func double2ll(f float64) (int64, bool) {
	const half = float64(math.MaxInt64 / 2)
	if f < -half || f > half {
		return 0, false
	}
	v := int64(f)
	return v, float64(v) == f
}

// lpScoreBytes encodes a score entry's value: an integer, or d2string text.
func appendScoreEntry(lp []byte, at int, s float64) []byte {
	if v, ok := double2ll(s); ok {
		lp, _ = listpack.InsertInt(lp, at, v)
		return lp
	}
	var buf [32]byte
	lp, _ = listpack.Insert(lp, at, num.AppendDouble(buf[:0], s))
	return lp
}

func lpAppendPair(lp, m []byte, s float64) []byte {
	lp = listpack.Append(lp, m)
	return appendScoreEntry(lp, listpack.End(lp), s)
}

// lpInsertAt inserts (m, s) before the member entry at e (listpack.End to
// append).
func lpInsertAt(lp []byte, e int, m []byte, s float64) []byte {
	lp, e = listpack.Insert(lp, e, m)
	return appendScoreEntry(lp, listpack.Next(lp, e), s)
}

// lpScore reads the score entry at p (zzlGetScore).
func lpScore(lp []byte, p int) float64 {
	b, v, isInt := listpack.Get(lp, p)
	if isInt {
		return float64(v)
	}
	if len(b) > 127 {
		b = b[:127]
	}
	f, _, _ := strtod(b)
	return f
}

// lpScoreText is the score entry at p as stored (ZSCAN on a listpack).
func lpScoreText(lp []byte, p int, buf []byte) []byte {
	return listpack.GetBytes(lp, p, buf)
}

// lpFind finds member m: the position of its entry and its score.
func (z *ZSet) lpFind(m []byte) (int, float64, bool) {
	p := listpack.First(z.lp)
	if p < 0 {
		return -1, 0, false
	}
	if p = listpack.Find(z.lp, p, m, 1); p < 0 {
		return -1, 0, false
	}
	return p, lpScore(z.lp, listpack.Next(z.lp, p)), true
}

// lpInsert inserts (m, s) in order (zzlInsert); m must be absent.
func (z *ZSet) lpInsert(m []byte, s float64) {
	lp := z.lp
	var buf [20]byte
	for e := listpack.First(lp); e >= 0; {
		sp := listpack.Next(lp, e)
		cur := lpScore(lp, sp)
		if cur > s || (cur == s && compare(listpack.GetBytes(lp, e, buf[:]), m) > 0) {
			z.lp = lpInsertAt(lp, e, m, s)
			return
		}
		e = listpack.Next(lp, sp)
	}
	z.lp = lpAppendPair(lp, m, s)
}

// ---- skiplist helpers ----

func (z *ZSet) recScore(ref uint32) float64 {
	return math.Float64frombits(binary.LittleEndian.Uint64(z.tab.Payload(ref)))
}

func (z *ZSet) setRecScore(ref uint32, s float64) {
	binary.LittleEndian.PutUint64(z.tab.Payload(ref), math.Float64bits(s))
}

// slInsert adds a new member to the skiplist encoding.
func (z *ZSet) slInsert(s float64, m []byte) {
	ref, _ := z.tab.Insert(m)
	z.setRecScore(ref, s)
	z.tr.insert(s, z.tab.Key(ref), ref)
}

// slDelete removes member m; false if absent.
func (z *ZSet) slDelete(m []byte) bool {
	ref, ok := z.tab.Find(m)
	if !ok {
		return false
	}
	s := z.recScore(ref)
	z.tr.delete(s, z.tab.Key(ref), ref)
	z.tab.Delete(m)
	return true
}

// maintain shrinks and compacts the dictionary after deletions.
func (z *ZSet) maintain() {
	if z.big == nil || !z.tab.MaybeShrink() {
		return
	}
	old := z.tab.Compact()
	z.tr.remap(old.Forward)
}

// ---- membership ----

// Score returns member m's score.
func (z *ZSet) Score(m []byte) (float64, bool) {
	if z.big == nil {
		_, s, ok := z.lpFind(m)
		return s, ok
	}
	ref, ok := z.tab.Find(m)
	if !ok {
		return 0, false
	}
	return z.recScore(ref), true
}

// ZADD input flags.
const (
	FlagIncr = 1 << iota
	FlagNX
	FlagXX
	FlagGT
	FlagLT
)

// ZADD result flags.
const (
	OutAdded = 1 << iota
	OutUpdated
	OutNop
	OutNaN
)

// Add adds or updates member m with score s under the ZADD flags, as
// Valkey's zsetAdd. It returns the result flags and the member's new score
// (set when added or updated, or for an increment). OutNaN means the
// operation failed: the score, or the incremented score, is NaN.
func (z *ZSet) Add(s float64, m []byte, flags int, lim Limits) (int, float64) {
	incr := flags&FlagIncr != 0
	nx, xx := flags&FlagNX != 0, flags&FlagXX != 0
	gt, lt := flags&FlagGT != 0, flags&FlagLT != 0
	if math.IsNaN(s) {
		return OutNaN, 0
	}
	if z.big == nil {
		if e, cur, ok := z.lpFind(m); ok {
			if nx {
				return OutNop, 0
			}
			if incr {
				s += cur
				if math.IsNaN(s) {
					return OutNaN, 0
				}
			}
			if (lt && s >= cur) || (gt && s <= cur) {
				return OutNop, 0
			}
			if s != cur {
				z.lp = listpack.Delete(z.lp, e, 2)
				z.lpInsert(m, s)
				return OutUpdated, s
			}
			return 0, s
		}
		if xx {
			return OutNop, 0
		}
		if listpack.Len(z.lp)/2+1 > lim.ListpackEntries || len(m) > lim.ListpackValue || !listpack.SafeToAdd(z.lp, len(m)) {
			z.toSkiplist(z.Len() + 1)
		} else {
			z.lpInsert(m, s)
			return OutAdded, s
		}
	}
	ref, ok := z.tab.Find(m)
	if ok {
		if nx {
			return OutNop, 0
		}
		cur := z.recScore(ref)
		if incr {
			s += cur
			if math.IsNaN(s) {
				return OutNaN, 0
			}
		}
		if (lt && s >= cur) || (gt && s <= cur) {
			return OutNop, 0
		}
		if s != cur {
			key := z.tab.Key(ref)
			if !z.tr.updateInPlace(cur, key, ref, s) {
				z.tr.delete(cur, key, ref)
				z.tr.insert(s, key, ref)
			}
			z.setRecScore(ref, s)
			return OutUpdated, s
		}
		return 0, s
	}
	if xx {
		return OutNop, 0
	}
	z.slInsert(s, m)
	return OutAdded, s
}

// Insert adds member m (absent) with score s, keeping the encoding's
// limits (a listpack past them becomes a skiplist).
func (z *ZSet) Insert(s float64, m []byte, lim Limits) { z.Add(s, m, 0, lim) }

// Delete removes member m; false if it was absent.
func (z *ZSet) Delete(m []byte) bool {
	if z.big == nil {
		e, _, ok := z.lpFind(m)
		if ok {
			z.lp = listpack.Delete(z.lp, e, 2)
		}
		return ok
	}
	if !z.slDelete(m) {
		return false
	}
	z.maintain()
	return true
}

// Rank returns member m's 0-based rank (from the highest score when
// reverse) and its score.
func (z *ZSet) Rank(m []byte, reverse bool) (int, float64, bool) {
	n := z.Len()
	if z.big == nil {
		r := 0
		mt := listpack.NewMatcher(m)
		for e := listpack.First(z.lp); e >= 0; r++ {
			sp := listpack.Next(z.lp, e)
			if mt.Match(z.lp, e) {
				s := lpScore(z.lp, sp)
				if reverse {
					return n - 1 - r, s, true
				}
				return r, s, true
			}
			e = listpack.Next(z.lp, sp)
		}
		return -1, 0, false
	}
	ref, ok := z.tab.Find(m)
	if !ok {
		return -1, 0, false
	}
	s := z.recScore(ref)
	r := z.tr.rank(s, z.tab.Key(ref), ref)
	if reverse {
		r = n - 1 - r
	}
	return r, s, true
}

// ---- iteration ----

// Each calls fn with every member in order until fn returns false.
func (z *ZSet) Each(fn func(m []byte, s float64) bool) {
	if z.big == nil {
		var buf [20]byte
		for e := listpack.First(z.lp); e >= 0; {
			sp := listpack.Next(z.lp, e)
			if !fn(listpack.GetBytes(z.lp, e, buf[:]), lpScore(z.lp, sp)) {
				return
			}
			e = listpack.Next(z.lp, sp)
		}
		return
	}
	for p := z.tr.first(); p.valid(); p = p.next() {
		if !fn(z.tr.member(p), p.score()) {
			return
		}
	}
}

// EachReverse is Each from the highest score down (the order Valkey's
// zuiNext walks a sorted set).
func (z *ZSet) EachReverse(fn func(m []byte, s float64) bool) {
	if n := z.Len(); n > 0 {
		stop := false
		z.RangeByRank(0, n-1, true, func(m []byte, s float64) {
			if !stop && !fn(m, s) {
				stop = true
			}
		})
	}
}

// RangeByRank emits the members of ranks start..end (0 <= start <= end <
// Len), from the highest score when reverse.
func (z *ZSet) RangeByRank(start, end int, reverse bool, fn func(m []byte, s float64)) {
	n := end - start + 1
	if z.big == nil {
		var buf [20]byte
		var e int
		if reverse {
			e = listpack.Seek(z.lp, -2-2*start)
		} else {
			e = listpack.Seek(z.lp, 2*start)
		}
		for ; n > 0; n-- {
			sp := listpack.Next(z.lp, e)
			fn(listpack.GetBytes(z.lp, e, buf[:]), lpScore(z.lp, sp))
			if reverse {
				e = listpack.Prev(z.lp, e)
				if e >= 0 {
					e = listpack.Prev(z.lp, e)
				}
			} else {
				e = listpack.Next(z.lp, sp)
			}
		}
		return
	}
	var p pos
	if reverse {
		p = z.tr.at(z.tr.n - 1 - start)
	} else {
		p = z.tr.at(start)
	}
	for ; n > 0 && p.valid(); n-- {
		fn(z.tr.member(p), p.score())
		if reverse {
			p = p.prev()
		} else {
			p = p.next()
		}
	}
}

// lpFirstInRange is zzlFirstInRange: the first member entry whose score is
// in range, or -1.
func (z *ZSet) lpFirstInRange(r *ScoreRange) int {
	if r.Empty() {
		return -1
	}
	for e := listpack.First(z.lp); e >= 0; {
		sp := listpack.Next(z.lp, e)
		s := lpScore(z.lp, sp)
		if r.GteMin(s) {
			if r.LteMax(s) {
				return e
			}
			return -1
		}
		e = listpack.Next(z.lp, sp)
	}
	return -1
}

// lpLastInRange is zzlLastInRange.
func (z *ZSet) lpLastInRange(r *ScoreRange) int {
	if r.Empty() {
		return -1
	}
	for e := listpack.Seek(z.lp, -2); e >= 0; {
		sp := listpack.Next(z.lp, e)
		s := lpScore(z.lp, sp)
		if r.LteMax(s) {
			if r.GteMin(s) {
				return e
			}
			return -1
		}
		e = lpPrevPair(z.lp, e)
	}
	return -1
}

// lpPrevPair is the member entry of the pair before the one at e, or -1.
func lpPrevPair(lp []byte, e int) int {
	p := listpack.Prev(lp, e)
	if p < 0 {
		return -1
	}
	return listpack.Prev(lp, p)
}

func (z *ZSet) lpFirstInLexRange(r *LexRange) int {
	if r.Empty() {
		return -1
	}
	var buf [20]byte
	for e := listpack.First(z.lp); e >= 0; {
		m := listpack.GetBytes(z.lp, e, buf[:])
		if r.GteMin(m) {
			if r.LteMax(m) {
				return e
			}
			return -1
		}
		e = listpack.Next(z.lp, listpack.Next(z.lp, e))
	}
	return -1
}

func (z *ZSet) lpLastInLexRange(r *LexRange) int {
	if r.Empty() {
		return -1
	}
	var buf [20]byte
	for e := listpack.Seek(z.lp, -2); e >= 0; e = lpPrevPair(z.lp, e) {
		m := listpack.GetBytes(z.lp, e, buf[:])
		if r.LteMax(m) {
			if r.GteMin(m) {
				return e
			}
			return -1
		}
	}
	return -1
}

// nthInRange finds the n-th entry in the range (a skiplist's
// zslNthInRange / zslNthInLexRange): n >= 0 counts from the first entry in
// range, n < 0 from the last (-1 the last). gte/lte test the range bounds.
func (z *ZSet) nthInRange(n int, gte, lte func(s float64, ref uint32) bool, empty bool) pos {
	t := &z.tr
	if empty || t.n == 0 {
		return pos{}
	}
	// Is any part in range? (zslIsInRange)
	if l := t.last(); !gte(l.score(), l.ref()) {
		return pos{}
	}
	if f := t.first(); !lte(f.score(), f.ref()) {
		return pos{}
	}
	if n >= 0 {
		p, start := t.seek(gte) // start: entries before the range
		if start+n >= t.n {
			return pos{}
		}
		if n > 0 { // without an offset the seek's position is the answer
			p = t.at(start + n)
		}
		if !lte(p.score(), p.ref()) {
			return pos{}
		}
		return p
	}
	p, end := t.seek(func(s float64, ref uint32) bool { return !lte(s, ref) }) // end: entries up to the range's end
	if end < -n {
		return pos{}
	}
	switch {
	case n < -1:
		p = t.at(end + n)
	case p.valid():
		p = p.prev()
	default:
		p = t.last()
	}
	if !gte(p.score(), p.ref()) {
		return pos{}
	}
	return p
}

// RangeByScore emits up to limit (negative: all) members in range after
// skipping offset of them, from the highest when reverse; it returns the
// number emitted. A negative offset behaves as each encoding does in
// Valkey (see the package comment).
func (z *ZSet) RangeByScore(r ScoreRange, offset, limit int, reverse bool, fn func(m []byte, s float64)) int {
	if offset > 0 && offset >= z.Len() {
		return 0
	}
	emitted := 0
	if z.big == nil {
		var e int
		if reverse {
			e = z.lpLastInRange(&r)
		} else {
			e = z.lpFirstInRange(&r)
		}
		for ; e >= 0 && offset != 0; offset-- {
			if reverse {
				e = lpPrevPair(z.lp, e)
			} else {
				e = listpack.Next(z.lp, listpack.Next(z.lp, e))
			}
		}
		var buf [20]byte
		for ; e >= 0 && limit != 0; limit-- {
			sp := listpack.Next(z.lp, e)
			s := lpScore(z.lp, sp)
			if reverse && !r.GteMin(s) || !reverse && !r.LteMax(s) {
				break
			}
			fn(listpack.GetBytes(z.lp, e, buf[:]), s)
			emitted++
			if reverse {
				e = lpPrevPair(z.lp, e)
			} else {
				e = listpack.Next(z.lp, sp)
			}
		}
		return emitted
	}
	gte := func(s float64, _ uint32) bool { return r.GteMin(s) }
	lte := func(s float64, _ uint32) bool { return r.LteMax(s) }
	var p pos
	if reverse {
		p = z.nthInRange(-offset-1, gte, lte, r.Empty())
	} else {
		p = z.nthInRange(offset, gte, lte, r.Empty())
	}
	for ; p.valid() && limit != 0; limit-- {
		s := p.score()
		if reverse && !r.GteMin(s) || !reverse && !r.LteMax(s) {
			break
		}
		fn(z.tr.member(p), s)
		emitted++
		if reverse {
			p = p.prev()
		} else {
			p = p.next()
		}
	}
	return emitted
}

// RangeByLex is RangeByScore for a member range.
func (z *ZSet) RangeByLex(r LexRange, offset, limit int, reverse bool, fn func(m []byte, s float64)) int {
	emitted := 0
	if z.big == nil {
		var e int
		if reverse {
			e = z.lpLastInLexRange(&r)
		} else {
			e = z.lpFirstInLexRange(&r)
		}
		for ; e >= 0 && offset != 0; offset-- {
			if reverse {
				e = lpPrevPair(z.lp, e)
			} else {
				e = listpack.Next(z.lp, listpack.Next(z.lp, e))
			}
		}
		var buf [20]byte
		for ; e >= 0 && limit != 0; limit-- {
			sp := listpack.Next(z.lp, e)
			m := listpack.GetBytes(z.lp, e, buf[:])
			if reverse && !r.GteMin(m) || !reverse && !r.LteMax(m) {
				break
			}
			fn(m, lpScore(z.lp, sp))
			emitted++
			if reverse {
				e = lpPrevPair(z.lp, e)
			} else {
				e = listpack.Next(z.lp, sp)
			}
		}
		return emitted
	}
	gte := func(_ float64, ref uint32) bool { return r.GteMin(z.tab.Key(ref)) }
	lte := func(_ float64, ref uint32) bool { return r.LteMax(z.tab.Key(ref)) }
	var p pos
	if reverse {
		p = z.nthInRange(-offset-1, gte, lte, r.Empty())
	} else {
		p = z.nthInRange(offset, gte, lte, r.Empty())
	}
	for ; p.valid() && limit != 0; limit-- {
		m := z.tr.member(p)
		if reverse && !r.GteMin(m) || !reverse && !r.LteMax(m) {
			break
		}
		fn(m, p.score())
		emitted++
		if reverse {
			p = p.prev()
		} else {
			p = p.next()
		}
	}
	return emitted
}

// CountByScore is ZCOUNT.
func (z *ZSet) CountByScore(r ScoreRange) int {
	if z.big == nil {
		n := 0
		for e := z.lpFirstInRange(&r); e >= 0; {
			sp := listpack.Next(z.lp, e)
			if !r.LteMax(lpScore(z.lp, sp)) {
				break
			}
			n++
			e = listpack.Next(z.lp, sp)
		}
		return n
	}
	if r.Empty() {
		return 0
	}
	_, a := z.tr.seek(func(s float64, _ uint32) bool { return r.GteMin(s) })
	_, b := z.tr.seek(func(s float64, _ uint32) bool { return !r.LteMax(s) })
	return max(b-a, 0)
}

// CountByLex is ZLEXCOUNT.
func (z *ZSet) CountByLex(r LexRange) int {
	if z.big == nil {
		n := 0
		var buf [20]byte
		for e := z.lpFirstInLexRange(&r); e >= 0; {
			if !r.LteMax(listpack.GetBytes(z.lp, e, buf[:])) {
				break
			}
			n++
			e = listpack.Next(z.lp, listpack.Next(z.lp, e))
		}
		return n
	}
	first := z.nthInRange(0, func(_ float64, ref uint32) bool { return r.GteMin(z.tab.Key(ref)) },
		func(_ float64, ref uint32) bool { return r.LteMax(z.tab.Key(ref)) }, r.Empty())
	if !first.valid() {
		return 0
	}
	_, a := z.tr.seek(func(_ float64, ref uint32) bool { return r.GteMin(z.tab.Key(ref)) })
	_, b := z.tr.seek(func(_ float64, ref uint32) bool { return !r.LteMax(z.tab.Key(ref)) })
	return max(b-a, 0)
}

// ---- removal ----

// DeleteRangeByRank removes ranks start..end (0 <= start <= end < Len).
func (z *ZSet) DeleteRangeByRank(start, end int) int {
	n := end - start + 1
	if z.big == nil {
		z.lp = listpack.Delete(z.lp, listpack.Seek(z.lp, 2*start), 2*n)
		return n
	}
	z.deleteFrom(z.tr.at(start), n, nil)
	return n
}

// deleteFrom removes up to n entries from p on, while keep (if non-nil)
// holds; it returns how many.
func (z *ZSet) deleteFrom(p pos, n int, keep func(s float64, m []byte) bool) int {
	var members [][]byte
	for ; p.valid() && len(members) < n; p = p.next() {
		m := z.tr.member(p)
		if keep != nil && !keep(p.score(), m) {
			break
		}
		members = append(members, m)
	}
	// Deleting frees no record bytes before maintain, so the member
	// slices stay valid through the loop.
	for _, m := range members {
		z.slDelete(m)
	}
	z.maintain()
	return len(members)
}

// DeleteRangeByScore removes the members whose scores are in range.
func (z *ZSet) DeleteRangeByScore(r ScoreRange) int {
	if z.big == nil {
		deleted := 0
		e := z.lpFirstInRange(&r)
		for e >= 0 {
			if !r.LteMax(lpScore(z.lp, listpack.Next(z.lp, e))) {
				break
			}
			z.lp = listpack.Delete(z.lp, e, 2)
			deleted++
			if z.lp[e] == 0xFF {
				break
			}
		}
		return deleted
	}
	if r.Empty() {
		return 0
	}
	p, _ := z.tr.seek(func(s float64, _ uint32) bool { return r.GteMin(s) })
	return z.deleteFrom(p, z.tr.n, func(s float64, _ []byte) bool { return r.LteMax(s) })
}

// DeleteRangeByLex removes the members in the lex range.
func (z *ZSet) DeleteRangeByLex(r LexRange) int {
	if z.big == nil {
		deleted := 0
		var buf [20]byte
		e := z.lpFirstInLexRange(&r)
		for e >= 0 {
			if !r.LteMax(listpack.GetBytes(z.lp, e, buf[:])) {
				break
			}
			z.lp = listpack.Delete(z.lp, e, 2)
			deleted++
			if z.lp[e] == 0xFF {
				break
			}
		}
		return deleted
	}
	p := z.nthInRange(0, func(_ float64, ref uint32) bool { return r.GteMin(z.tab.Key(ref)) },
		func(_ float64, ref uint32) bool { return r.LteMax(z.tab.Key(ref)) }, r.Empty())
	if !p.valid() {
		return 0
	}
	return z.deleteFrom(p, z.tr.n, func(_ float64, m []byte) bool { return r.LteMax(m) })
}

// Pop removes the member with the lowest score (highest when max) and
// returns it (appended to buf[:0]) with its score. The set must not be
// empty.
func (z *ZSet) Pop(max bool, buf []byte) ([]byte, float64) {
	if z.big == nil {
		e := 0
		if max {
			e = listpack.Seek(z.lp, -2)
		} else {
			e = listpack.First(z.lp)
		}
		var tmp [20]byte
		m := append(buf[:0], listpack.GetBytes(z.lp, e, tmp[:])...)
		s := lpScore(z.lp, listpack.Next(z.lp, e))
		z.lp = listpack.Delete(z.lp, e, 2)
		return m, s
	}
	var p pos
	if max {
		p = z.tr.last()
	} else {
		p = z.tr.first()
	}
	m := append(buf[:0], z.tr.member(p)...)
	s := p.score()
	z.slDelete(m)
	z.maintain()
	return m, s
}

// ---- random ----

// Random returns a random member and its score (the set must not be
// empty); the member may alias buf or the set.
func (z *ZSet) Random(r *rand.Rand, buf []byte) ([]byte, float64) {
	if z.big == nil {
		e := listpack.Seek(z.lp, 2*r.IntN(z.Len()))
		return listpack.GetBytes(z.lp, e, buf), lpScore(z.lp, listpack.Next(z.lp, e))
	}
	ref := z.tab.Random(r)
	return z.tab.Key(ref), z.recScore(ref)
}

// zrandSubMul is Valkey's ZRANDMEMBER_SUB_STRATEGY_MUL.
const zrandSubMul = 3

// RandomDistinct emits count distinct random members, 0 < count < Len: a
// listpack in its order, a skiplist in random order.
func (z *ZSet) RandomDistinct(r *rand.Rand, count int, fn func(m []byte, s float64)) {
	size := z.Len()
	if z.big == nil {
		var buf [20]byte
		need, left := count, size
		for e := listpack.First(z.lp); e >= 0 && need > 0; {
			sp := listpack.Next(z.lp, e)
			if r.IntN(left) < need {
				fn(listpack.GetBytes(z.lp, e, buf[:]), lpScore(z.lp, sp))
				need--
			}
			left--
			e = listpack.Next(z.lp, sp)
		}
		return
	}
	if count*zrandSubMul > size {
		refs := make([]uint32, 0, size)
		z.tab.Each(func(ref uint32) bool {
			refs = append(refs, ref)
			return true
		})
		r.Shuffle(len(refs), func(i, j int) { refs[i], refs[j] = refs[j], refs[i] })
		for _, ref := range refs[:count] {
			fn(z.tab.Key(ref), z.recScore(ref))
		}
		return
	}
	seen := make(map[uint32]struct{}, count)
	for len(seen) < count {
		ref := z.tab.Random(r)
		if _, dup := seen[ref]; dup {
			continue
		}
		seen[ref] = struct{}{}
		fn(z.tab.Key(ref), z.recScore(ref))
	}
}

// Scan emits members and score texts for ZSCAN: a listpack emits all,
// scores as stored, and returns 0; a skiplist continues from cursor with
// scores formatted "%.17g".
func (z *ZSet) Scan(cursor uint64, count int, fn func(m, score []byte)) uint64 {
	if z.big == nil {
		var mb, sb [32]byte
		for e := listpack.First(z.lp); e >= 0; {
			sp := listpack.Next(z.lp, e)
			fn(listpack.GetBytes(z.lp, e, mb[:]), lpScoreText(z.lp, sp, sb[:]))
			e = listpack.Next(z.lp, sp)
		}
		return 0
	}
	var sb [32]byte
	return z.tab.Scan(cursor, count, func(ref uint32) {
		fn(z.tab.Key(ref), AppendScore17(sb[:0], z.recScore(ref)))
	})
}

// ---- whole value ----

// Clone returns an independent copy with the same encoding.
func (z *ZSet) Clone() *ZSet {
	if z.big == nil {
		return &ZSet{lp: append([]byte(nil), z.lp...)}
	}
	c := NewSkiplist(z.tr.n)
	// Insert from the highest down: each insert lands at the front, which
	// keeps the leaves full.
	for p := z.tr.last(); p.valid(); p = p.prev() {
		c.slInsert(p.score(), z.tr.member(p))
	}
	return c
}

// MemoryUsage estimates the bytes the sorted set holds (exact sizes of its
// buffers; samples is ignored).
func (z *ZSet) MemoryUsage(samples int) int {
	const header = 64
	if z.big == nil {
		return header + cap(z.lp)
	}
	return header + z.tab.MemoryUsage() + z.tr.nodeBytes()
}

// ListpackBytes returns the listpack of a listpack-encoded set.
func (z *ZSet) ListpackBytes() []byte { return z.lp }

// SerializedLength is the size in an RDB file without compression: the
// listpack blob, or the count then each member and its 8-byte binary score.
func (z *ZSet) SerializedLength() int {
	if z.big == nil {
		return rdbLenLen(len(z.lp)) + len(z.lp)
	}
	n := rdbLenLen(z.tr.n)
	z.Each(func(m []byte, _ float64) bool {
		n += rdbLenLen(len(m)) + len(m) + 8
		return true
	})
	return n
}

func rdbLenLen(n int) int {
	switch {
	case n < 1<<6:
		return 1
	case n < 1<<14:
		return 2
	case n <= 1<<32-1:
		return 5
	}
	return 9
}

// AppendFpconv formats f with the shortest round-trip digits laid out as
// Valkey's fpconv_dtoa (no integer shortcut): DEBUG DIGEST's score text.
func AppendFpconv(dst []byte, f float64) []byte {
	if math.IsInf(f, 0) || math.IsNaN(f) || f == 0 {
		return num.AppendDouble(dst, f)
	}
	return num.AppendFpconv(dst, f)
}
