// Package stream is the stream value type: entries with 128-bit IDs packed
// into listpack nodes byte-identical to Valkey's (node.go), the counters
// Valkey keeps (last ID, first live ID, largest deleted ID, entries added),
// and consumer groups with their pending entries lists (group.go). It
// knows nothing of RESP or of the keyspace.
//
//	s := stream.New()
//	id, err := s.AddID(stream.ID{Ms: 5}, false) // "5-*"
//	err = s.Add(id, [][]byte{[]byte("f"), []byte("v")}, stream.DefaultConfig)
//	it := s.Range(stream.MinID, stream.MaxID, false)
//	for it.Next() { ... it.ID(), it.Field() ... }
//
// Caller's duties:
//  1. Hold whatever lock guards the value: nothing here is safe for
//     concurrent use.
//  2. Give Add IDs greater than LastID (AddID and NextID compute them) and
//     an even number of field/value byte slices; pass the configuration
//     in force (stream-node-max-bytes/-entries) on every Add.
//  3. Do not change the stream while an Iterator is in use, nor keep
//     pointers from Pending/SeekPending across changes of the group.
//  4. Validate node bytes from outside (RDB, RESTORE) with ValidateNode.
//
// Alternatives rejected: one Go object per entry (a pointer and a header
// per entry, scanned by the GC: several times Valkey's memory); a radix
// tree of nodes as Valkey has (a sorted chunked array with binary search,
// nodelist.go, does the same for nodes that are appended at the tail and
// trimmed at the head); a private packed format (node sizes decide where
// stream-node-max-bytes splits nodes, which XINFO shows, and RDB stores
// these bytes).
package stream
