package set

import (
	"math/rand/v2"
	"strconv"

	"petrel/internal/num"
	"petrel/internal/types/set/listpack"
	"petrel/internal/types/set/strtab"
)

// Encoding is a set's representation.
type Encoding uint8

// Encodings.
const (
	Intset Encoding = iota
	Listpack
	Hashtable
)

// Limits are the conversion thresholds (Valkey's set-max-* directives).
type Limits struct {
	IntsetEntries   int // set-max-intset-entries
	ListpackEntries int // set-max-listpack-entries
	ListpackValue   int // set-max-listpack-value
}

// DefaultLimits are Valkey's defaults.
var DefaultLimits = Limits{IntsetEntries: 512, ListpackEntries: 128, ListpackValue: 64}

func (l Limits) intsetMax() int { return min(l.IntsetEntries, 1<<30) }

// Set is a set of byte strings. Small sets are one byte slice (an intset
// or a listpack) in a 40-byte header: the set's whole footprint is the
// header, that slice and the keyspace record.
type Set struct {
	enc   Encoding
	width uint8  // intset: bytes per value
	b     []byte // intset: the packed values; listpack: the listpack
	ht    *strtab.Table
}

// New returns an empty set that can hold first, sized for about hint
// members (Valkey's setTypeCreate): an intset if first is an integer and
// hint fits one, else a listpack if hint fits one, else a hashtable.
func New(first []byte, hint int, lim Limits) *Set {
	if _, ok := num.ParseInt(first); ok && hint <= lim.IntsetEntries {
		return NewIntset()
	}
	if hint <= lim.ListpackEntries {
		return NewListpack(0)
	}
	return NewHashtable(hint)
}

// NewIntset returns an empty intset-encoded set.
func NewIntset() *Set { return &Set{enc: Intset} }

// NewListpack returns an empty listpack-encoded set with room for capacity
// bytes.
func NewListpack(capacity int) *Set { return &Set{enc: Listpack, b: listpack.NewCap(capacity)} }

// NewHashtable returns an empty hashtable-encoded set sized for hint.
func NewHashtable(hint int) *Set { return &Set{enc: Hashtable, ht: strtab.New(0, hint)} }

// Encoding is the current representation.
func (s *Set) Encoding() Encoding { return s.enc }

// Len is the number of members.
func (s *Set) Len() int {
	switch s.enc {
	case Intset:
		return s.isLen()
	case Listpack:
		return listpack.Len(s.b)
	}
	return s.ht.Len()
}

// MaybeConvert converts a small set to a hashtable when about hint members
// are going to be added and they would not fit (setTypeMaybeConvert).
func (s *Set) MaybeConvert(hint int, lim Limits) {
	if (s.enc == Listpack && hint > lim.ListpackEntries) || (s.enc == Intset && hint > lim.IntsetEntries) {
		s.toHashtable(hint)
	}
}

// toHashtable converts to a hashtable sized for hint members.
func (s *Set) toHashtable(hint int) {
	ht := strtab.New(0, max(hint, s.Len()))
	s.Each(func(m []byte) bool {
		ht.Insert(m)
		return true
	})
	*s = Set{enc: Hashtable, ht: ht}
}

// toListpack converts an intset to a listpack sized for hint members.
func (s *Set) toListpack(hint int) {
	capacity := 2 * hint
	if s.isLen() > 0 {
		capacity = max(estimateRepeated(s.isMin(), hint), estimateRepeated(s.isMax(), hint))
	}
	lp := listpack.NewCap(capacity)
	for i := 0; i < s.isLen(); i++ {
		lp = listpack.AppendInt(lp, s.isGet(i))
	}
	*s = Set{enc: Listpack, b: lp}
}

// estimateRepeated is lpEstimateBytesRepeatedInteger: the bytes of a
// listpack holding v n times.
func estimateRepeated(v int64, n int) int {
	return 6 + listpack.IntEntrySize(v)*n + 1
}

// digits is the length of v in decimal (sdigits10).
func digits(v int64) int {
	var buf [20]byte
	return len(strconv.AppendInt(buf[:0], v, 10))
}

// Add adds m; it reports whether m was new.
func (s *Set) Add(m []byte, lim Limits) bool {
	switch s.enc {
	case Hashtable:
		_, added := s.ht.Insert(m)
		return added
	case Listpack:
		if p := listpack.First(s.b); p >= 0 && listpack.Find(s.b, p, m, 0) >= 0 {
			return false
		}
		if listpack.Len(s.b) < lim.ListpackEntries && len(m) <= lim.ListpackValue && listpack.SafeToAdd(s.b, len(m)) {
			s.b = listpack.Append(s.b, m)
		} else {
			s.toHashtable(listpack.Len(s.b) + 1)
			s.ht.Insert(m)
		}
		return true
	}
	if v, ok := num.ParseInt(m); ok {
		return s.addIntsetInt(v, lim)
	}
	// A non-integer joins an intset: a listpack if everything fits one.
	maxLen, total := 0, 0
	if n := s.isLen(); n > 0 {
		maxLen = max(digits(s.isMax()), digits(s.isMin()))
		total = max(estimateRepeated(s.isMax(), n), estimateRepeated(s.isMin(), n))
	}
	if n := s.isLen(); n < lim.ListpackEntries && len(m) <= lim.ListpackValue && maxLen <= lim.ListpackValue &&
		listpack.SafeToAdd(nil, total+len(m)) {
		s.toListpack(n + 1)
		s.b = listpack.Append(s.b, m)
		s.b = shrink(s.b)
	} else {
		s.toHashtable(n + 1)
		s.ht.Insert(m)
	}
	return true
}

func (s *Set) addIntsetInt(v int64, lim Limits) bool {
	if !s.isAdd(v) {
		return false
	}
	if n := s.isLen(); n > lim.intsetMax() {
		s.toHashtable(n)
	}
	return true
}

// AddInt adds the integer v (as its decimal form).
func (s *Set) AddInt(v int64, lim Limits) bool {
	if s.enc == Intset {
		return s.addIntsetInt(v, lim)
	}
	var buf [20]byte
	return s.Add(strconv.AppendInt(buf[:0], v, 10), lim)
}

func shrink(lp []byte) []byte {
	if cap(lp) > len(lp) {
		return append(make([]byte, 0, len(lp)), lp...)
	}
	return lp
}

// Remove deletes m; it reports whether m was a member.
func (s *Set) Remove(m []byte) bool {
	switch s.enc {
	case Hashtable:
		if _, ok := s.ht.Delete(m); !ok {
			return false
		}
		s.afterHTDelete()
		return true
	case Listpack:
		p := listpack.First(s.b)
		if p < 0 {
			return false
		}
		if p = listpack.Find(s.b, p, m, 0); p < 0 {
			return false
		}
		s.b = listpack.Delete(s.b, p, 1)
		return true
	}
	v, ok := num.ParseInt(m)
	return ok && s.isRemove(v)
}

func (s *Set) afterHTDelete() {
	if s.ht.MaybeShrink() {
		s.ht.Compact()
	}
}

// Contains reports whether m is a member.
func (s *Set) Contains(m []byte) bool {
	switch s.enc {
	case Hashtable:
		_, ok := s.ht.Find(m)
		return ok
	case Listpack:
		p := listpack.First(s.b)
		return p >= 0 && listpack.Find(s.b, p, m, 0) >= 0
	}
	v, ok := num.ParseInt(m)
	return ok && s.isContains(v)
}

// ContainsInt reports whether the integer v is a member.
func (s *Set) ContainsInt(v int64) bool {
	if s.enc == Intset {
		return s.isContains(v)
	}
	var buf [20]byte
	return s.Contains(strconv.AppendInt(buf[:0], v, 10))
}

// Each calls fn with every member (integers formatted) until fn returns
// false: intsets in ascending order, listpacks in insertion order,
// hashtables in table order.
func (s *Set) Each(fn func(m []byte) bool) {
	var buf [20]byte
	s.EachRaw(func(m []byte, v int64, isInt bool) bool {
		if isInt {
			m = strconv.AppendInt(buf[:0], v, 10)
		}
		return fn(m)
	})
}

// EachRaw is Each with integers as they are stored (intset members and
// listpack integer entries come as v with isInt true, m nil).
func (s *Set) EachRaw(fn func(m []byte, v int64, isInt bool) bool) {
	switch s.enc {
	case Intset:
		for i := 0; i < s.isLen(); i++ {
			if !fn(nil, s.isGet(i), true) {
				return
			}
		}
	case Listpack:
		for p := listpack.First(s.b); p >= 0; p = listpack.Next(s.b, p) {
			m, v, isInt := listpack.Get(s.b, p)
			if !fn(m, v, isInt) {
				return
			}
		}
	default:
		s.ht.Each(func(ref uint32) bool { return fn(s.ht.Key(ref), 0, false) })
	}
}

// Random returns a random member (the set must not be empty), formatting
// integers into buf.
func (s *Set) Random(r *rand.Rand, buf []byte) []byte {
	switch s.enc {
	case Intset:
		return strconv.AppendInt(buf[:0], s.isRandom(r), 10)
	case Listpack:
		return listpack.GetBytes(s.b, listpack.Seek(s.b, r.IntN(listpack.Len(s.b))), buf)
	}
	return s.ht.Key(s.ht.Random(r))
}

// Pop removes and returns a random member (the set must not be empty). The
// result is appended to buf[:0].
func (s *Set) Pop(r *rand.Rand, buf []byte) []byte {
	switch s.enc {
	case Intset:
		v := s.isRandom(r)
		s.isRemove(v)
		return strconv.AppendInt(buf[:0], v, 10)
	case Listpack:
		p := listpack.Seek(s.b, r.IntN(listpack.Len(s.b)))
		var tmp [20]byte
		out := append(buf[:0], listpack.GetBytes(s.b, p, tmp[:])...)
		s.b = listpack.Delete(s.b, p, 1)
		return out
	}
	ref := s.ht.Random(r)
	out := append(buf[:0], s.ht.Key(ref)...)
	s.ht.DeleteRef(ref)
	s.afterHTDelete()
	return out
}

// spopMoveMul is Valkey's SPOP_MOVE_STRATEGY_MUL.
const spopMoveMul = 5

// PopN removes count random members, 0 < count < Len, calling emit with
// each (the slice is valid during the call). It follows Valkey's
// spopWithCountCommand: when few members remain it keeps a random
// `remaining` of them in a new set (which may have a smaller encoding) and
// emits the rest.
func (s *Set) PopN(r *rand.Rand, count int, lim Limits, emit func(m []byte)) {
	size := s.Len()
	remaining := size - count
	if remaining*spopMoveMul > count {
		if s.enc == Listpack {
			// One pass: pick count entries by selection sampling.
			var tmp [20]byte
			lp := s.b
			out := listpack.NewCap(len(lp))
			need, left := count, size
			for p := listpack.First(lp); p >= 0; p = listpack.Next(lp, p) {
				if r.IntN(left) < need {
					emit(listpack.GetBytes(lp, p, tmp[:]))
					need--
				} else {
					out = appendRaw(out, lp, p)
				}
				left--
			}
			s.b = shrink(out)
			return
		}
		var buf [64]byte
		for i := 0; i < count; i++ {
			emit(s.Pop(r, buf[:0]))
		}
		return
	}
	// Keep `remaining` random members in a new set, emit the others.
	var kept *Set
	if s.enc == Listpack {
		kept = NewListpack(0)
		lp := s.b
		rest := listpack.NewCap(len(lp))
		need, left := remaining, size
		var tmp [20]byte
		for p := listpack.First(lp); p >= 0; p = listpack.Next(lp, p) {
			if r.IntN(left) < need {
				kept.Add(listpack.GetBytes(lp, p, tmp[:]), lim)
				need--
			} else {
				rest = appendRaw(rest, lp, p)
			}
			left--
		}
		s.b = rest
	} else {
		var buf [64]byte
		for ; remaining > 0; remaining-- {
			if s.enc == Intset {
				v := s.isRandom(r)
				if kept == nil {
					kept = NewIntset()
				}
				kept.AddInt(v, lim)
				s.isRemove(v)
				continue
			}
			m := append(buf[:0], s.ht.Key(s.ht.Random(r))...)
			if kept == nil {
				kept = NewListpack(0)
			}
			kept.Add(m, lim)
			s.ht.Delete(m)
		}
	}
	s.Each(func(m []byte) bool {
		emit(m)
		return true
	})
	if kept == nil {
		kept = NewIntset()
	}
	*s = *kept
}

// appendRaw appends the entry at p of src to the listpack dst.
func appendRaw(dst, src []byte, p int) []byte {
	m, v, isInt := listpack.Get(src, p)
	if isInt {
		return listpack.AppendInt(dst, v)
	}
	return listpack.Append(dst, m)
}

// srandSubMul is Valkey's SRANDMEMBER_SUB_STRATEGY_MUL.
const srandSubMul = 3

// RandomDistinct emits count distinct random members, 0 < count < Len
// (SRANDMEMBER with a positive count smaller than the set). Listpacks emit
// in their order; the other encodings in random order.
func (s *Set) RandomDistinct(r *rand.Rand, count int, emit func(m []byte)) {
	size := s.Len()
	var tmp [20]byte
	if s.enc == Listpack {
		need, left := count, size
		for p := listpack.First(s.b); p >= 0 && need > 0; p = listpack.Next(s.b, p) {
			if r.IntN(left) < need {
				emit(listpack.GetBytes(s.b, p, tmp[:]))
				need--
			}
			left--
		}
		return
	}
	if count*srandSubMul > size {
		// Take all, then drop random ones.
		all := make([][]byte, 0, size)
		s.Each(func(m []byte) bool {
			all = append(all, append([]byte(nil), m...))
			return true
		})
		r.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
		for _, m := range all[:count] {
			emit(m)
		}
		return
	}
	seen := make(map[string]struct{}, count)
	for len(seen) < count {
		m := s.Random(r, tmp[:])
		if _, dup := seen[string(m)]; dup {
			continue
		}
		seen[string(m)] = struct{}{}
		emit(m)
	}
}

// Scan emits members for SSCAN: small encodings emit everything and return
// cursor 0; a hashtable continues from cursor (see strtab.Table.Scan).
func (s *Set) Scan(cursor uint64, count int, emit func(m []byte)) uint64 {
	if s.enc != Hashtable {
		s.Each(func(m []byte) bool {
			emit(m)
			return true
		})
		return 0
	}
	return s.ht.Scan(cursor, count, func(ref uint32) { emit(s.ht.Key(ref)) })
}

// ToIntsetIfFits converts a set whose members are all integers to an intset
// when it has at most set-max-intset-entries of them (maybeConvertToIntset).
// The caller guarantees that all members are integers.
func (s *Set) ToIntsetIfFits(lim Limits) {
	if s.enc == Intset || s.Len() > lim.intsetMax() {
		return
	}
	is := NewIntset()
	s.EachRaw(func(m []byte, v int64, isInt bool) bool {
		if !isInt {
			v, _ = num.ParseInt(m)
		}
		is.isAdd(v)
		return true
	})
	*s = *is
}

// Compact trims spare capacity (a listpack built with room to spare).
func (s *Set) Compact() {
	if s.enc != Hashtable {
		s.b = shrink(s.b)
	}
}

// Clone returns an independent copy with the same encoding.
func (s *Set) Clone() *Set {
	c := &Set{enc: s.enc, width: s.width}
	if s.enc == Hashtable {
		c.ht = s.ht.Clone()
	} else {
		c.b = append([]byte(nil), s.b...)
	}
	return c
}

// Listpack returns the listpack bytes of a listpack-encoded set.
func (s *Set) ListpackBytes() []byte {
	if s.enc != Listpack {
		return nil
	}
	return s.b
}

// MemoryUsage estimates the bytes the set holds. A hashtable with more
// than samples members (samples > 0) is extrapolated from its slots and
// arena sizes, which are exact, so samples is ignored.
func (s *Set) MemoryUsage(samples int) int {
	const header = 48
	if s.enc == Hashtable {
		return header + s.ht.MemoryUsage()
	}
	return header + cap(s.b)
}

// SerializedLength is the size of the set in an RDB file (without
// compression): the intset or listpack blob as a string, or each member
// as a length-prefixed string after the count.
func (s *Set) SerializedLength() int {
	switch s.enc {
	case Intset:
		return rdbLenLen(s.isBlobLen()) + s.isBlobLen()
	case Listpack:
		return rdbLenLen(len(s.b)) + len(s.b)
	}
	n := rdbLenLen(s.ht.Len())
	s.Each(func(m []byte) bool {
		n += rdbStringLen(m)
		return true
	})
	return n
}

// rdbLenLen is the size of an RDB length prefix.
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

// rdbStringLen is the size of a string in an RDB file (integers of up to
// 32 bits stored as such, no compression).
func rdbStringLen(m []byte) int {
	if len(m) <= 11 {
		if v, ok := num.ParseInt(m); ok {
			switch {
			case v >= -1<<7 && v < 1<<7:
				return 2
			case v >= -1<<15 && v < 1<<15:
				return 3
			case v >= -1<<31 && v < 1<<31:
				return 5
			}
		}
	}
	return rdbLenLen(len(m)) + len(m)
}
