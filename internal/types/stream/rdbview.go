package stream

import "errors"

// RDB view: what the RDB encoder reads from a stream and what the RDB
// loader uses to rebuild one (internal/persist/rdb; the conversion lives in
// the commands package). Nodes travel as they are: Valkey's RDB stores a
// stream's listpacks verbatim, keyed by their master ID.

// ErrCorruptRDB reports stream state from an RDB that is inconsistent.
var ErrCorruptRDB = errors.New("stream: inconsistent RDB stream")

// EachNode calls fn with each node's master ID and listpack, in order,
// until fn returns false. The bytes alias the stream.
func (s *Stream) EachNode(fn func(master ID, lp []byte) bool) {
	s.nodes.each(func(n *node) bool { return fn(n.master, n.lp) })
}

// LoadNode appends a node read from an RDB. lp must have passed
// ValidateNode; master IDs must be given in increasing order.
func (s *Stream) LoadNode(master ID, lp []byte) error {
	if last := s.nodes.last(); last != nil && !last.master.Less(master) {
		return ErrCorruptRDB
	}
	s.nodes.push(node{master: master, lp: lp})
	s.seek = seekHint{}
	s.lastLiveOK = false
	return nil
}

// LoadState sets the counters an RDB stores after the nodes.
func (s *Stream) LoadState(length uint64, last, first, maxDeleted ID, entriesAdded uint64) {
	s.length, s.lastID, s.firstID, s.maxDeletedID, s.entriesAdded = length, last, first, maxDeleted, entriesAdded
	s.seek = seekHint{}
	s.lastLiveOK = false
}

// LoadPending adds a pending entry read from an RDB to the group's PEL,
// without a consumer yet (LoadConsumerPending assigns it). false if id is
// already pending.
func (g *Group) LoadPending(id ID, deliveryTime int64, deliveryCount uint64) bool {
	p, added := g.pel.upsert(id)
	if !added {
		return false
	}
	*p = Pending{DeliveryTime: deliveryTime, DeliveryCount: deliveryCount}
	return true
}

// LoadConsumerPending gives the group's pending entry id to consumer c.
// false if id is not in the group's PEL or already has a consumer.
func (g *Group) LoadConsumerPending(c *Consumer, id ID) bool {
	p := g.pel.ptr(id)
	if p == nil || p.Consumer != nil {
		return false
	}
	p.Consumer = c
	return c.pel.insert(id, struct{}{})
}

// Orphans reports whether a pending entry has no consumer.
func (g *Group) Orphans() bool {
	orphan := false
	g.pel.ascendAll(func(_ ID, p *Pending) bool {
		orphan = p.Consumer == nil
		return !orphan
	})
	return orphan
}
