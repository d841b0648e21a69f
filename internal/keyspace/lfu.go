package keyspace

import "math/rand/v2"

// Access clock. Every record carries 24 bits of access data in its meta
// (kvtable.Meta.LRU). What they hold depends on the eviction policy, as in
// Valkey:
//
//	LRU policies (the default): the LRU clock in seconds (LRUClock)
//	LFU policies:  | last decrement time, minutes (16) | counter (8) |
//
// The counter is Valkey's logarithmic access counter: new keys start at
// lfuInitVal, each access increments it with probability
// 1/((counter-lfuInitVal)*lfu-log-factor+1), and it loses one per
// lfu-decay-time minutes without access. Switching policy at run time
// leaves old stamps to be reinterpreted, as Valkey does.

// lfuInitVal is the counter of a new key (Valkey's LFU_INIT_VAL).
const lfuInitVal = 5

// lfuParams are the LFU settings; a nil pointer in Keyspace.lfu means the
// policy is not an LFU one.
type lfuParams struct {
	logFactor int64 // lfu-log-factor
	decayTime int64 // lfu-decay-time, minutes per counter decrement
}

// SetLFU selects what the per-key access clock tracks: with on, LFU
// counters with the given lfu-log-factor and lfu-decay-time; otherwise LRU
// stamps. The configuration layer calls it whenever maxmemory-policy,
// lfu-log-factor or lfu-decay-time change. Safe from any goroutine.
func (ks *Keyspace) SetLFU(on bool, logFactor, decayTime int64) {
	if !on {
		ks.lfu.Store(nil)
		return
	}
	ks.lfu.Store(&lfuParams{logFactor: logFactor, decayTime: decayTime})
}

// LFU reports whether the access clock tracks LFU counters.
func (ks *Keyspace) LFU() bool { return ks.lfu.Load() != nil }

// lfuMinutes is Valkey's LFUGetTimeInMinutes: unix minutes, 16 bits.
func lfuMinutes(nowMs int64) uint32 { return uint32(nowMs/1000/60) & 0xffff }

// lfuElapsed is the minutes since the 16-bit stamp ldt, wrapping as
// Valkey's LFUTimeElapsed.
func lfuElapsed(ldt uint32, nowMs int64) uint32 {
	now := lfuMinutes(nowMs)
	if now >= ldt {
		return now - ldt
	}
	return 65535 - ldt + now
}

// lfuDecr returns the counter of clock after decay (LFUDecrAndReturn).
func (p *lfuParams) lfuDecr(clock uint32, nowMs int64) uint32 {
	ldt, counter := clock>>8, clock&255
	if p.decayTime > 0 {
		periods := int64(lfuElapsed(ldt, nowMs)) / p.decayTime
		if periods > int64(counter) {
			return 0
		}
		counter -= uint32(periods)
	}
	return counter
}

// lfuIncr is Valkey's LFULogIncr.
func (p *lfuParams) lfuIncr(counter uint32) uint32 {
	if counter == 255 {
		return 255
	}
	base := float64(counter) - lfuInitVal
	if base < 0 {
		base = 0
	}
	if rand.Float64() < 1/(base*float64(p.logFactor)+1) {
		counter++
	}
	return counter
}

// newClock is the access clock of a record created now.
func (db DB) newClock() uint32 {
	if db.ks.lfu.Load() != nil {
		return lfuMinutes(db.Now)<<8 | lfuInitVal
	}
	return LRUClock(db.Now)
}

// touchClock is the access clock after an access to a record whose clock
// was old (Valkey's updateLFU, or a fresh LRU stamp).
func (db DB) touchClock(old uint32) uint32 {
	if p := db.ks.lfu.Load(); p != nil {
		c := p.lfuIncr(p.lfuDecr(old, db.Now))
		return lfuMinutes(db.Now)<<8 | c
	}
	return LRUClock(db.Now)
}

// LFUFreq returns the entry's access frequency counter after decay, as
// OBJECT FREQ reports it. Meaningful only while LFU() is true.
func (db DB) LFUFreq(e Entry) int64 {
	p := db.ks.lfu.Load()
	if p == nil {
		p = &lfuParams{logFactor: 10, decayTime: 1}
	}
	return int64(p.lfuDecr(e.LRU(), db.Now))
}

// overwriteClock is the access clock a record keeps when its value is
// replaced: Valkey's dbSetValue keeps the old object's LFU data; an LRU
// stamp is simply renewed (the overwriting command's lookup touched it).
func (db DB) overwriteClock(old uint32) uint32 {
	if db.ks.lfu.Load() != nil {
		return old
	}
	return LRUClock(db.Now)
}

// setClock sets the access clock of key, if present (CopyTo on a move).
func (db DB) setClock(key []byte, clock uint32) {
	_, t := db.locate(key)
	if r, ok := t.Find(key); ok {
		m := t.Meta(r)
		m.LRU = clock
		t.SetMeta(r, m)
	}
}
