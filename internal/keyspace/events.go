package keyspace

import "sync/atomic"

// Key events for the keyspace notifications that exist only at the
// lookup level: "keymiss" (class m: a read found no key) and "new" (class
// n: a key was created). Valkey fires them from lookupKey and dbAdd; here
// the read lookups and the functions that insert a record do, through
// OnKeyMiss and OnNewKey.
//
// Both fire on hot paths, so the keyspace calls back only while the
// server's notification flags enable them: SetKeyEventFlags gives it the
// flags word to watch and the bit of each event, and a miss or an insert
// costs one atomic load while the bit is clear.

// keyEventFlags is the flags word the key event hooks follow.
type keyEventFlags struct {
	src          *atomic.Int64
	miss, newKey int64
}

// SetKeyEventFlags makes OnKeyMiss fire while flags has bit miss set, and
// OnNewKey while it has bit newKey set. flags is read at each event, so
// changes to it apply at once.
func (ks *Keyspace) SetKeyEventFlags(flags *atomic.Int64, miss, newKey int64) {
	ks.keyEvents.Store(&keyEventFlags{src: flags, miss: miss, newKey: newKey})
}

// keyMissed reports a read lookup that found no key (Valkey's "keymiss").
func (db DB) keyMissed(key []byte) {
	if f := db.ks.keyEvents.Load(); f != nil && f.src.Load()&f.miss != 0 && db.ks.OnKeyMiss != nil {
		db.ks.OnKeyMiss(db.idx, key)
	}
}

// keyCreated reports a key that did not exist and now does ("new").
func (db DB) keyCreated(key []byte) {
	if f := db.ks.keyEvents.Load(); f != nil && f.src.Load()&f.newKey != 0 && db.ks.OnNewKey != nil {
		db.ks.OnNewKey(db.idx, key)
	}
}

// LookupReadNoNotify is LookupReadNoTouch without the keymiss event, for
// OBJECT (Valkey's LOOKUP_NONOTIFY).
func (db DB) LookupReadNoNotify(key []byte) (Entry, bool) {
	e, ok := db.lookup(key, false)
	if ok {
		db.ks.Stats.Hits.Add(1)
	} else {
		db.ks.Stats.Misses.Add(1)
	}
	return e, ok
}
