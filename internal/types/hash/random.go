package hash

// Random sampling for HRANDFIELD, following the strategies of Valkey's
// hrandfieldWithCountCommand so that replies have the same shape and
// distribution: with repetition, the whole hash, an ordered unique sample
// of a packed hash, subtraction from a copy, or repeated picks.

// randomTries is how many picks may land on expired fields before a random
// pick gives up (Valkey's hashTypeRandomElement).
const randomTries = 100

// subStrategyMul: below this ratio of size to count, a unique sample is
// taken by removing random fields from a list of all of them.
const subStrategyMul = 3

// RandomField returns one random field not expired at now, with its value;
// ok is false for an empty hash or when randomTries picks all landed on
// expired fields. rnd returns uniformly random numbers.
func (h *Hash) RandomField(now int64, rnd func() uint64) (f, v []byte, ok bool) {
	if h.Len() == 0 {
		return nil, nil, false
	}
	if h.t == nil {
		f, v = pkAt(h.lp, int(rnd()%uint64(pkCount(h.lp))))
		return f, v, true
	}
	t := h.t
	for i := 0; i < randomTries; i++ {
		r := t.randomRecord(rnd)
		if r.ttl && expired(t.expiry(r), now) {
			continue
		}
		return t.field(r), t.value(r), true
	}
	return nil, nil, false
}

// Random calls fn with count random fields and their values, until fn
// returns false: distinct fields when unique (all of them when count is at
// least the length), otherwise independent picks that may repeat. Fields
// expired at now are never returned; a pick that keeps landing on them
// ends the sampling early, as in Valkey.
func (h *Hash) Random(count uint64, unique bool, now int64, rnd func() uint64, fn func(f, v []byte) bool) {
	size := uint64(h.Len())
	if count == 0 || size == 0 {
		return
	}
	if !unique || count == 1 {
		if h.t == nil {
			offs := pkOffsets(h.lp)
			for ; count > 0; count-- {
				off := offs[rnd()%uint64(len(offs))]
				f, next := pkString(h.lp, off)
				v, _ := pkString(h.lp, next)
				if !fn(f, v) {
					return
				}
			}
			return
		}
		for ; count > 0; count-- {
			f, v, ok := h.RandomField(now, rnd)
			if !ok || !fn(f, v) {
				return
			}
		}
		return
	}
	if count >= size {
		h.Range(now, fn)
		return
	}
	if h.t == nil {
		// Selection sampling: each pair is taken with probability
		// needed/remaining, so the sample keeps the hash's order.
		need := count
		left := size
		off := pkFirst(h.lp)
		for ; left > 0 && need > 0; left-- {
			f, next := pkString(h.lp, off)
			v, end := pkString(h.lp, next)
			off = end
			if rnd()%left < need {
				need--
				if !fn(f, v) {
					return
				}
			}
		}
		return
	}
	t := h.t
	if count*subStrategyMul > size {
		var offs []int
		t.rangeLive(now, func(r rec) bool {
			offs = append(offs, r.off)
			return true
		})
		for uint64(len(offs)) > count {
			i := int(rnd() % uint64(len(offs)))
			offs[i] = offs[len(offs)-1]
			offs = offs[:len(offs)-1]
		}
		for _, off := range offs {
			r := t.parse(off)
			if !fn(t.field(r), t.value(r)) {
				return
			}
		}
		return
	}
	seen := make(map[string]struct{}, count)
	for added := uint64(0); added < count; {
		f, v, ok := h.RandomField(now, rnd)
		if !ok {
			return
		}
		if _, dup := seen[string(f)]; dup {
			continue
		}
		seen[string(f)] = struct{}{}
		added++
		if !fn(f, v) {
			return
		}
	}
}

// pkOffsets returns the offsets of every pair of a packed hash.
func pkOffsets(lp []byte) []int {
	n, off := pkHeader(lp)
	offs := make([]int, 0, n)
	for i := 0; i < n; i++ {
		offs = append(offs, off)
		_, off = pkString(lp, off)
		_, off = pkString(lp, off)
	}
	return offs
}
