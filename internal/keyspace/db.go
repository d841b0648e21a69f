package keyspace

import (
	"encoding/binary"

	"petrel/internal/kvtable"
)

// LRUClock is Valkey's 24-bit LRU clock in seconds, from a unix ms time.
func LRUClock(nowMs int64) uint32 { return uint32(nowMs/1000) & lruMask }

const lruMask = 1<<24 - 1

// IdleMillis returns how long ago, in ms, an LRU stamp was taken.
func IdleMillis(lru uint32, nowMs int64) int64 {
	c := LRUClock(nowMs)
	if c >= lru {
		return int64(c-lru) * 1000
	}
	return int64(c+(lruMask+1)-lru) * 1000
}

// DB is one command's view of a database: the database index and the one
// clock reading the command sees. It is a small value; create one per
// command with View. The shards of every key it is used on must be locked.
type DB struct {
	ks  *Keyspace
	idx int
	Now int64 // unix ms, read once per command
	// NoTouch keeps reads from updating the LRU clock (CLIENT NO-TOUCH).
	NoTouch bool
	// ImportSource is a CLIENT IMPORT-SOURCE client: in import mode it
	// sees keys whose TTL passed as live (importmode.go).
	ImportSource bool
	// Held says the caller holds every shard lock (EXEC, a script): the
	// whole-keyspace operations given this view take no locks.
	Held bool
	// Expired receives the keys this view's lookups find expired and
	// delete, for the command's propagation (nil: the keyspace's
	// ExpiredSink, which propagates each at once).
	Expired ExpiredSink
	// KeepExpired makes lookups treat a key whose TTL passed as missing
	// without deleting it (Valkey's LOOKUP_NOEXPIRE): checks on behalf of
	// blocked clients must not delete, nor propagate, anything.
	KeepExpired bool
}

// ExpiredSink is told of each key deleted because its TTL passed, with
// the key's shard locked, so that the deletion is propagated (as DEL or
// UNLINK) in order with the changes around it.
type ExpiredSink interface {
	KeyExpired(db int, key []byte)
}

// View returns a view of database db at time now (unix ms).
func (ks *Keyspace) View(db int, now int64) DB { return DB{ks: ks, idx: db, Now: now} }

// Index is the database number.
func (db DB) Index() int { return db.idx }

// Keyspace returns the keyspace the view belongs to.
func (db DB) Keyspace() *Keyspace { return db.ks }

// WithIndex returns the same view on another database.
func (db DB) WithIndex(i int) DB { db.idx = i; return db }

func (db DB) locate(key []byte) (*shard, *kvtable.Table) {
	sh := db.ks.shards[ShardOf(key)]
	return sh, sh.tables[db.idx]
}

// Entry is a key found in a database. It stays valid until the next change
// to that database's shard; while valid, its byte slices alias the store.
type Entry struct {
	sh  *shard
	t   *kvtable.Table
	ref kvtable.Ref
}

// lookup finds key for a read, deleting it first if its TTL has passed.
func (db DB) lookup(key []byte, touch bool) (Entry, bool) { return db.lookupFor(key, touch, false) }

// lookupFor finds key, deleting it first if its TTL has passed (unless
// import mode says otherwise: importmode.go).
func (db DB) lookupFor(key []byte, touch, write bool) (Entry, bool) {
	sh, t := db.locate(key)
	r, ok := t.Find(key)
	if !ok {
		return Entry{}, false
	}
	if exp := t.Expire(r); exp != 0 && db.Now > exp {
		switch db.expiredPolicy(write) {
		case expiredDelete:
			db.expireLocked(sh, t, r)
			return Entry{}, false
		case expiredKeep:
			return Entry{}, false
		}
	}
	if touch && !db.NoTouch {
		m := t.Meta(r)
		if clock := db.touchClock(m.LRU); m.LRU != clock {
			m.LRU = clock
			t.SetMeta(r, m)
		}
	}
	return Entry{sh: sh, t: t, ref: r}, true
}

// expireLocked deletes an expired record and reports it.
func (db DB) expireLocked(sh *shard, t *kvtable.Table, r kvtable.Ref) {
	if db.ks.OnExpire != nil {
		db.ks.OnExpire(db.idx, t.Key(r))
	}
	if sink := db.Expired; sink != nil {
		sink.KeyExpired(db.idx, t.Key(r))
	} else if sink := db.ks.ExpiredSink; sink != nil {
		sink.KeyExpired(db.idx, t.Key(r))
	}
	sh.releaseRecordLocked(t, r)
	t.DeleteRef(r)
	db.ks.Stats.ExpiredKeys.Add(1)
}

// LookupRead finds key for a read command, counting a keyspace hit or miss
// and touching its LRU clock.
func (db DB) LookupRead(key []byte) (Entry, bool) {
	e, ok := db.lookup(key, true)
	if ok {
		db.ks.Stats.Hits.Add(1)
	} else {
		db.ks.Stats.Misses.Add(1)
		db.keyMissed(key)
	}
	return e, ok
}

// LookupReadNoTouch finds key for a command that inspects it without
// counting as an access (EXISTS, TYPE, TTL, OBJECT): keyspace hits and
// misses are counted, the access clock is left alone.
func (db DB) LookupReadNoTouch(key []byte) (Entry, bool) {
	e, ok := db.lookup(key, false)
	if ok {
		db.ks.Stats.Hits.Add(1)
	} else {
		db.ks.Stats.Misses.Add(1)
		db.keyMissed(key)
	}
	return e, ok
}

// LookupWrite finds key for a write command (no hit/miss accounting).
func (db DB) LookupWrite(key []byte) (Entry, bool) { return db.lookupFor(key, true, true) }

// Peek finds key without touching its LRU clock or the statistics, for
// lookups that are no client access (EXISTS, TYPE, TTL and OBJECT count
// hits and misses: they use LookupReadNoTouch).
func (db DB) Peek(key []byte) (Entry, bool) { return db.lookup(key, false) }

// Exists reports whether key exists (expired keys do not).
func (db DB) Exists(key []byte) bool {
	_, ok := db.lookup(key, false)
	return ok
}

// Key returns the entry's key.
func (e Entry) Key() []byte { return e.t.Key(e.ref) }

// Type returns the value type (TypeString, ...).
func (e Entry) Type() uint8 { return e.t.Meta(e.ref).Type }

// Encoding returns the value encoding (EncInt, ...).
func (e Entry) Encoding() uint8 { return e.t.Meta(e.ref).Enc }

// LRU returns the entry's LRU clock stamp.
func (e Entry) LRU() uint32 { return e.t.Meta(e.ref).LRU }

// Expire returns the absolute expiry in unix ms, or 0 for none.
func (e Entry) Expire() int64 { return e.t.Expire(e.ref) }

// MemoryUsage is the bytes the entry takes in the store. For a collection
// stored inline (inline.go) its packed bytes are left out: the value's own
// MemoryUsage counts them.
func (e Entry) MemoryUsage() int {
	n := e.t.MemoryUsage(e.ref)
	if e.t.Meta(e.ref).Inline {
		n -= len(e.t.Value(e.ref))
	}
	return n
}

// IsInt reports whether a string is stored int-encoded, and its value.
func (e Entry) IsInt() (int64, bool) {
	m := e.t.Meta(e.ref)
	if m.Type != TypeString || m.Enc != EncInt {
		return 0, false
	}
	return int64(binary.LittleEndian.Uint64(e.t.Value(e.ref))), true
}

// StringBytes returns a string value's bytes when it is not int-encoded
// (nil, false otherwise). The slice aliases the store.
func (e Entry) StringBytes() ([]byte, bool) {
	m := e.t.Meta(e.ref)
	if m.Type != TypeString || m.Enc == EncInt {
		return nil, false
	}
	return e.t.Value(e.ref), true
}

// AppendString appends a string value (formatting int encodings).
func (e Entry) AppendString(dst []byte) []byte {
	if n, ok := e.IsInt(); ok {
		return appendInt(dst, n)
	}
	return append(dst, e.t.Value(e.ref)...)
}

// StringLen returns the length of a string value.
func (e Entry) StringLen() int {
	if n, ok := e.IsInt(); ok {
		var tmp [20]byte
		return len(appendInt(tmp[:0], n))
	}
	return len(e.t.Value(e.ref))
}

// Object returns a collection value.
//
// A collection stored inline is decoded on the first call and the same
// object returned until the shard is unlocked, when it is stored back
// (inline.go): use it only within the command.
func (e Entry) Object() any { return e.sh.objectLocked(e.t, e.ref) }

// SetEncoding changes the recorded encoding of a collection (after a
// conversion such as listpack -> hashtable).
func (e Entry) SetEncoding(enc uint8) {
	m := e.t.Meta(e.ref)
	m.Enc = enc
	e.t.SetMeta(e.ref, m)
}

// ReplaceObject swaps a collection value in place, keeping key and TTL.
func (e Entry) ReplaceObject(o any, enc uint8) {
	if e.t.Meta(e.ref).Inline {
		e.sh.replaceInlineLocked(e.t, e.ref, o)
		e.SetEncoding(enc)
		return
	}
	idx := objIndex(e.t.Value(e.ref))
	e.sh.objects[idx] = o
	e.SetEncoding(enc)
	e.sh.trackLocked(idx, e.t, e.t.Key(e.ref), o)
}

// SetString overwrites the entry's string value keeping its TTL, choosing
// the encoding as Valkey does for a new value. It returns the updated entry.
func (e Entry) SetString(v []byte) Entry {
	enc, n := StringEncodingFor(e.Key(), v, e.Expire() != 0)
	return e.setStringEnc(v, enc, n)
}

// SetRawString overwrites the value with a raw-encoded string, as APPEND
// and SETRANGE leave it.
func (e Entry) SetRawString(v []byte) Entry { return e.setStringEnc(v, EncRaw, 0) }

// SetInt overwrites the value with an int-encoded string.
func (e Entry) SetInt(n int64) Entry {
	return e.setStringEnc(nil, EncInt, n)
}

func (e Entry) setStringEnc(v []byte, enc uint8, n int64) Entry {
	m := e.t.Meta(e.ref)
	e.sh.releaseRecordLocked(e.t, e.ref)
	var tmp [8]byte
	if enc == EncInt {
		binary.LittleEndian.PutUint64(tmp[:], uint64(n))
		v = tmp[:]
	}
	m.Type, m.Enc, m.Inline = TypeString, enc, false
	e.ref = e.t.SetValueMeta(e.ref, v, m)
	return e
}

// GrowRaw resizes a string value to n bytes (keeping its prefix, zero
// filling growth) as a raw string, returning the writable bytes.
func (e Entry) GrowRaw(n int) (Entry, []byte) {
	if v, ok := e.IsInt(); ok {
		var tmp [20]byte
		e = e.SetRawString(appendInt(tmp[:0], v))
	}
	old := len(e.t.Value(e.ref))
	var b []byte
	e.ref, b = e.t.GrowValue(e.ref, n)
	clear(b[min(old, n):])
	m := e.t.Meta(e.ref)
	m.Enc = EncRaw
	e.t.SetMeta(e.ref, m)
	return e, b
}

// SetExpire sets (ms > 0) or removes (ms == 0) the entry's TTL. As in
// Valkey 9, where the expire lives inside the value's allocation, an embstr
// that no longer fits once it carries an expire becomes raw.
func (e Entry) SetExpire(ms int64) Entry {
	if m := e.t.Meta(e.ref); ms != 0 && m.Type == TypeString && m.Enc == EncEmbstr &&
		!EmbstrFits(len(e.Key()), len(e.t.Value(e.ref)), true) {
		m.Enc = EncRaw
		e.t.SetMeta(e.ref, m)
	}
	old := e.ref
	e.ref = e.t.SetExpire(e.ref, ms)
	e.sh.matMoved(e.t, old, e.ref) // a decoded collection follows its record
	return e
}

// Delete removes the entry.
func (e Entry) Delete() {
	e.sh.releaseRecordLocked(e.t, e.ref)
	e.t.DeleteRef(e.ref)
}

// SetString sets key to a string value (encoding chosen as Valkey does)
// with the given absolute expiry (0: none), replacing any old value.
// With keepTTL an existing key keeps its TTL and expire is ignored.
func (db DB) SetString(key, v []byte, expire int64, keepTTL bool) {
	ttl := expire != 0
	if _, t := db.locate(key); !ttl {
		if r, ok := t.Find(key); ok {
			ttl = t.Expire(r) != 0 // an overwritten value's expire slot stays
		}
	}
	enc, n := StringEncodingFor(key, v, ttl)
	db.setString(key, v, enc, n, expire, keepTTL)
}

// SetStringEnc sets key to a string with an explicit encoding (EncRaw for
// values built by APPEND/SETRANGE, EncInt with v ignored and n the value).
func (db DB) SetStringEnc(key, v []byte, enc uint8, n int64, expire int64) {
	db.setString(key, v, enc, n, expire, false)
}

func (db DB) setString(key, v []byte, enc uint8, n int64, expire int64, keepTTL bool) {
	sh, t := db.locate(key)
	var tmp [8]byte
	if enc == EncInt {
		binary.LittleEndian.PutUint64(tmp[:], uint64(n))
		v = tmp[:]
	}
	clock := db.newClock()
	if r, ok := t.Find(key); ok {
		if keepTTL {
			expire = t.Expire(r)
			if expire != 0 && db.Now > expire {
				expire = 0
			}
		}
		clock = db.overwriteClock(t.Meta(r).LRU)
		sh.releaseRecordLocked(t, r)
	} else {
		defer db.keyCreated(key)
	}
	t.Set(key, v, kvtable.Meta{Type: TypeString, Enc: enc, LRU: clock}, expire)
}

// SetObject sets key to a collection value, replacing any old value.
func (db DB) SetObject(key []byte, typ, enc uint8, o any, expire int64) {
	sh, t := db.locate(key)
	clock := db.newClock()
	r, found := t.Find(key)
	if found {
		clock = db.overwriteClock(t.Meta(r).LRU)
		sh.releaseRecordLocked(t, r)
	}
	sh.storeLocked(t, key, typ, enc, o, clock, expire) // inline bytes or an object slot: inline.go
	if !found {
		db.keyCreated(key)
	}
	if typ == TypeList || typ == TypeZSet || typ == TypeStream {
		// A key clients may block on got a value, however it got it
		// (a push, RENAME, MOVE, COPY, a STORE command), as Valkey's dbAdd.
		db.SignalReady(key)
	}
}

// Delete removes key; false if it did not exist (or had expired). In
// import mode an expired key that readers no longer see is still removed
// and counted, as Valkey's DEL does (importmode.go).
func (db DB) Delete(key []byte) bool {
	e, ok := db.lookup(key, false)
	if !ok && db.expiredPolicy(false) == expiredKeep {
		e, ok = db.findAny(key)
	}
	if ok {
		e.Delete()
	}
	return ok
}

// Cloner is implemented by collection values that COPY can duplicate.
type Cloner interface{ Clone() any }

// CopyTo writes the entry's value and TTL under dstKey in dst, replacing
// what is there. When move is true the value is handed over rather than
// cloned, keeping its access clock, and the caller must delete the source
// right after (RENAME, MOVE); a copy starts with a fresh clock, as Valkey's
// duplicated objects do. Both keys' shards must be locked.
func (e Entry) CopyTo(dst DB, dstKey []byte, move bool) {
	m := e.t.Meta(e.ref)
	if move {
		defer dst.setClock(dstKey, m.LRU)
	}
	exp := e.t.Expire(e.ref)
	if m.Type == TypeString {
		v := e.t.Value(e.ref)
		if m.Enc == EncInt {
			dst.setString(dstKey, nil, EncInt, int64(binary.LittleEndian.Uint64(v)), exp, false)
			return
		}
		// The source and destination may share an arena: copy the bytes
		// out first so a table resize cannot move them under us. The value
		// is re-created under its new key, so an embstr that no longer fits
		// beside that key becomes raw, as in Valkey 9.
		buf := append([]byte(nil), v...)
		enc := m.Enc
		if enc == EncEmbstr && !EmbstrFits(len(dstKey), len(buf), exp != 0) {
			enc = EncRaw
		}
		dst.setString(dstKey, buf, enc, 0, exp, false)
		return
	}
	o := e.Object()
	if move {
		// The source's object slot is released by its Delete; keep the
		// value alive by placing it in the destination shard first.
		dst.SetObject(dstKey, m.Type, m.Enc, o, exp)
		return
	}
	if c, ok := o.(Cloner); ok {
		o = c.Clone()
	}
	dst.SetObject(dstKey, m.Type, m.Enc, o, exp)
}

func appendInt(dst []byte, n int64) []byte {
	var tmp [20]byte
	i := len(tmp)
	u := uint64(n)
	if n < 0 {
		u = uint64(-n)
	}
	for u >= 10 {
		i--
		tmp[i] = byte('0' + u%10)
		u /= 10
	}
	i--
	tmp[i] = byte('0' + u)
	if n < 0 {
		i--
		tmp[i] = '-'
	}
	return append(dst, tmp[i:]...)
}

// EmbstrFits reports whether Valkey 9 keeps a string value of valLen bytes
// under a key of keyLen bytes embstr-encoded. Valkey 9 embeds the key (and
// the expire field, when the key has a TTL) in the value's object, and keeps
// the value embedded only while the whole object fits 64 bytes: a 16-byte
// header, a one-byte prefix and the key as an sds, 8 bytes of expire, and
// the value as an sds8. So the embstr limit depends on the key: 40 bytes
// under a one-byte key, 0 under a 40-byte one, 8 bytes less with a TTL.
func EmbstrFits(keyLen, valLen int, ttl bool) bool {
	size := 16 + 1 + sdsReqSize(keyLen) + 3 + valLen + 1
	if ttl {
		size += 8
	}
	return valLen <= embstrMax && size <= 64
}

// sdsReqSize is the bytes of an sds of n bytes with the smallest header
// Valkey picks for it (types 5 and 8 matter here; longer keys never fit).
func sdsReqSize(n int) int {
	switch {
	case n < 32:
		return 1 + n + 1
	case n <= 252:
		return 3 + n + 1
	default:
		return 5 + n + 1
	}
}

// StringEncodingFor is the encoding Valkey 9 gives a string value v stored
// under key: int for a canonical integer of at most 20 characters, embstr
// when EmbstrFits, raw otherwise. ttl is whether the stored object carries
// an expire field: the key gets a TTL, or an overwritten value had one
// (Valkey keeps the old expire while replacing the value).
func StringEncodingFor(key, v []byte, ttl bool) (enc uint8, n int64) {
	if enc, n = StringEncoding(v); enc == EncInt {
		return enc, n
	}
	if EmbstrFits(len(key), len(v), ttl) {
		return EncEmbstr, 0
	}
	return EncRaw, 0
}

// UnshareString prepares a string value for a change in place, as Valkey's
// dbUnshareStringValue: an int-encoded value becomes its decimal digits and
// any encoding becomes raw. It returns the entry and the value's bytes,
// writable for as long as the shard stays locked and nothing else changes
// the entry (a resize goes through GrowRaw). Every in-place write of a
// string value (SETBIT, BITFIELD, PFADD, ...) starts here, so a future
// snapshot hook sees each one.
func (e Entry) UnshareString() (Entry, []byte) {
	m := e.t.Meta(e.ref)
	if m.Enc == EncInt {
		return e.GrowRaw(e.StringLen())
	}
	if m.Enc != EncRaw {
		m.Enc = EncRaw
		e.t.SetMeta(e.ref, m)
	}
	return e, e.t.Value(e.ref)
}

// SetRawZeros sets key to a raw string of n zero bytes without a TTL,
// replacing any old value, and returns the new entry and its writable bytes
// (SETBIT, BITFIELD and PFADD creating a key).
func (db DB) SetRawZeros(key []byte, n int) (Entry, []byte) {
	db.setString(key, nil, EncRaw, 0, 0, false)
	e, _ := db.lookup(key, false)
	return e.GrowRaw(n)
}
