package hash

// Limits are the packed encoding's thresholds: Valkey's
// hash-max-listpack-entries and hash-max-listpack-value.
type Limits struct {
	MaxEntries int64
	MaxValue   int64
}

// DefaultLimits are Valkey's defaults.
var DefaultLimits = Limits{MaxEntries: 512, MaxValue: 64}

// Hash is a hash value: packed while small, a table beyond the limits or
// once a field gets a TTL. The zero value is not usable; call New.
//
// Byte slices returned by its methods alias its storage: they stay valid
// until the next change to the hash. Arguments must not alias its storage
// (copy a value read from a hash before writing it back).
type Hash struct {
	lp []byte // packed form; unused when t != nil
	t  *table // table form, or nil
}

// New returns an empty packed hash.
func New() *Hash { return &Hash{lp: newPacked()} }

// Packed reports whether the hash uses the packed encoding.
func (h *Hash) Packed() bool { return h.t == nil }

// Len is the number of fields, counting fields whose TTL has passed but
// that were not reclaimed yet (Valkey's HLEN does the same).
func (h *Hash) Len() int {
	if h.t != nil {
		return h.t.count
	}
	return pkCount(h.lp)
}

// Get returns the value of field if it is present and its TTL has not
// passed at now (unix ms).
func (h *Hash) Get(field []byte, now int64) ([]byte, bool) {
	if h.t == nil {
		_, val, end, ok := pkFind(h.lp, field)
		if !ok {
			return nil, false
		}
		v, _ := pkString(h.lp, val)
		_ = end
		return v, true
	}
	r, _, ok := h.t.lookup(field, now)
	if !ok {
		return nil, false
	}
	return h.t.value(r), true
}

// GetExpiry is Get that also returns the field's expiry (0: none).
func (h *Hash) GetExpiry(field []byte, now int64) (v []byte, exp int64, ok bool) {
	if h.t == nil {
		v, ok = h.Get(field, now)
		return v, 0, ok
	}
	r, _, ok := h.t.lookup(field, now)
	if !ok {
		return nil, 0, false
	}
	return h.t.value(r), h.t.expiry(r), true
}

// Exists reports whether field is present and not expired at now.
func (h *Hash) Exists(field []byte, now int64) bool {
	_, ok := h.Get(field, now)
	return ok
}

// Convert switches a packed hash to the table form (a no-op for a table).
// Valkey never converts back.
func (h *Hash) Convert() { h.convert(0) }

func (h *Hash) convert(hint int) {
	if h.t != nil {
		return
	}
	t := newTable(max(hint, pkCount(h.lp)))
	pkRange(h.lp, func(f, v []byte) bool {
		t.insert(f, v, 0)
		return true
	})
	h.t, h.lp = t, nil
}

// PrepareSet applies Valkey's conversion check before a write of the given
// field/value strings (hashTypeTryConversion): a packed hash converts when
// the pairs outnumber MaxEntries (duplicates included), when one string is
// longer than MaxValue, or when the packed form would pass its size limit.
func (h *Hash) PrepareSet(strs [][]byte, lim Limits) {
	if h.t != nil {
		return
	}
	if pairs := int64(len(strs) / 2); pairs > lim.MaxEntries {
		h.convert(int(pairs))
		return
	}
	sum := 0
	for _, s := range strs {
		if int64(len(s)) > lim.MaxValue {
			h.convert(0)
			return
		}
		sum += uvarintLen(len(s)) + len(s)
	}
	if len(h.lp)+sum > maxPackedBytes {
		h.convert(0)
		return
	}
	if len(strs) > 2 {
		// A multi-field write: size the slice once, for the case where
		// every field is new.
		h.lp = reserve(h.lp, sum+1)
	}
}

// Room reports whether n more bytes of fields and values can be stored
// (the table form addresses at most 4 GiB of records per hash).
func (h *Hash) Room(n int) bool {
	if h.t == nil {
		return true // a packed hash converts long before its limit
	}
	if h.t.garbage > 0 && len(h.t.data)+n+64 > maxTableBytes {
		h.t.compact()
	}
	return len(h.t.data)+n+64 <= maxTableBytes
}

// Set stores value under field with expiry exp (0: none), as Valkey's
// hashTypeSet: a packed hash converts first when exp is set or either
// string is longer than lim.MaxValue, and after the write when it holds
// more than lim.MaxEntries fields. With keepTTL an existing, unexpired
// field keeps its expiry and exp is ignored for it.
//
// It reports whether an existing field was updated (false: a field was
// added) and whether the field it replaced had expired (a write over an
// expired field counts as an addition; the caller reports the expiry).
func (h *Hash) Set(field, value []byte, exp int64, keepTTL bool, lim Limits, now int64) (updated, expiredOverwritten bool) {
	if h.t == nil && (exp != 0 || int64(len(field)) > lim.MaxValue || int64(len(value)) > lim.MaxValue) {
		h.convert(0)
	}
	if h.t == nil {
		if _, val, end, ok := pkFind(h.lp, field); ok {
			h.lp = pkReplace(h.lp, val, end, value)
			updated = true
		} else {
			h.lp = pkAppend(h.lp, field, value)
		}
		if int64(pkCount(h.lp)) > lim.MaxEntries || len(h.lp) > maxPackedBytes {
			h.convert(0)
		}
		return updated, false
	}
	t := h.t
	r, l, ok := t.find(field)
	if !ok {
		t.insert(field, value, exp)
		return false, false
	}
	old := t.expiry(r)
	if expired(old, now) {
		t.update(r, l, value, exp)
		return false, true
	}
	if keepTTL {
		exp = old
	}
	t.update(r, l, value, exp)
	return true, false
}

// Delete removes field unless it is missing or expired at now; it reports
// whether it removed it.
func (h *Hash) Delete(field []byte, now int64) bool {
	if h.t == nil {
		pair, _, end, ok := pkFind(h.lp, field)
		if ok {
			h.lp = pkDelete(h.lp, pair, end)
		}
		return ok
	}
	r, l, ok := h.t.lookup(field, now)
	if ok {
		h.t.remove(r, l)
	}
	return ok
}

// DeleteAny removes field even if its TTL has passed.
func (h *Hash) DeleteAny(field []byte) bool {
	if h.t == nil {
		return h.Delete(field, 0)
	}
	r, l, ok := h.t.find(field)
	if ok {
		h.t.remove(r, l)
	}
	return ok
}

// Expire condition flags (HEXPIRE's NX XX GT LT), and KeepPast: a deadline
// not after now is set like any other instead of deleting the field
// (import mode; the field then expires by the usual means).
const (
	CondNX = 1 << iota
	CondXX
	CondGT
	CondLT
	KeepPast
)

// Per-field results of SetExpire and Persist, Valkey's reply codes.
const (
	NoField       = -2 // the field (or the hash) does not exist
	NoTTL         = -1 // Persist: the field has no TTL
	CondNotMet    = 0  // an NX/XX/GT/LT condition failed
	ExpireSet     = 1  // the expiry was set (Persist: removed)
	ExpireDeleted = 2  // the time was already past: the field was deleted
)

// SetExpire gives field the absolute expiry when (unix ms) under the
// condition flags cond, as Valkey's hashTypeSetExpire: a time not after
// now deletes the field instead. A packed hash converts to the table form
// unless the field is missing, the condition is XX or GT (a packed field
// has no TTL: those fail), or the field is deleted.
func (h *Hash) SetExpire(field []byte, when int64, cond int, now int64) int {
	past := when <= now && cond&KeepPast == 0
	if h.t == nil {
		pair, _, end, ok := pkFind(h.lp, field)
		switch {
		case !ok:
			return NoField
		case cond&(CondXX|CondGT) != 0:
			return CondNotMet
		case past:
			h.lp = pkDelete(h.lp, pair, end)
			return ExpireDeleted
		}
		h.convert(0)
	}
	t := h.t
	r, l, ok := t.lookup(field, now)
	if !ok {
		return NoField
	}
	cur := t.expiry(r)
	switch {
	case cond&CondNX != 0 && cur != 0,
		cond&CondXX != 0 && cur == 0,
		cond&CondGT != 0 && (cur == 0 || when <= cur),
		cond&CondLT != 0 && cur != 0 && when >= cur:
		return CondNotMet
	}
	if past {
		t.remove(r, l)
		return ExpireDeleted
	}
	t.update(r, l, t.value(r), when)
	return ExpireSet
}

// Persist removes field's TTL: ExpireSet if it had one, NoTTL if not,
// NoField if it is missing or expired.
func (h *Hash) Persist(field []byte, now int64) int {
	if h.t == nil {
		if _, _, _, ok := pkFind(h.lp, field); ok {
			return NoTTL
		}
		return NoField
	}
	r, l, ok := h.t.lookup(field, now)
	if !ok {
		return NoField
	}
	if !r.ttl {
		return NoTTL
	}
	h.t.update(r, l, h.t.value(r), 0)
	return ExpireSet
}

// Range calls fn for each field not expired at now, with its value, until
// fn returns false: insertion order for a packed hash, table order
// otherwise. fn must not change the hash.
func (h *Hash) Range(now int64, fn func(field, value []byte) bool) {
	if h.t == nil {
		pkRange(h.lp, fn)
		return
	}
	t := h.t
	t.rangeLive(now, func(r rec) bool { return fn(t.field(r), t.value(r)) })
}

// Scan is one HSCAN step from cursor: it calls fn for the live fields of
// at least one bucket, continuing while fewer than count fields were seen
// and fewer than 10*count buckets visited, and returns the next cursor (0:
// done). A packed hash is returned whole with cursor 0, as Valkey does.
func (h *Hash) Scan(cursor uint64, count int, now int64, fn func(field, value []byte)) uint64 {
	if h.t == nil {
		pkRange(h.lp, func(f, v []byte) bool { fn(f, v); return true })
		return 0
	}
	t := h.t
	seen := 0
	steps := uint64(count) * 10
	for {
		cursor = t.scan(cursor, now, func(r rec) {
			seen++
			fn(t.field(r), t.value(r))
		})
		if cursor == 0 || steps == 0 || seen >= count {
			return cursor
		}
		steps--
	}
}

// HasFieldExpiry reports whether any field carries a TTL (expired or not).
func (h *Hash) HasFieldExpiry() bool { return h.t != nil && h.t.vol != nil }

// NextFieldExpiry returns the earliest field expiry, 0 if none.
func (h *Hash) NextFieldExpiry() int64 {
	if !h.HasFieldExpiry() {
		return 0
	}
	return h.t.vol.when[0]
}

// VolatileLen is the number of fields with a TTL.
func (h *Hash) VolatileLen() int {
	if h.t == nil {
		return 0
	}
	return h.t.volLen()
}

// ExpireFields reclaims up to max fields whose TTL passed before now,
// earliest first, calling fn (if not nil) with each field's name before it
// goes. It returns how many it reclaimed.
func (h *Hash) ExpireFields(now int64, max int, fn func(field []byte)) int {
	if h.t == nil {
		return 0
	}
	t := h.t
	n := 0
	for n < max && t.vol != nil && now > t.vol.when[0] {
		r := t.parse(int(t.vol.off[0]))
		f := t.field(r)
		if fn != nil {
			fn(f)
		}
		fr, l, ok := t.find(f)
		if !ok || fr.off != r.off {
			panic("hash: expiry heap out of sync with the table")
		}
		t.remove(fr, l)
		n++
	}
	return n
}

// Clone returns an independent copy with the same encoding and capacities
// (so the same MEMORY USAGE).
func (h *Hash) Clone() *Hash {
	if h.t == nil {
		return &Hash{lp: append(make([]byte, 0, cap(h.lp)), h.lp...)}
	}
	return &Hash{t: h.t.clone()}
}

// MemoryUsage is the bytes the hash holds (struct, packed bytes or table
// arrays), as allocated.
func (h *Hash) MemoryUsage() int {
	if h.t == nil {
		return 32 + cap(h.lp)
	}
	return 32 + h.t.bytes()
}
