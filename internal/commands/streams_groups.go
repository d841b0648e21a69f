package commands

// Consumer groups (XGROUP, XACK, XPENDING, XCLAIM, XAUTOCLAIM) and XINFO,
// as Valkey 9's t_stream.c. The type work is in internal/types/stream
// (group.go); these handlers parse, check in Valkey's order and reply.
//
// Propagation (replicas, AOF), as Valkey: XGROUP, XACK, XSETID go
// verbatim. XREADGROUP, XCLAIM and XAUTOCLAIM never go themselves (their
// effect depends on the clock and on the PEL); what they did goes as
// idempotent commands instead: every PEL entry they created, moved or
// found deleted as "XCLAIM key group consumer 0 id TIME ms RETRYCOUNT n
// FORCE JUSTID LASTID last-id" (a replica without the entry drops its
// PEL entry), a new last delivered ID as "XGROUP SETID key group id
// ENTRIESREAD n", and a consumer that a NOACK read created as "XGROUP
// CREATECONSUMER key group consumer".

import (
	"math"
	"strconv"

	"petrel/internal/cmdspec"
	"petrel/internal/errs"
	"petrel/internal/keyspace"
	"petrel/internal/resp"
	"petrel/internal/server"
	"petrel/internal/types/stream"
)

func subcommandSyntaxError(c *server.Ctx) { c.W.Error(cmdspec.SubcommandSyntaxError(c.Args)) }

// writeHelp writes a container's HELP reply as Valkey's addReplyHelp.
func writeHelp(c *server.Ctx, header string, lines []string) {
	c.W.Array(len(lines) + 3)
	c.W.Simple(header)
	for _, l := range lines {
		c.W.Simple(l)
	}
	c.W.Simple("HELP")
	c.W.Simple("    Print this help.")
}

var xgroupHelp = []string{
	"CREATE <key> <groupname> <id|$> [option]",
	"    Create a new consumer group. Options are:",
	"    * MKSTREAM",
	"      Create the empty stream if it does not exist.",
	"    * ENTRIESREAD entries_read",
	"      Set the group's entries_read counter (internal use).",
	"CREATECONSUMER <key> <groupname> <consumer>",
	"    Create a new consumer in the specified group.",
	"DELCONSUMER <key> <groupname> <consumer>",
	"    Remove the specified consumer.",
	"DESTROY <key> <groupname>",
	"    Remove the specified group.",
	"SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
	"    Set the current group ID and entries_read counter.",
}

// cmdXGroup is every XGROUP subcommand, checked in Valkey's order: the
// options of CREATE/SETID, the key, the group, then the subcommand.
func cmdXGroup(c *server.Ctx) {
	args := c.Args
	opt := args[1]
	create := server.EqualFold(opt, "create")
	setid := server.EqualFold(opt, "setid")
	mkstream := false
	entriesRead := int64(stream.InvalidEntriesRead)
	var s *streamValue
	var g *stream.Group
	var key, name []byte
	if len(args) >= 4 {
		for i := 5; i < len(args); {
			switch {
			case create && server.EqualFold(args[i], "mkstream"):
				mkstream = true
				i++
			case (create || setid) && server.EqualFold(args[i], "entriesread") && i+1 < len(args):
				n, err := parseLongLong(args[i+1], nil)
				if err != nil {
					c.Error(err)
					return
				}
				if n < 0 && n != stream.InvalidEntriesRead {
					c.Error(errs.StreamEntriesRead)
					return
				}
				entriesRead = n
				i += 2
			default:
				subcommandSyntaxError(c)
				return
			}
		}
		key, name = args[2], args[3]
		var err error
		if s, err = writeStream(c.DB, key); err != nil {
			c.Error(err)
			return
		}
	}
	if len(args) >= 4 && !mkstream {
		if s == nil {
			c.Error(errs.StreamXGroupNoKey)
			return
		}
		if g = s.Group(name); g == nil && !create && !server.EqualFold(opt, "destroy") {
			c.Error(errs.StreamNoGroup(string(name), string(key)))
			return
		}
	}
	argc := len(args)
	switch {
	case argc == 2 && server.EqualFold(opt, "help"):
		writeHelp(c, "XGROUP <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", xgroupHelp)
	case create && argc >= 5 && argc <= 8:
		var id stream.ID
		if isOneChar(args[4], '$') {
			if s != nil {
				id = s.LastID()
			}
		} else {
			var err error
			if id, err = parseStrictID(args[4]); err != nil {
				c.Error(err)
				return
			}
		}
		created := false
		if s == nil {
			s = newStreamValue()
			c.DB.SetObject(key, keyspace.TypeStream, keyspace.EncStream, s, 0)
			created = true
		}
		if s.CreateGroup(name, id, entriesRead) == nil {
			c.Error(errs.StreamBusyGroup)
			return
		}
		if created {
			c.Modified(key, "xgroup-create") // MKSTREAM: the key changed too
		} else {
			notified(c, key, "xgroup-create")
		}
		c.W.OK()
	case setid && (argc == 5 || argc == 7):
		var id stream.ID
		if isOneChar(args[4], '$') {
			id = s.LastID()
		} else {
			p, ok := stream.Parse(args[4], stream.ParseOptions{})
			if !ok {
				c.Error(errs.StreamInvalidID)
				return
			}
			id = p.ID
		}
		g.SetID(id, entriesRead)
		notified(c, key, "xgroup-setid")
		c.W.OK()
	case server.EqualFold(opt, "destroy") && argc == 4:
		if g == nil {
			c.W.Int(0)
			return
		}
		s.DestroyGroup(name)
		notified(c, key, "xgroup-destroy")
		c.W.Int(1)
		c.DB.SignalReady(key) // blocked XREADGROUPs reply -NOGROUP
	case server.EqualFold(opt, "createconsumer") && argc == 5:
		if g.CreateConsumer(args[4], nowMs(c)) == nil {
			c.W.Int(0)
			return
		}
		notified(c, key, "xgroup-createconsumer")
		c.W.Int(1)
	case server.EqualFold(opt, "delconsumer") && argc == 5:
		pending := 0
		if cons := g.Consumer(args[4]); cons != nil {
			pending = g.DeleteConsumer(cons)
			notified(c, key, "xgroup-delconsumer")
		}
		c.W.Int(int64(pending))
	default:
		subcommandSyntaxError(c)
	}
}

// cmdXAck: XACK key group id [id ...]. A missing key or group acknowledges
// nothing (before the IDs are checked); the IDs are all checked before any
// is acknowledged.
func cmdXAck(c *server.Ctx) {
	s, err := readStream(c.DB, c.Args[1])
	if err != nil {
		c.Error(err)
		return
	}
	var g *stream.Group
	if s != nil {
		g = s.Group(c.Args[2])
	}
	if g == nil {
		c.W.Int(0)
		return
	}
	ids, err := parseStrictIDs(c.Args[3:])
	if err != nil {
		c.Error(err)
		return
	}
	n := 0
	for _, id := range ids {
		if g.Ack(id) {
			n++
		}
	}
	c.ModifiedN(int64(n))
	c.W.Int(int64(n))
}

// groupOf finds key's group for XPENDING, XCLAIM and XAUTOCLAIM: WRONGTYPE,
// or -NOGROUP when the key or the group is missing.
func groupOf(c *server.Ctx, key, group []byte) (*streamValue, *stream.Group, error) {
	s, err := readStream(c.DB, key)
	if err != nil {
		return nil, nil, err
	}
	var g *stream.Group
	if s != nil {
		g = s.Group(group)
	}
	if g == nil {
		return nil, nil, errs.StreamNoKeyOrGroup(string(key), string(group))
	}
	return s, g, nil
}

// cmdXPending: XPENDING key group [[IDLE min-idle] start end count
// [consumer]]: the summary, or the pending entries in a range.
func cmdXPending(c *server.Ctx) {
	args := c.Args
	argc := len(args)
	if argc != 3 && (argc < 6 || argc > 9) {
		c.Error(errs.Syntax)
		return
	}
	var start, end stream.ID
	var count, minIdle int64
	var consumerName []byte
	if argc >= 6 {
		at := 3
		if server.EqualFold(args[3], "idle") {
			var err error
			if minIdle, err = parseLongLong(args[4], nil); err != nil {
				c.Error(err)
				return
			}
			if argc < 8 {
				c.Error(errs.Syntax)
				return
			}
			at += 2
		}
		var err error
		if count, err = parseLongLong(args[at+2], nil); err != nil {
			c.Error(err)
			return
		}
		count = max(count, 0)
		if start, err = parseRangeStart(args[at]); err != nil {
			c.Error(err)
			return
		}
		if end, err = parseRangeEnd(args[at+1]); err != nil {
			c.Error(err)
			return
		}
		if at+3 < argc {
			consumerName = args[at+3]
		}
	}
	_, g, err := groupOf(c, args[1], args[2])
	if err != nil {
		c.Error(err)
		return
	}
	w := c.W
	if argc == 3 {
		w.Array(4)
		w.Int(int64(g.PendingLen()))
		first, last, ok := g.PendingBounds()
		if !ok {
			w.Null()
			w.Null()
			w.NullArray()
			return
		}
		writeID(w, first)
		writeID(w, last)
		d := w.DeferArray()
		n := 0
		g.EachConsumer(func(cons *stream.Consumer) bool {
			if cons.PendingLen() > 0 {
				w.Array(2)
				w.BulkString(cons.Name())
				w.BulkInt(int64(cons.PendingLen()))
				n++
			}
			return true
		})
		w.Finish(d, n)
		return
	}
	now := nowMs(c)
	d := w.DeferArray()
	written := 0
	emit := func(id stream.ID, p *stream.Pending) bool {
		if count == 0 || end.Less(id) {
			return false
		}
		if minIdle != 0 && now-p.DeliveryTime < minIdle {
			return true
		}
		count--
		written++
		w.Array(4)
		writeID(w, id)
		w.BulkString(p.Consumer.Name())
		w.Int(max(now-p.DeliveryTime, 0))
		w.Int(int64(p.DeliveryCount))
		return true
	}
	if consumerName == nil {
		g.EachPending(start, emit)
	} else if cons := g.Consumer(consumerName); cons != nil {
		cons.EachPending(g, start, emit)
	}
	w.Finish(d, written)
}

// --- propagation ----------------------------------------------------------------

// propagateClaim adds the XCLAIM that makes a replica's PEL entry id (the
// ID argument as given) of group like p, with lastID as the group's last
// delivered ID (Valkey's streamPropagateXCLAIM).
func propagateClaim(c *server.Ctx, key, group, id []byte, p *stream.Pending, lastID stream.ID) {
	if !c.Propagating() || p == nil || p.Consumer == nil {
		return
	}
	c.AlsoPropagate([]byte("XCLAIM"), key, group, []byte(p.Consumer.Name()), []byte("0"), id,
		[]byte("TIME"), strconv.AppendInt(nil, p.DeliveryTime, 10),
		[]byte("RETRYCOUNT"), strconv.AppendUint(nil, p.DeliveryCount, 10),
		[]byte("FORCE"), []byte("JUSTID"), []byte("LASTID"), lastID.Append(nil))
}

// propagateGroupID adds the XGROUP SETID that gives a replica's group g
// its last delivered ID and read counter (Valkey's streamPropagateGroupID).
func propagateGroupID(c *server.Ctx, key, group []byte, g *stream.Group) {
	if !c.Propagating() {
		return
	}
	c.AlsoPropagate([]byte("XGROUP"), []byte("SETID"), key, group, g.LastID().Append(nil),
		[]byte("ENTRIESREAD"), strconv.AppendInt(nil, g.EntriesRead(), 10))
}

// propagateConsumerCreated adds the XGROUP CREATECONSUMER of a consumer a
// NOACK read created: no XCLAIM will create it on the replica.
func propagateConsumerCreated(c *server.Ctx, key, group, consumer []byte) {
	c.AlsoPropagate([]byte("XGROUP"), []byte("CREATECONSUMER"), key, group, consumer)
}

// propagateDelivered propagates what XREADGROUP did to group g of s by
// delivering new entries from start on, prevLast being the group's last
// ID before: each entry now pending as an XCLAIM (with the last ID as it
// was when that entry was read: the entry's own), then the group's new
// last ID. The entries delivered are the live ones from start to the
// new last ID, as the read took them in order.
func propagateDelivered(c *server.Ctx, key, group []byte, s *stream.Stream, g *stream.Group, start, prevLast stream.ID, noack bool) {
	if !c.Propagating() || g.LastID() == prevLast {
		return
	}
	if !noack {
		var buf [48]byte
		it := s.Range(start, g.LastID(), false)
		for it.Next() {
			id := it.ID()
			propagateClaim(c, key, group, id.Append(buf[:0]), g.Pending(id), id)
		}
	}
	propagateGroupID(c, key, group, g)
}

// cmdXClaim: XCLAIM key group consumer min-idle-time id [id ...] [IDLE ms]
// [TIME unix-ms] [RETRYCOUNT n] [FORCE] [JUSTID] [LASTID id].
func cmdXClaim(c *server.Ctx) {
	c.NoPropagate() // what it did goes as idempotent XCLAIMs
	args := c.Args
	key := args[1]
	sv, g, err := groupOf(c, key, args[2])
	if err != nil {
		c.Error(err)
		return
	}
	s := &sv.Stream
	minIdle, err := parseLongLong(args[4], errs.StreamXClaimMinIdle)
	if err != nil {
		c.Error(err)
		return
	}
	minIdle = max(minIdle, 0)
	// The IDs run up to the first argument that is not one; options follow.
	j := 5
	var ids []stream.ID
	for ; j < len(args); j++ {
		id, ok := stream.ParseStrict(args[j])
		if !ok {
			break
		}
		ids = append(ids, id)
	}
	now := nowMs(c)
	retryCount := int64(-1)
	deliveryTime := int64(-1)
	force, justID := false, false
	var lastID stream.ID
	for ; j < len(args); j++ {
		more := len(args) - 1 - j
		switch opt := args[j]; {
		case server.EqualFold(opt, "force"):
			force = true
		case server.EqualFold(opt, "justid"):
			justID = true
		case server.EqualFold(opt, "idle") && more > 0:
			j++
			idle, err := parseLongLong(args[j], errs.StreamXClaimIdle)
			if err != nil {
				c.Error(err)
				return
			}
			deliveryTime = now - idle
		case server.EqualFold(opt, "time") && more > 0:
			j++
			if deliveryTime, err = parseLongLong(args[j], errs.StreamXClaimTime); err != nil {
				c.Error(err)
				return
			}
		case server.EqualFold(opt, "retrycount") && more > 0:
			j++
			if retryCount, err = parseLongLong(args[j], errs.StreamXClaimRetryCount); err != nil {
				c.Error(err)
				return
			}
		case server.EqualFold(opt, "lastid") && more > 0:
			j++
			if lastID, err = parseStrictID(args[j]); err != nil {
				c.Error(err)
				return
			}
		default:
			c.Error(errs.StreamXClaimOption(string(opt)))
			return
		}
	}
	raised := g.RaiseLastID(lastID)
	if deliveryTime == -1 || deliveryTime < 0 || deliveryTime > now {
		deliveryTime = now // a bogus IDLE or TIME means now, as Valkey
	}
	cons := claimer(c, key, g, args[3], now)
	w := c.W
	d := w.DeferArray()
	n := 0
	var dirty int64
	for i, id := range ids {
		idArg := args[5+i] // propagated as given, as Valkey
		p := g.Pending(id)
		if !s.Exists(id) {
			if p != nil { // the entry is gone: so is its PEL entry
				propagateClaim(c, key, args[2], idArg, p, g.LastID())
				g.Forget(id)
				dirty++
			}
			continue
		}
		if p == nil && !force {
			continue
		}
		if p != nil && p.Consumer != nil && minIdle != 0 && now-p.DeliveryTime < minIdle {
			continue
		}
		g.Claim(id, cons, now, stream.ClaimOptions{DeliveryTime: deliveryTime, RetryCount: retryCount, JustID: justID})
		propagateClaim(c, key, args[2], idArg, g.Pending(id), g.LastID())
		if justID {
			writeID(w, id)
		} else {
			writeOneEntry(w, s, id)
		}
		n++
		dirty++
	}
	if raised && dirty == 0 {
		// No XCLAIM carries the new last ID: it goes alone, as in Valkey.
		propagateGroupID(c, key, args[2], g)
		dirty++
	}
	c.ModifiedN(dirty)
	w.Finish(d, n)
}

// claimer is the consumer of an XCLAIM/XAUTOCLAIM, created if needed,
// seen at now.
func claimer(c *server.Ctx, key []byte, g *stream.Group, name []byte, now int64) *stream.Consumer {
	cons := g.Consumer(name)
	if cons == nil {
		cons = g.CreateConsumer(name, now)
		notified(c, key, "xgroup-createconsumer")
	}
	cons.SeenTime = now
	return cons
}

// xautoclaimAttempts bounds the PEL entries XAUTOCLAIM looks at: COUNT
// times this.
const xautoclaimAttempts = 10

// cmdXAutoClaim: XAUTOCLAIM key group consumer min-idle-time start
// [COUNT count] [JUSTID]: claim up to count idle entries from start on;
// reply [next cursor, claimed entries, IDs found deleted].
func cmdXAutoClaim(c *server.Ctx) {
	c.NoPropagate() // what it did goes as idempotent XCLAIMs
	args := c.Args
	key := args[1]
	minIdle, err := parseLongLong(args[4], errs.StreamXAutoClaimMinIdle)
	if err != nil {
		c.Error(err)
		return
	}
	minIdle = max(minIdle, 0)
	start, err := parseRangeStart(args[5])
	if err != nil {
		c.Error(err)
		return
	}
	count := int64(100)
	justID := false
	for j := 6; j < len(args); j++ {
		more := len(args) - 1 - j
		switch opt := args[j]; {
		case server.EqualFold(opt, "count") && more > 0:
			const maxCount = math.MaxInt64 / 16 // LONG_MAX / max(sizeof(streamID), attempts)
			n, err := parseLongLong(args[j+1], errs.StreamCountPositive)
			if err != nil || n < 1 || n > maxCount {
				c.Error(errs.StreamCountPositive)
				return
			}
			count = n
			j++
		case server.EqualFold(opt, "justid"):
			justID = true
		default:
			c.Error(errs.Syntax)
			return
		}
	}
	sv, g, err := groupOf(c, key, args[2])
	if err != nil {
		c.Error(err)
		return
	}
	if count > maxAutoClaimCount {
		// Valkey allocates count IDs up front and fails when it cannot.
		c.Error(errs.StreamCountTooHigh)
		return
	}
	s := &sv.Stream
	now := nowMs(c)
	cons := claimer(c, key, g, args[3], now)
	w := c.W
	w.Array(3)
	// The cursor comes first in the reply but is known last: write the
	// claimed entries to a scratch writer.
	body := resp.Writer{Proto: w.Proto}
	d := body.DeferArray()
	var deleted []stream.ID
	attempts := count * xautoclaimAttempts
	cur, eof, n := start, false, 0
	var dirty int64
	for attempts > 0 && count > 0 {
		attempts--
		id, p, ok := g.SeekPending(cur)
		if !ok {
			eof = true
			break
		}
		next, more := id.Incr()
		if !s.Exists(id) {
			if c.Propagating() {
				propagateClaim(c, key, args[2], id.Append(nil), p, g.LastID())
			}
			g.Forget(id)
			dirty++
			deleted = append(deleted, id)
			count--
		} else if minIdle == 0 || now-p.DeliveryTime >= minIdle {
			g.Claim(id, cons, now, stream.ClaimOptions{DeliveryTime: now, RetryCount: -1, JustID: justID})
			if c.Propagating() {
				propagateClaim(c, key, args[2], id.Append(nil), g.Pending(id), g.LastID())
			}
			if justID {
				writeID(&body, id)
			} else {
				writeOneEntry(&body, s, id)
			}
			n++
			count--
			dirty++
		}
		if !more {
			eof = true
			break
		}
		cur = next
	}
	var cursor stream.ID
	if !eof {
		if id, _, ok := g.SeekPending(cur); ok {
			cursor = id
		}
	}
	body.Finish(d, n)
	writeID(w, cursor)
	w.Raw(body.Buf)
	w.Array(len(deleted))
	for _, id := range deleted {
		writeID(w, id)
	}
	c.ModifiedN(dirty)
}

// maxAutoClaimCount is the largest XAUTOCLAIM COUNT Petrel accepts: Valkey
// allocates 16 bytes per counted ID before it starts and replies "COUNT too
// high" when the allocation fails, which on x86-64 Linux (overcommitting,
// a 128 TiB user address space) happens past 2^47 bytes.
const maxAutoClaimCount = 1 << 43

// --- XINFO --------------------------------------------------------------------

var xinfoHelp = []string{
	"CONSUMERS <key> <groupname>",
	"    Show consumers of <groupname>.",
	"GROUPS <key>",
	"    Show the stream consumer groups.",
	"STREAM <key> [FULL [COUNT <count>]",
	"    Show information about the stream.",
}

// cmdXInfo is XINFO STREAM, GROUPS, CONSUMERS and HELP.
func cmdXInfo(c *server.Ctx) {
	args := c.Args
	if server.EqualFold(args[1], "help") {
		writeHelp(c, "XINFO <subcommand> [<arg> [value] [opt] ...]. Subcommands are:", xinfoHelp)
		return
	}
	key := args[2]
	sv, err := readStream(c.DB, key)
	switch {
	case err != nil:
		c.Error(err)
		return
	case sv == nil:
		c.Error(errs.NoSuchKey)
		return
	}
	s := &sv.Stream
	w := c.W
	now := nowMs(c)
	switch opt := args[1]; {
	case server.EqualFold(opt, "consumers") && len(args) == 4:
		g := s.Group(args[3])
		if g == nil {
			c.Error(errs.StreamNoGroup(string(args[3]), string(key)))
			return
		}
		w.Array(g.NumConsumers())
		g.EachConsumer(func(cons *stream.Consumer) bool {
			inactive := int64(-1)
			if cons.ActiveTime != -1 {
				inactive = now - cons.ActiveTime
			}
			w.Map(4)
			w.BulkString("name")
			w.BulkString(cons.Name())
			w.BulkString("pending")
			w.Int(int64(cons.PendingLen()))
			w.BulkString("idle")
			w.Int(max(now-cons.SeenTime, 0))
			w.BulkString("inactive")
			w.Int(inactive)
			return true
		})
	case server.EqualFold(opt, "groups") && len(args) == 3:
		w.Array(s.NumGroups())
		s.EachGroup(func(name string, g *stream.Group) bool {
			w.Map(6)
			w.BulkString("name")
			w.BulkString(name)
			w.BulkString("consumers")
			w.Int(int64(g.NumConsumers()))
			w.BulkString("pending")
			w.Int(int64(g.PendingLen()))
			w.BulkString("last-delivered-id")
			writeID(w, g.LastID())
			writeGroupCounters(w, s, g)
			return true
		})
	case server.EqualFold(opt, "stream"):
		xinfoStream(c, s)
	default:
		subcommandSyntaxError(c)
	}
}

// writeGroupCounters writes a group's entries-read and lag fields (null
// when unknown).
func writeGroupCounters(w *resp.Writer, s *stream.Stream, g *stream.Group) {
	w.BulkString("entries-read")
	if g.EntriesRead() != stream.InvalidEntriesRead {
		w.Int(g.EntriesRead())
	} else {
		w.Null()
	}
	w.BulkString("lag")
	if lag, ok := s.Lag(g); ok {
		w.Int(lag)
	} else {
		w.Null()
	}
}

// xinfoStream: XINFO STREAM key [FULL [COUNT count]].
func xinfoStream(c *server.Ctx, s *stream.Stream) {
	opts := c.Args[3:]
	full := len(opts) > 0
	count := int64(10)
	if full {
		if (len(opts) != 1 && len(opts) != 3) || !server.EqualFold(opts[0], "full") {
			subcommandSyntaxError(c)
			return
		}
		if len(opts) == 3 {
			if !server.EqualFold(opts[1], "count") {
				subcommandSyntaxError(c)
				return
			}
			n, err := parseLongLong(opts[2], nil)
			if err != nil {
				c.Error(err)
				return
			}
			if n < 0 {
				n = 10
			}
			count = n
		}
	}
	w := c.W
	if full {
		w.Map(9)
	} else {
		w.Map(10)
	}
	w.BulkString("length")
	w.Int(int64(s.Len()))
	w.BulkString("radix-tree-keys")
	w.Int(int64(s.Nodes()))
	w.BulkString("radix-tree-nodes")
	w.Int(int64(s.RadixTreeNodes()))
	w.BulkString("last-generated-id")
	writeID(w, s.LastID())
	w.BulkString("max-deleted-entry-id")
	writeID(w, s.MaxDeletedID())
	w.BulkString("entries-added")
	w.Int(int64(s.EntriesAdded()))
	w.BulkString("recorded-first-entry-id")
	writeID(w, s.FirstID())
	if !full {
		w.BulkString("groups")
		w.Int(int64(s.NumGroups()))
		for _, rev := range []bool{false, true} {
			if rev {
				w.BulkString("last-entry")
			} else {
				w.BulkString("first-entry")
			}
			var it stream.Iterator
			it.Reset(s, stream.MinID, stream.MaxID, rev)
			if it.Next() {
				writeEntry(w, &it)
			} else {
				w.Null()
			}
		}
		return
	}
	w.BulkString("entries")
	writeEntries(w, s, stream.MinID, stream.MaxID, count, false)
	w.BulkString("groups")
	w.Array(s.NumGroups())
	s.EachGroup(func(name string, g *stream.Group) bool {
		w.Map(7)
		w.BulkString("name")
		w.BulkString(name)
		w.BulkString("last-delivered-id")
		writeID(w, g.LastID())
		writeGroupCounters(w, s, g)
		w.BulkString("pel-count")
		w.Int(int64(g.PendingLen()))
		w.BulkString("pending")
		d := w.DeferArray()
		n := 0
		g.EachPending(stream.MinID, func(id stream.ID, p *stream.Pending) bool {
			if count != 0 && int64(n) >= count {
				return false
			}
			w.Array(4)
			writeID(w, id)
			w.BulkString(p.Consumer.Name())
			w.Int(p.DeliveryTime)
			w.Int(int64(p.DeliveryCount))
			n++
			return true
		})
		w.Finish(d, n)
		w.BulkString("consumers")
		w.Array(g.NumConsumers())
		g.EachConsumer(func(cons *stream.Consumer) bool {
			w.Map(5)
			w.BulkString("name")
			w.BulkString(cons.Name())
			w.BulkString("seen-time")
			w.Int(cons.SeenTime)
			w.BulkString("active-time")
			w.Int(cons.ActiveTime)
			w.BulkString("pel-count")
			w.Int(int64(cons.PendingLen()))
			w.BulkString("pending")
			d := w.DeferArray()
			n := 0
			cons.EachPending(g, stream.MinID, func(id stream.ID, p *stream.Pending) bool {
				if count != 0 && int64(n) >= count {
					return false
				}
				w.Array(3)
				writeID(w, id)
				w.Int(p.DeliveryTime)
				w.Int(int64(p.DeliveryCount))
				n++
				return true
			})
			w.Finish(d, n)
			return true
		})
		return true
	})
}
