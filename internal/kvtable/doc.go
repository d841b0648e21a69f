// Package kvtable is the keyspace's hash table: it stores keys, small values
// and their metadata packed in memory the Go garbage collector never scans.
//
// One shard of the keyspace owns one Arena and one Table per database. The
// Arena is a slab allocator over large regions mapped with mmap outside the
// Go heap; a Table is a chained hash table whose buckets and records live in
// that Arena and refer to each other with 32-bit integers (Ref), never with
// Go pointers. A million small keys are a few dozen mappings to the
// runtime, not a million objects.
//
//	a := kvtable.NewArena()                 // one per shard
//	defer a.Release()
//	db := kvtable.NewTable(a)               // one per database
//	r := db.Set(key, val, kvtable.Meta{Type: typeString}, 0)
//	if r, ok := db.Find(key); ok {
//		reply(db.Value(r))                  // aliases the Arena
//	}
//	db.RehashFor(time.Millisecond)          // from the server's cron
//
// Caller's duties:
//  1. Hold the shard's lock around every call, reads included: nothing here
//     is safe for concurrent use, and the package has no locks.
//  2. Treat a Ref as valid until its record is deleted or moved. Set (of an
//     existing key), SetValue, GrowValue and SetExpire may move the record
//     they change and return its new Ref; nothing else moves a record, not
//     even a resize. Slices from Key and Value follow their Ref.
//  3. Do not change the table from a Scan callback: collect Refs (or copy
//     keys) into a slice, and act on them after Scan returns (see Scan).
//  4. Call RehashFor or RehashStep from the cron, so a table that stopped
//     receiving writes still finishes its resize and shrinks.
//  5. Keep Meta.Type below 8 and Meta.Enc below 16; LRU keeps 24 bits.
//  6. Call Arena.Release when the shard goes away; no finalizer does it.
//     Every Table of the Arena dies with it.
//
// # Arena
//
// Allocations of up to 16 KiB come from 71 size classes: 16 to 128 bytes in
// 8-byte steps, then eight classes per power of two (12.5% steps). Each
// class has its own chunks and an intrusive free list (a free slot holds the
// number of the next free slot). A class's chunks start at 4 KiB and double
// up to 1 MiB, so a nearly empty shard costs a page per class in use; after
// that every chunk is a 2 MiB region aligned to, and advised to be backed
// by, a transparent huge page, which cut lookups in a 1M-key table from
// ~350 ns to ~110-150 ns on the project's VM (two TLB misses per lookup
// otherwise). When a class's last slot is freed, all its chunks but the
// first go back to the OS, and Trim (from the keyspace's cron) returns
// that first one if the class is still empty. Larger allocations get their own mapping, rounded
// to pages and unmapped on Free. If mmap fails the Arena falls back to Go
// byte slices (still pointer-free, so still not scanned).
//
//	Ref (uint32):  | class id (7 bits) | slot number (25 bits) |
//	               class 1..71: slot within the class's chunks
//	               class 127:   index of a dedicated mapping
//	               Ref 0:       none (end of chain, empty bucket)
//
// A class has at most 2^25 slots per Arena; when they run out, allocations
// spill into the next larger class.
//
// Arena.Bytes is every mapping, bucket arrays included. Arena.Resident,
// what the shard reports to used_memory, leaves out the tails of chunks no
// allocation has reached yet (mapped, never touched: no memory). Arena.Used
// counts live allocations at their slot size; Resident - Used is free
// slots and partly used pages.
//
// # Records
//
// A record is one allocation holding the chain link, the key, the value and
// the metadata. Keys without a TTL do not carry the expire field.
//
//	 0        4        8                 12
//	+--------+--------+--------+--------+-----------+---------+----------+-----+-------+
//	|  next  |  hash  | LRU 24 |E4 T3 I1| klen<<2|f |  vlen   | [expire] | key | value |
//	|  Ref   | uint32 |    meta uint32  |  uvarint  | uvarint | int64 ms |     |       |
//	+--------+--------+--------+--------+-----------+---------+----------+-----+-------+
//	f: bit 0 = expire present, bit 1 = reserved for a snapshot epoch field
//	I: Meta.Inline, a flag kept for the caller
//
// A 10-byte key with a 16-byte value and no TTL takes 12+1+1+10+16 = 40
// bytes, the 40-byte class. The stored hash is compared before the key and
// used to rehash without rereading the key. Value returns a writable slice,
// so in-place updates (INCR, SETRANGE within bounds) cost no allocation.
// SetValue and SetExpire rewrite a record in place when its new size falls
// in the same class; GrowValue keeps a record's slack, and past 16 KiB
// grows by 25% more than asked, so APPEND loops copy O(n) bytes in total.
//
// Fork-less snapshots (design.md) will need the epoch of each record's last
// change: flag bit 1 is reserved for an optional epoch field, so adding it
// changes no other record or Ref.
//
// # Table
//
//	ht[0].b  (power of two, Arena-allocated []uint32)
//	+-----+-----+-----+-----+
//	|  0  | Ref |  0  | Ref |      each bucket heads a chain of records
//	+-----+--|--+-----+--|--+      linked through their next field
//	         v           v
//	      [record]    [record] -> [record] -> 0
//
//	ht[1].b  only while resizing: buckets of ht[0] below rehashIdx have been
//	         moved here (and are empty in ht[0]).
//
// Invariants:
//   - A record whose hash selects bucket i of ht[0] is in that bucket's chain
//     if i >= rehashIdx, and otherwise in the chain of ht[1] its hash
//     selects. So every key is in exactly one chain, computed from its hash:
//     lookups read one chain even while resizing, and inserts during a
//     resize go where the key belongs.
//   - Len and ExpiresLen count the records and those with an expire field.
//   - Bucket array sizes are powers of two, at least 4; a table with no
//     records has no bucket array (a new one, or one emptied when no
//     resize is in progress, which frees its array at once).
//
// Resizing is Valkey's classic incremental rehash (dict.c): an insert into a
// table holding as many records as buckets starts growing to twice the
// size; a delete that leaves fewer than one record per eight buckets
// starts shrinking. During a resize both arrays are kept, and every insert
// or delete first moves two non-empty buckets (visiting at most twenty
// empty ones); RehashStep and RehashFor move more for the cron. Moving a
// bucket relinks records and never copies them. No call does work in
// proportion to the table's size, except Clear.
//
// Scan is Valkey's dictScan: the cursor is incremented on its reversed bits
// so that it visits bucket indexes in an order that stays valid when the
// mask grows or shrinks, and while resizing it walks the smaller array's
// bucket and then every bucket of the larger array that expands it. A key
// present for a whole scan is returned at least once, whatever resizes
// happen between calls.
//
// Hashes are maphash of the key, with one random seed per Arena (so every
// Table of a shard hashes alike); the table keeps the low 32 bits.
//
// # Alternatives rejected
//
//   - A Go map of string to *object: the collector scans every key and every
//     pointer on each cycle, and at GOGC=100 the heap grows to twice the live
//     data before a collection. BenchmarkGoMap1M measures ~130 live bytes
//     per small entry before that headroom, against ~46 here.
//   - Open addressing (design.md's first sketch, Valkey 8.1's hashtable.c):
//     denser for pointer-sized entries, but cursors that survive resizes and
//     deletions need tombstones or bucket-chaining tricks, and relocating a
//     record would have to find its slot by probing. With 4-byte Refs and
//     one chain link per record, chaining costs 4 bytes per record plus 4-8
//     per bucket and keeps dictScan's proof.
//   - Records as Go byte slices, or a single growable []byte per shard: the
//     former is scanned like any pointer, the latter must copy the whole
//     shard to grow (a pause proportional to the data).
//   - 64-bit Refs: simpler addressing, but 4 more bytes per record and per
//     bucket, about 15% of a small key's footprint.
package kvtable
