package stream

import (
	"errors"
	"math"
	"strings"

	"petrel/internal/types/set/listpack"
)

// Stream is a stream value: its entries in packed nodes, its counters and
// its consumer groups.
//
//	Stream
//	 ├─ nodes nodeList      ordered by master ID; entries of a node are
//	 │   master ID          greater than its master and smaller than the
//	 │   lp (listpack)      next node's master (node.go has the layout)
//	 ├─ length, lastID, firstID, maxDeletedID, entriesAdded
//	 └─ groups (btree by name) -> Group (group.go)
//
// Valkey keeps the nodes in a radix tree keyed by the master ID; a
// chunked array (nodelist.go) does the same job here: appends go to the
// tail, trimming takes nodes off the head in O(1), lookups are binary
// searches. Only deleting a whole node in the middle (XDEL of its last
// live entry) moves the nodes after it. There is no per-entry object: an
// entry is bytes in a node.
type Stream struct {
	nodes        nodeList
	length       uint64
	lastID       ID
	firstID      ID // first live entry (0-0 when empty)
	maxDeletedID ID
	entriesAdded uint64
	groups       *btree[string, *Group] // nil until the first group
	seek         seekHint
	lastLive     ID   // LastLiveID's answer while lastLiveOK
	lastLiveOK   bool // set by Add, cleared by deletes and trims
	// spare is the buffer the last full tail node was built in, kept for
	// the next tail node once the full node was copied out (closeTail).
	spare []byte
	// slab is the free room of the block full nodes are copied into.
	slab []byte
}

// seekHint remembers the last entry a forward iteration returned: its node,
// its position and its ID. An iteration starting at or after that ID in
// the same node begins there rather than at the node's first entry, so
// reading a stream in order (XREADGROUP ">", XREAD from the last ID seen,
// XRANGE paging) does not rescan the node from its start on every call, an
// O(entries per node) walk that Valkey also does. Entries are only
// appended to a node or flagged in place, so the position stays right as
// long as the node's first entry has not moved (its master counters kept
// their encoded size: checked on use); deleting and trimming drop the
// hint.
type seekHint struct {
	master ID
	first  int // position of the node's first entry when recorded
	p      int // position of the entry's flags
	id     ID
	ok     bool
}

type node struct {
	master ID
	lp     []byte
}

// Config bounds the nodes (stream-node-max-bytes, stream-node-max-entries;
// 0 means no bound).
type Config struct {
	MaxBytes   int64
	MaxEntries int64
}

// DefaultConfig is Valkey's default.
var DefaultConfig = Config{MaxBytes: 4096, MaxEntries: 100}

// Errors of Add.
var (
	// ErrIDTooSmall: the ID is not greater than the stream's last ID.
	ErrIDTooSmall = errors.New("stream: ID equal or smaller than the top item")
	// ErrTooLarge: the entry cannot be stored in a node.
	ErrTooLarge = errors.New("stream: elements too large")
)

const (
	// maxNodeSize is the largest node (Valkey's STREAM_LISTPACK_MAX_SIZE).
	maxNodeSize = 1 << 30
	// maxPrealloc bounds the room a new tail node is created with.
	maxPrealloc = 4096
	// maxSlab is the largest block full nodes are packed into. A slab
	// wastes the room at its end that no node fits (1% at 64 KiB for 2 KB
	// nodes) and, while it is the newest, its unfilled room (counted in
	// used_memory): 256 KiB halves the first and adds more of the second,
	// measured no better at 1M entries and worse for smaller streams.
	maxSlab = 64 << 10
)

// New returns an empty stream.
func New() *Stream { return &Stream{} }

// Len is the number of live entries.
func (s *Stream) Len() uint64 { return s.length }

// LastID is the last ID ever added (or set by XSETID).
func (s *Stream) LastID() ID { return s.lastID }

// FirstID is the ID of the first live entry, 0-0 when empty (XINFO's
// recorded-first-entry-id).
func (s *Stream) FirstID() ID { return s.firstID }

// MaxDeletedID is the largest ID deleted by XDEL (or set by XSETID).
func (s *Stream) MaxDeletedID() ID { return s.maxDeletedID }

// EntriesAdded counts every entry ever added.
func (s *Stream) EntriesAdded() uint64 { return s.entriesAdded }

// SetLastID, SetEntriesAdded and SetMaxDeletedID are XSETID's changes; the
// caller checks them against the stream first.
func (s *Stream) SetLastID(id ID)          { s.lastID = id }
func (s *Stream) SetEntriesAdded(n uint64) { s.entriesAdded = n }
func (s *Stream) SetMaxDeletedID(id ID)    { s.maxDeletedID = id }

// Nodes is the number of nodes (XINFO's radix-tree-keys).
func (s *Stream) Nodes() int { return s.nodes.Len() }

// NextID is the ID Add gives an entry with no ID at time nowMs (unix ms):
// now, or the last ID's successor if the clock is not past it.
func (s *Stream) NextID(nowMs uint64) ID {
	if nowMs > s.lastID.Ms {
		return ID{Ms: nowMs}
	}
	id, _ := s.lastID.Incr()
	return id
}

// AddID resolves the ID of a new entry as Valkey's streamAppendItem: id as
// given when seqGiven, else id.Ms with the next sequence after the last ID
// of that millisecond (or 0). It returns ErrIDTooSmall when the result is
// not greater than the last ID.
func (s *Stream) AddID(id ID, seqGiven bool) (ID, error) {
	if !seqGiven {
		if s.lastID.Ms == id.Ms {
			if s.lastID.Seq == math.MaxUint64 {
				return ID{}, ErrIDTooSmall
			}
			id = ID{Ms: id.Ms, Seq: s.lastID.Seq + 1}
		} else {
			id.Seq = 0
		}
	}
	if id.Compare(s.lastID) <= 0 {
		return ID{}, ErrIDTooSmall
	}
	return id, nil
}

// Add appends an entry with ID id (which must be greater than LastID, as
// AddID makes it) and fields fv (field, value, ...).
func (s *Stream) Add(id ID, fv [][]byte, cfg Config) error {
	if id.Compare(s.lastID) <= 0 {
		return ErrIDTooSmall
	}
	total := 0
	for _, b := range fv {
		total += len(b)
	}
	if total > maxNodeSize {
		return ErrTooLarge
	}
	maxBytes := cfg.MaxBytes
	if maxBytes <= 0 || maxBytes > maxNodeSize {
		maxBytes = maxNodeSize
	}
	var h nodeHeader
	tail := s.nodes.last()
	if tail != nil {
		full := int64(len(tail.lp))+int64(total) >= maxBytes
		if !full {
			h = readHeader(tail.lp)
			full = cfg.MaxEntries > 0 && h.count+h.deleted >= cfg.MaxEntries
		}
		if full {
			s.closeTail(tail)
			tail = nil
		}
	}
	if tail == nil {
		s.newTailNode(id, fv, cfg)
		tail = s.nodes.last()
		h = readHeader(tail.lp)
	}
	tail.lp = appendEntry(tail.lp, h, tail.master, id, fv)
	s.length++
	s.entriesAdded++
	s.lastID = id
	s.lastLive, s.lastLiveOK = id, true
	if s.length == 1 {
		s.firstID = id
	}
	return nil
}

// newTailNode starts a node for the entry id with fields fv, in the spare
// buffer when there is one, else in Valkey's 4096 bytes of room (or
// stream-node-max-bytes).
func (s *Stream) newTailNode(id ID, fv [][]byte, cfg Config) {
	buf := s.spare
	s.spare = nil
	if buf == nil {
		n := maxPrealloc
		if cfg.MaxBytes > 0 && cfg.MaxBytes < maxPrealloc {
			n = int(cfg.MaxBytes)
		}
		buf = make([]byte, 0, n)
	}
	s.nodes.push(node{master: id, lp: newNode(buf, fv)})
}

// closeTail ends the tail node n, which is full: its bytes are copied
// into the stream's slab (packed end to end, so that a node costs its
// length and not the allocator's next size class: 2304 bytes for a
// 2060-byte node), and its roomy buffer is kept to build the next tail
// node in. Every node then costs no allocation of its own and leaves no
// garbage behind (growing nodes by copies, or shrinking them by one, made
// garbage the GC let pile up to its heap goal: RSS well above the live
// heap while a stream was loaded).
//
// A slab stays alive while any node in it does; nodes are appended in
// order and trimmed from the head, so slabs are freed as the head moves.
// A node dropped in the middle (XDEL of its last live entry), or one that
// grew again after closing, leaves its old bytes in the slab until the
// slab's other nodes go: at most maxSlab per slab.
func (s *Stream) closeTail(n *node) {
	lp := n.lp
	if len(lp) > maxSlab/4 {
		// A big node: its own allocation, unless it is nearly full.
		if slack := cap(lp) - len(lp); slack > 64 && slack > len(lp)/16 {
			n.lp = append(make([]byte, 0, len(lp)), lp...)
		}
		return
	}
	if cap(s.slab)-len(s.slab) < len(lp) {
		// Slabs grow with the stream, from a few nodes to maxSlab.
		size := min(maxSlab, max(4*len(lp), s.nodes.Len()*len(lp)/4))
		s.slab = append([]byte(nil), make([]byte, size)...)[:0] // capacity rounded up to the size class
	}
	at := len(s.slab)
	s.slab = append(s.slab, lp...)
	n.lp = s.slab[at:len(s.slab):len(s.slab)] // full capacity: appends copy out
	if cap(lp) > len(lp) && cap(lp) <= 2*maxPrealloc {
		s.spare = lp[:0] // not a slab's piece (no room), nor a one-off giant
	}
}

// nodeFor is the index of the node that would hold id: the last node whose
// master is <= id, or -1.
func (s *Stream) nodeFor(id ID) int {
	return s.nodes.search(id)
}

// find locates the live entry id: its node and the position of its flags.
func (s *Stream) find(id ID) (ni int, e entry, p int, ok bool) {
	ni = s.nodeFor(id)
	if ni < 0 {
		return 0, entry{}, 0, false
	}
	n := s.nodes.at(ni)
	h := readHeader(n.lp)
	for p = h.first; p >= 0; p = e.next {
		e = readEntry(n.lp, n.master, &h, p)
		if c := e.id.Compare(id); c >= 0 {
			return ni, e, p, c == 0 && e.flags&flagDeleted == 0
		}
	}
	return 0, entry{}, 0, false
}

// Exists reports whether id is a live entry.
func (s *Stream) Exists(id ID) bool {
	_, _, _, ok := s.find(id)
	return ok
}

// Delete removes the live entry id as XDEL does (the largest deleted ID
// and the first ID follow) and reports whether it existed.
func (s *Stream) Delete(id ID) bool {
	if !s.deleteEntry(id) {
		return false
	}
	if id.Compare(s.maxDeletedID) > 0 {
		s.maxDeletedID = id
	}
	if s.length == 0 {
		s.firstID = ID{}
	} else if id == s.firstID {
		s.firstID = s.edgeID(true)
	}
	return true
}

// deleteEntry flags the live entry id deleted, dropping its node when it
// was the node's last live entry.
func (s *Stream) deleteEntry(id ID) bool {
	ni, e, p, ok := s.find(id)
	if !ok {
		return false
	}
	n := s.nodes.at(ni)
	s.seek.ok, s.lastLiveOK = false, false
	if readHeader(n.lp).count == 1 {
		s.removeNode(ni)
	} else {
		n.lp = markDeleted(n.lp, p, e.flags)
	}
	s.length--
	return true
}

// removeNode drops node i.
func (s *Stream) removeNode(i int) {
	s.seek.ok, s.lastLiveOK = false, false
	s.nodes.remove(i)
}

// edgeID is the first (or last) live ID; MaxID (or 0-0) when there is
// none, as Valkey's streamGetEdgeID.
func (s *Stream) edgeID(first bool) ID {
	it := s.Range(MinID, MaxID, !first)
	if it.Next() {
		return it.ID()
	}
	if first {
		return MaxID
	}
	return MinID
}

// LastLiveID is the ID of the last live entry (0-0 when empty),
// remembered until a delete or a trim.
func (s *Stream) LastLiveID() ID {
	if s.length == 0 {
		return ID{}
	}
	if !s.lastLiveOK {
		s.lastLive, s.lastLiveOK = s.edgeID(false), true
	}
	return s.lastLive
}

// FirstEntryID is the ID of the first entry of the first node, live or
// not (0-0 when there is none): what an approximate MINID trim leaves.
func (s *Stream) FirstEntryID() ID {
	it := s.Range(MinID, MaxID, false)
	it.tombstones = true
	if it.Next() {
		return it.ID()
	}
	return ID{}
}

// Trim strategies.
const (
	TrimMaxLen = iota + 1
	TrimMinID
)

// TrimArgs is a trimming request (XTRIM, XADD MAXLEN/MINID).
type TrimArgs struct {
	Strategy int
	MaxLen   int64
	MinID    ID
	Approx   bool  // remove whole nodes only
	Limit    int64 // stop before removing more than this many (0: no limit)
}

// Trim removes entries from the head as Valkey's streamTrim and returns
// how many: whole nodes while they are entirely beyond the bound, then
// (unless approximate) the leading entries of the next node one by one.
func (s *Stream) Trim(a TrimArgs) int64 {
	if a.Strategy == 0 {
		return 0
	}
	s.seek.ok, s.lastLiveOK = false, false
	var deleted int64
	for s.nodes.Len() > 0 {
		if a.Strategy == TrimMaxLen && s.length <= uint64(a.MaxLen) {
			break
		}
		n := s.nodes.at(0)
		h := readHeader(n.lp)
		entries := h.count
		if a.Limit != 0 && deleted+entries > a.Limit {
			break
		}
		var removeNode bool
		if a.Strategy == TrimMaxLen {
			removeNode = int64(s.length)-entries >= a.MaxLen
		} else {
			last := ID{}
			if p := lastEntry(n.lp); p >= 0 {
				last = readEntry(n.lp, n.master, &h, p).id
			}
			removeNode = last.Less(a.MinID)
		}
		if removeNode {
			s.removeNode(0)
			s.length -= uint64(entries)
			deleted += entries
			continue
		}
		if a.Approx {
			break
		}
		var fromNode int64
		for p := h.first; p >= 0; {
			e := readEntry(n.lp, n.master, &h, p)
			var stop bool
			if a.Strategy == TrimMaxLen {
				stop = s.length <= uint64(a.MaxLen)
			} else {
				stop = !e.id.Less(a.MinID)
			}
			if stop {
				break
			}
			if e.flags&flagDeleted == 0 {
				// Flag it in place (flags keep their size), then find the
				// next entry again: the positions did not move.
				lpReplaceFlags(n.lp, p, e.flags|flagDeleted)
				fromNode++
				s.length--
			}
			p = e.next
		}
		deleted += fromNode
		first := listpack.First(n.lp)
		n.lp = replaceInt(n.lp, first, entries-fromNode)
		n.lp = replaceInt(n.lp, listpack.Next(n.lp, first), h.deleted+fromNode)
		break
	}
	if s.length == 0 {
		s.firstID = ID{}
	} else if deleted > 0 {
		s.firstID = s.edgeID(true)
	}
	return deleted
}

// lpReplaceFlags overwrites the one-byte flags element at p.
func lpReplaceFlags(lp []byte, p int, flags int64) { lp[p] = byte(flags) }

// RadixTreeNodes is the number of nodes Valkey's radix tree would have
// for this stream's nodes (XINFO's radix-tree-nodes): the tree is a
// compressed trie of the 16-byte big-endian master IDs, whose shape
// depends only on the set of keys (rax.c compresses chains again after a
// removal).
func (s *Stream) RadixTreeNodes() int {
	if s.nodes.Len() == 0 {
		return 1
	}
	keys := make([][16]byte, 0, s.nodes.Len())
	s.nodes.each(func(n *node) bool {
		keys = append(keys, n.master.key())
		return true
	})
	return raxNodes(keys, 0)
}

// raxNodes counts the radix tree nodes of sorted keys sharing their first
// d bytes, starting with the node at depth d: a compressed node down to
// their longest common prefix (if it is longer), then a branching node
// with one child per distinct next byte, down to the key nodes (leaves).
func raxNodes(keys [][16]byte, d int) int {
	if len(keys) == 1 {
		if d == 16 {
			return 1
		}
		return 2 // a compressed node for the rest of the key, then the key
	}
	l := d
	first, last := &keys[0], &keys[len(keys)-1]
	for l < 16 && first[l] == last[l] {
		l++
	}
	n := 1 // the node at depth d
	if l > d {
		n++ // compressed down to l, where the branching node is
	}
	for i := 0; i < len(keys); {
		j := i + 1
		for j < len(keys) && keys[j][l] == keys[i][l] {
			j++
		}
		n += raxNodes(keys[i:j], l+1)
		i = j
	}
	return n
}

// Clone returns a deep copy (COPY).
func (s *Stream) Clone() *Stream {
	c := *s
	c.slab, c.spare = nil, nil // their free room is s's to fill
	c.nodes = nodeList{}
	s.nodes.each(func(n *node) bool {
		c.nodes.push(node{master: n.master, lp: append([]byte(nil), n.lp...)})
		return true
	})
	if s.groups != nil {
		c.groups = cloneGroups(s.groups)
	}
	return &c
}

// MemoryUsage estimates the bytes the stream holds, as MEMORY USAGE:
// the nodes (sampling at most samples of them and extrapolating; 0 means
// all) and the consumer groups.
func (s *Stream) MemoryUsage(samples int) int {
	const streamHeader = 120
	n := streamHeader + s.nodes.slots()*40
	if nodes := s.nodes.Len(); nodes > 0 {
		if samples <= 0 || samples > nodes {
			samples = nodes
		}
		sum := 0
		for i := 0; i < samples; i++ {
			sum += cap(s.nodes.at(i).lp)
		}
		n += sum * nodes / samples
	}
	if s.groups != nil {
		n += groupsMemory(s.groups)
	}
	return n
}

// SerializedLength estimates the stream's RDB size (DEBUG OBJECT): per
// node its master ID and listpack as strings, then the counters, and per
// group its IDs, PEL and consumers.
func (s *Stream) SerializedLength() int {
	n := rdbLenLen(uint64(s.nodes.Len()))
	s.nodes.each(func(nd *node) bool {
		n += rdbLenLen(16) + 16 + rdbLenLen(uint64(len(nd.lp))) + len(nd.lp)
		return true
	})
	n += rdbLenLen(s.length) + rdbLenLen(s.lastID.Ms) + rdbLenLen(s.lastID.Seq)
	n += rdbLenLen(s.firstID.Ms) + rdbLenLen(s.firstID.Seq)
	n += rdbLenLen(s.maxDeletedID.Ms) + rdbLenLen(s.maxDeletedID.Seq) + rdbLenLen(s.entriesAdded)
	n += rdbLenLen(uint64(s.NumGroups()))
	s.EachGroup(func(name string, g *Group) bool {
		n += rdbLenLen(uint64(len(name))) + len(name)
		n += rdbLenLen(g.lastID.Ms) + rdbLenLen(g.lastID.Seq) + rdbLenLen(uint64(g.entriesRead))
		n += rdbLenLen(uint64(g.pel.Len())) + g.pel.Len()*(16+8+1)
		n += rdbLenLen(uint64(g.consumers.Len()))
		g.consumers.ascendAll(func(name string, c **Consumer) bool {
			n += rdbLenLen(uint64(len(name))) + len(name) + 8 + 8
			n += rdbLenLen(uint64((*c).pel.Len())) + (*c).pel.Len()*16
			return true
		})
		return true
	})
	return n
}

// rdbLenLen is the size of an RDB length encoding of v.
func rdbLenLen(v uint64) int {
	switch {
	case v < 1<<6:
		return 1
	case v < 1<<14:
		return 2
	case v <= math.MaxUint32:
		return 5
	}
	return 9
}

// compareNames orders group and consumer names as Valkey's radix trees:
// bytewise.
func compareNames(a, b string) int { return strings.Compare(a, b) }
