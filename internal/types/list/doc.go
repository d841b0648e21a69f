// Package list is the list value type: Valkey's two list encodings, a
// single listpack for small lists and a quicklist (a chain of listpack
// nodes without backlens, large elements in plain nodes of their own) for
// large ones, with Valkey's conversion rules between them. It is pure
// data: no locks (but NodeMem's, where quicklist nodes live), no I/O, no
// protocol.
//
// Usage:
//
//	cfg := list.Config{Fill: -2, Mem: list.NewNodeMem()} // one NodeMem per server
//	l := list.New()
//	l.Push(&cfg, false, []byte("a"), []byte("b"))   // RPUSH
//	v, _ := l.Pop(true, buf[:0])                    // LPOP
//	l.Shrink(&cfg)                                  // after removals
//	it := l.IterFrom(0, false)
//	for e, ok := it.Next(); ok; e, ok = it.Next() { ... }
//
// Caller's duties:
//  1. Serialise access to a list (the keyspace shard lock).
//  2. Pass the configuration in force to each operation (Config); call
//     Shrink after pops, as Valkey converts once per command.
//  3. Delete the key when a list becomes empty: an empty list is valid
//     here but never stored.
//  4. Check bytes from outside with ValidateListpack (or FromNodes) before
//     use: the other functions trust the encoding.
//  5. Copy a Value's bytes before changing the list: they alias it.
package list
