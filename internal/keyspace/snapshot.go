package keyspace

// Snapshot helpers for the RDB writer and loader (server/rdb.go) and
// RESTORE.

// SetAccess sets key's access clock as Valkey's objectSetLRUOrLFU does
// for RESTORE's IDLETIME/FREQ and an RDB's IDLE/FREQ opcodes: under an LFU
// policy a freq >= 0 becomes the key's counter; otherwise an idle >= 0
// (seconds) back-dates its LRU stamp. Negative values leave the clock.
func (db DB) SetAccess(key []byte, idle, freq int64) {
	if db.ks.lfu.Load() != nil {
		if freq >= 0 {
			db.setClock(key, lfuMinutes(db.Now)<<8|uint32(min(freq, 255)))
		}
		return
	}
	if idle >= 0 {
		clock := int64(LRUClock(db.Now)) - idle
		for clock < 0 {
			clock += lruMask + 1
		}
		db.setClock(key, uint32(clock)&lruMask)
	}
}
