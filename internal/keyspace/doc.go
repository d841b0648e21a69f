// Package keyspace owns the databases: their keys, values, expiry and the
// locks that make every command atomic while commands on unrelated keys run
// in parallel.
//
// Layout: the keyspace is split into a fixed number of shards (NumShards).
// A key belongs to shard Slot(key) % NumShards, where Slot is the cluster
// slot CRC16(hashtag(key)) mod 16384, so all keys of a slot share a shard.
// A shard holds one kvtable.Table per database over one arena, plus the
// collection objects its records point to:
//
//	Keyspace
//	 └─ shard[0..NumShards)   mu guards everything below
//	     ├─ arena             keys, string values, expiry: off the Go heap
//	     ├─ tables[db]        one hash table per database
//	     └─ objects           collections (lists, hashes, ...) by index
//
// Locking: the dispatcher locks the shards of a command's keys, in
// ascending shard order (LockMask/UnlockMask), before the handler runs;
// handlers then use a DB view and never lock. Whole-database operations
// (FLUSHALL, SWAPDB, DBSIZE, KEYS, SCAN, RANDOMKEY) are keyspace methods
// that take shard locks themselves, one shard at a time unless the
// operation must be atomic across shards (FLUSH*, SWAPDB take all, in
// ascending order). A handler must never call those while holding locks.
//
// Caller's duties:
//  1. Lock the shards of every key a DB view touches (LockMask), and keep
//     them locked while using any byte slice the view returned.
//  2. Create one DB view per command (View), so the command sees one "now".
//  3. Run the active expiry cycle (ActiveExpireCycle) from the server cron.
package keyspace
