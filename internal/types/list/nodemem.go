package list

import (
	"sync"

	"petrel/internal/kvtable"
)

// NodeMem is where the packed nodes of quicklists live: a kvtable.Arena,
// mapped outside the Go heap. A quicklist's 8 KB nodes are the bulk of a
// long list; as Go heap objects each had a span of its own and its share
// of the collector's metadata (about 10% over the node bytes, measured),
// here they cost their slot and nothing more. Plain nodes (one large
// element) and listpack-encoded lists stay on the Go heap.
//
// One NodeMem serves a whole server: node allocations are rare (one per
// few hundred pushes), so one mutex is enough, and a list renamed into
// another shard keeps its nodes where they are. A quicklist frees its
// nodes itself as they go away, and all that remain when it becomes
// unreachable (runtime.AddCleanup), so deleting, overwriting or flushing
// a list needs no hook in the keyspace.
//
// A nil *NodeMem means the Go heap (tests, tools).
type NodeMem struct {
	mu   sync.Mutex
	a    *kvtable.Arena
	live map[kvtable.Ref]bool // tests: the blocks handed out, to catch double frees
}

// NewNodeMem returns an empty NodeMem; it maps nothing until used.
func NewNodeMem() *NodeMem {
	a := kvtable.NewArena()
	a.NoHugePages()
	return &NodeMem{a: a}
}

// Resident is the bytes of the NodeMem's mappings in use (its share of
// used_memory).
func (m *NodeMem) Resident() int64 {
	if m == nil {
		return 0
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.a.Resident()
}

// Used is the bytes of live nodes, each at its slot size.
func (m *NodeMem) Used() int64 {
	if m == nil {
		return 0
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.a.Used()
}

// alloc returns a block of capacity at least n, its first n bytes in use.
// Blocks above the arena's largest slot (nodes of 32 and 64 KB, fill -4
// and -5) come from the Go heap (ref 0), where their per-object cost is
// small, rather than a mapping each.
func (m *NodeMem) alloc(n int) (kvtable.Ref, []byte) {
	if n > kvtable.MaxSlot {
		return 0, make([]byte, n)
	}
	m.mu.Lock()
	r, b := m.a.Alloc(n)
	if m.live != nil {
		m.live[r] = true
	}
	m.mu.Unlock()
	return r, b[:n]
}

func (m *NodeMem) free(r kvtable.Ref) {
	m.mu.Lock()
	m.freeLocked(r)
	m.mu.Unlock()
}

func (m *NodeMem) freeLocked(r kvtable.Ref) {
	if m.live != nil {
		if !m.live[r] {
			panic("list: node block freed twice")
		}
		delete(m.live, r)
	}
	m.a.Free(r)
}

// freeAll frees the refs of nodes under one lock.
func (m *NodeMem) freeAll(nodes []node) {
	m.mu.Lock()
	for i := range nodes {
		if r := nodes[i].ref; r != 0 {
			m.freeLocked(r)
			nodes[i].ref = 0
		}
	}
	m.mu.Unlock()
}
