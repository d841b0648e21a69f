package hash

import "math"

// RDB view: what the RDB encoder reads from a hash (internal/persist/rdb;
// the conversion lives in the commands package).

// EachWithExpiry calls fn for every field, in storage order, with its
// deadline (unix ms, 0 for none), including fields whose deadline passed
// but which were not reclaimed yet, as Valkey's RDB writer does. The bytes
// alias the hash.
func (h *Hash) EachWithExpiry(fn func(field, value []byte, exp int64) bool) {
	if h.t == nil {
		pkRange(h.lp, func(f, v []byte) bool { return fn(f, v, 0) })
		return
	}
	t := h.t
	t.rangeLive(math.MinInt64, func(r rec) bool { return fn(t.field(r), t.value(r), t.expiry(r)) })
}
