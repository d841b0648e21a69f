package keyspace

// Import mode (Valkey 9's import-mode and CLIENT IMPORT-SOURCE): while a
// dataset is imported from another server, that server (the import
// source) owns the expiry of the keys it sends, as a primary owns its
// replicas' expiry. So in import mode:
//   - nothing expires keys on its own: the active cycle does not run (the
//     server's cron checks ImportMode) and lookups do not delete;
//   - ordinary clients still see a key whose TTL passed as missing, but a
//     read leaves it in place (a write deletes it, as on any primary);
//   - the import source sees such keys as present, with a TTL of 0;
//   - EXPIRE-family commands and SET EX/PX with a time already past set
//     that deadline instead of deleting the key (the commands check
//     ImportMode).

// Expiry policies for a key whose TTL has passed (Valkey's
// getExpirationPolicyWithFlags).
const (
	expiredDelete = iota // delete it and report it missing
	expiredKeep          // report it missing, leave it in place
	expiredIgnore        // treat it as live
)

// SetImportMode turns import mode on or off (the import-mode directive).
func (ks *Keyspace) SetImportMode(on bool) { ks.importMode.Store(on) }

// ImportMode reports whether import mode is on.
func (ks *Keyspace) ImportMode() bool { return ks.importMode.Load() }

// expiredPolicy says what a command of this view does with a key whose
// TTL has passed; write is true for lookups by write commands.
func (db DB) expiredPolicy(write bool) int {
	if !db.ks.importMode.Load() {
		if db.KeepExpired {
			return expiredKeep
		}
		return expiredDelete
	}
	if db.ImportSource {
		return expiredIgnore
	}
	if write {
		return expiredDelete
	}
	return expiredKeep
}

// findAny finds key whatever its TTL says, without side effects.
func (db DB) findAny(key []byte) (Entry, bool) {
	sh, t := db.locate(key)
	r, ok := t.Find(key)
	if !ok {
		return Entry{}, false
	}
	return Entry{sh: sh, t: t, ref: r}, true
}
