package stream

// Consumer groups, as Valkey's (t_stream.c):
//
//	Group
//	 ├─ lastID, entriesRead   last delivered ID; logical reads counter
//	 ├─ pel      btree ID -> Pending{time, count, consumer}
//	 └─ consumers btree name -> *Consumer
//	                              ├─ seenTime, activeTime
//	                              └─ pel btree ID -> (nothing)
//
// Every pending (delivered, not acknowledged) entry is in the group's PEL,
// which names its consumer, and in that consumer's PEL; the two are kept
// in step by every operation here. The PEL values live inside the tree
// nodes: no allocation per pending entry.

// InvalidEntriesRead is the entries-read value of a group whose counter is
// unknown.
const InvalidEntriesRead = -1

// Group is a consumer group.
type Group struct {
	lastID      ID
	entriesRead int64
	pel         *btree[ID, Pending]
	consumers   *btree[string, *Consumer]
}

// Pending is a delivered, unacknowledged entry.
type Pending struct {
	DeliveryTime  int64 // unix ms of the last delivery
	DeliveryCount uint64
	Consumer      *Consumer // nil only transiently (XCLAIM FORCE)
}

// Consumer is a member of a group.
type Consumer struct {
	name       string
	SeenTime   int64 // unix ms of its last read or claim attempt
	ActiveTime int64 // unix ms of its last successful one, -1 if never
	pel        *btree[ID, struct{}]
}

// Name is the consumer's name.
func (c *Consumer) Name() string { return c.name }

// PendingLen is the number of entries pending for this consumer.
func (c *Consumer) PendingLen() int { return c.pel.Len() }

// EachPending calls fn for the consumer's pending entries from ID from on,
// in order, until fn returns false. fn must not change the group.
func (c *Consumer) EachPending(g *Group, from ID, fn func(id ID, p *Pending) bool) {
	c.pel.ascend(from, func(id ID, _ *struct{}) bool {
		return fn(id, g.pel.ptr(id))
	})
}

func compareIDs(a, b ID) int { return a.Compare(b) }

func newGroup(lastID ID, entriesRead int64) *Group {
	return &Group{
		lastID:      lastID,
		entriesRead: entriesRead,
		pel:         newBtree[ID, Pending](compareIDs),
		consumers:   newBtree[string, *Consumer](compareNames),
	}
}

// Group returns the group name, or nil.
func (s *Stream) Group(name []byte) *Group {
	if s.groups == nil {
		return nil
	}
	g, _ := s.groups.get(string(name))
	return g
}

// CreateGroup adds a group; nil if the name is taken.
func (s *Stream) CreateGroup(name []byte, lastID ID, entriesRead int64) *Group {
	if s.groups == nil {
		s.groups = newBtree[string, *Group](compareNames)
	}
	g := newGroup(lastID, entriesRead)
	if !s.groups.insert(string(name), g) {
		return nil
	}
	return g
}

// DestroyGroup removes a group and reports whether it existed.
func (s *Stream) DestroyGroup(name []byte) bool {
	if s.groups == nil {
		return false
	}
	_, ok := s.groups.delete(string(name))
	return ok
}

// NumGroups is the number of groups.
func (s *Stream) NumGroups() int {
	if s.groups == nil {
		return 0
	}
	return s.groups.Len()
}

// EachGroup calls fn for each group in name order until it returns false.
func (s *Stream) EachGroup(fn func(name string, g *Group) bool) {
	if s.groups == nil {
		return
	}
	s.groups.ascendAll(func(name string, g **Group) bool { return fn(name, *g) })
}

// LastID is the group's last delivered ID.
func (g *Group) LastID() ID { return g.lastID }

// EntriesRead is the group's logical read counter, InvalidEntriesRead if
// unknown.
func (g *Group) EntriesRead() int64 { return g.entriesRead }

// SetID is XGROUP SETID.
func (g *Group) SetID(id ID, entriesRead int64) { g.lastID, g.entriesRead = id, entriesRead }

// RaiseLastID sets the last delivered ID to id if it is greater (XCLAIM
// LASTID) and reports whether it did.
func (g *Group) RaiseLastID(id ID) bool {
	if id.Compare(g.lastID) > 0 {
		g.lastID = id
		return true
	}
	return false
}

// PendingLen is the size of the group's PEL.
func (g *Group) PendingLen() int { return g.pel.Len() }

// PendingBounds are the smallest and largest pending IDs.
func (g *Group) PendingBounds() (first, last ID, ok bool) {
	first, _, ok = g.pel.min()
	if !ok {
		return
	}
	last, _, _ = g.pel.max()
	return
}

// Pending returns the PEL entry id, or nil.
func (g *Group) Pending(id ID) *Pending { return g.pel.ptr(id) }

// EachPending calls fn for the PEL entries from ID from on, in order,
// until fn returns false. fn must not change the group.
func (g *Group) EachPending(from ID, fn func(id ID, p *Pending) bool) {
	g.pel.ascend(from, fn)
}

// SeekPending is the first PEL entry with ID >= from.
func (g *Group) SeekPending(from ID) (ID, *Pending, bool) { return g.pel.seek(from) }

// NumConsumers is the number of consumers.
func (g *Group) NumConsumers() int { return g.consumers.Len() }

// EachConsumer calls fn for each consumer in name order until it returns
// false.
func (g *Group) EachConsumer(fn func(c *Consumer) bool) {
	g.consumers.ascendAll(func(_ string, c **Consumer) bool { return fn(*c) })
}

// Consumer returns the consumer name, or nil.
func (g *Group) Consumer(name []byte) *Consumer {
	c, _ := g.consumers.get(string(name))
	return c
}

// CreateConsumer adds a consumer seen at now; nil if it exists.
func (g *Group) CreateConsumer(name []byte, now int64) *Consumer {
	c := &Consumer{name: string(name), SeenTime: now, ActiveTime: -1, pel: newBtree[ID, struct{}](compareIDs)}
	if !g.consumers.insert(c.name, c) {
		return nil
	}
	return c
}

// DeleteConsumer removes a consumer and its pending entries (from the
// group's PEL too) and returns how many it had.
func (g *Group) DeleteConsumer(c *Consumer) int {
	n := c.pel.Len()
	c.pel.ascendAll(func(id ID, _ *struct{}) bool {
		g.pel.delete(id)
		return true
	})
	g.consumers.delete(c.name)
	return n
}

// Ack removes id from the PELs and reports whether it was pending.
func (g *Group) Ack(id ID) bool {
	p, ok := g.pel.delete(id)
	if !ok {
		return false
	}
	if p.Consumer != nil {
		p.Consumer.pel.delete(id)
	}
	return true
}

// Deliver records that entry id of s was read by consumer at now, as
// Valkey's streamReplyWithRange with a group: the last delivered ID and
// the read counter advance, and unless noack the entry becomes pending for
// the consumer (taken over from another consumer if it was pending there,
// after an XGROUP SETID).
func (g *Group) Deliver(s *Stream, id ID, c *Consumer, now int64, noack bool) {
	if id.Compare(g.lastID) > 0 {
		if g.entriesRead != InvalidEntriesRead && g.lastID.Compare(s.firstID) >= 0 &&
			!s.hasTombstonesFrom(g.lastID) {
			g.entriesRead++
		} else if s.entriesAdded != 0 {
			g.entriesRead = s.EntriesReadAt(id)
		}
		g.lastID = id
	}
	if noack {
		return
	}
	p, added := g.pel.upsert(id)
	if !added && p.Consumer != nil {
		p.Consumer.pel.delete(id)
	}
	*p = Pending{DeliveryTime: now, DeliveryCount: 1, Consumer: c}
	c.pel.insert(id, struct{}{})
	c.ActiveTime = now
}

// Redeliver counts one more delivery of a pending entry (XREADGROUP
// reading a consumer's history).
func (p *Pending) Redeliver(now int64) {
	p.DeliveryTime = now
	p.DeliveryCount++
}

// Forget removes a pending entry whose stream entry no longer exists
// (XCLAIM, XAUTOCLAIM).
func (g *Group) Forget(id ID) { g.Ack(id) }

// ClaimOptions are XCLAIM's settings for a claimed entry.
type ClaimOptions struct {
	DeliveryTime int64 // the new last delivery time
	RetryCount   int64 // the new delivery count, or -1 to count one more
	JustID       bool  // with RetryCount -1: leave the count as it is
}

// Claim gives pending entry id to consumer c. A nil p (XCLAIM FORCE on an
// entry that was not pending) creates the PEL entry first, delivered once
// at now.
func (g *Group) Claim(id ID, c *Consumer, now int64, o ClaimOptions) {
	p := g.pel.ptr(id)
	if p == nil {
		g.pel.insert(id, Pending{DeliveryTime: now, DeliveryCount: 1})
		p = g.pel.ptr(id)
	}
	old := p.Consumer
	if old != c && old != nil {
		old.pel.delete(id)
	}
	p.DeliveryTime = o.DeliveryTime
	switch {
	case o.RetryCount >= 0:
		p.DeliveryCount = uint64(o.RetryCount)
	case !o.JustID:
		p.DeliveryCount++
	}
	if old != c {
		p.Consumer = c
		c.pel.insert(id, struct{}{})
	}
	c.ActiveTime = now
}

// hasTombstonesFrom reports whether a deleted entry may lie at or after
// id (Valkey's streamRangeHasTombstones(s, id, NULL)).
func (s *Stream) hasTombstonesFrom(id ID) bool {
	if s.length == 0 || s.maxDeletedID.IsZero() {
		return false
	}
	return id.Compare(s.maxDeletedID) <= 0
}

// EntriesReadAt is the logical read counter of id, the number of entries
// from the first ever added up to id, or InvalidEntriesRead when it cannot
// be known (Valkey's streamEstimateDistanceFromFirstEverEntry).
func (s *Stream) EntriesReadAt(id ID) int64 {
	if s.entriesAdded == 0 {
		return 0
	}
	if s.length == 0 && id.Compare(s.lastID) < 1 {
		return int64(s.entriesAdded)
	}
	if !id.IsZero() && id.Compare(s.maxDeletedID) < 0 {
		return InvalidEntriesRead
	}
	switch c := id.Compare(s.lastID); {
	case c == 0:
		return int64(s.entriesAdded)
	case c > 0:
		return InvalidEntriesRead
	}
	cmpFirst := id.Compare(s.firstID)
	if s.maxDeletedID.IsZero() || s.maxDeletedID.Compare(s.firstID) < 0 {
		switch {
		case cmpFirst < 0:
			return int64(s.entriesAdded - s.length)
		case cmpFirst == 0:
			return int64(s.entriesAdded - s.length + 1)
		}
	}
	return InvalidEntriesRead
}

// Lag is the number of entries the group has yet to read; ok is false
// when it cannot be known (Valkey's streamReplyWithCGLag).
func (s *Stream) Lag(g *Group) (int64, bool) {
	if s.entriesAdded == 0 {
		return 0, true
	}
	if g.entriesRead != InvalidEntriesRead && !s.hasTombstonesFrom(g.lastID) {
		return int64(s.entriesAdded) - g.entriesRead, true
	}
	if r := s.EntriesReadAt(g.lastID); r != InvalidEntriesRead {
		return int64(s.entriesAdded) - r, true
	}
	return 0, false
}

// cloneGroups deep-copies the groups (COPY): consumers first, then each
// PEL entry pointing at its consumer's copy.
func cloneGroups(src *btree[string, *Group]) *btree[string, *Group] {
	return src.clone(func(g *Group) *Group {
		ng := newGroup(g.lastID, g.entriesRead)
		byOld := make(map[*Consumer]*Consumer, g.consumers.Len())
		ng.consumers = g.consumers.clone(func(c *Consumer) *Consumer {
			nc := &Consumer{name: c.name, SeenTime: c.SeenTime, ActiveTime: c.ActiveTime}
			nc.pel = c.pel.clone(func(struct{}) struct{} { return struct{}{} })
			byOld[c] = nc
			return nc
		})
		ng.pel = g.pel.clone(func(p Pending) Pending {
			p.Consumer = byOld[p.Consumer]
			return p
		})
		return ng
	})
}

// groupsMemory estimates the bytes of the groups (MEMORY USAGE).
func groupsMemory(groups *btree[string, *Group]) int {
	n := 0
	groups.ascendAll(func(name string, g **Group) bool {
		n += 64 + len(name)
		nodes, slots := (*g).pel.nodes()
		n += nodes*64 + slots*40
		(*g).consumers.ascendAll(func(name string, c **Consumer) bool {
			n += 80 + len(name)
			nodes, slots := (*c).pel.nodes()
			n += nodes*64 + slots*16
			return true
		})
		return true
	})
	return n
}
