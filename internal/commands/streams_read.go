package commands

// XREAD and XREADGROUP, one function as in Valkey (xreadCommand):
//
//	XREAD [COUNT n] [BLOCK ms] STREAMS key... id...
//	XREADGROUP GROUP group consumer [COUNT n] [BLOCK ms] [NOACK] STREAMS key... id...
//
// IDs: an explicit ID (entries after it), "$" (XREAD: after the last ID,
// i.e. only new entries), "+" (XREAD: the last entry), ">" (XREADGROUP:
// entries never delivered to the group); an explicit ID in XREADGROUP
// reads the consumer's own pending entries (its history).
//
// Blocking: when nothing can be served and BLOCK was given, the client
// waits (Ctx.Block) on every key. A write that signals one of them runs
// the command again on the client's behalf; a re-run that finds nothing
// waits again, behind the other waiters, with its first deadline. "$" is
// replaced in the waiter's arguments by the ID it stood for when the
// client blocked, as Valkey rewrites it, so that a re-run does not wait
// for entries after the new last ID. XREADGROUP also runs again when a
// key it waits on is deleted or stops being a stream, so that it replies
// -NOGROUP or WRONGTYPE (Valkey's unblock_on_nokey), and when XGROUP
// DESTROY removes a group. Inside MULTI or a script, a command that would
// block replies a null array instead.

import (
	"petrel/internal/errs"
	"petrel/internal/keyspace"
	"petrel/internal/resp"
	"petrel/internal/server"
	"petrel/internal/types/stream"
)

func cmdXRead(c *server.Ctx)      { xread(c, false) }
func cmdXReadGroup(c *server.Ctx) { xread(c, true) }

// xreadArgs are XREAD/XREADGROUP's parsed options.
type xreadArgs struct {
	block      bool
	deadline   int64
	count      int64
	noack      bool
	group      []byte
	consumer   []byte
	streamsArg int // index of the first key
	n          int // number of streams
}

func parseXRead(c *server.Ctx, xreadgroup bool) (xreadArgs, error) {
	var a xreadArgs
	args := c.Args
	for i := 1; i < len(args); i++ {
		more := len(args) - i - 1
		o := args[i]
		switch {
		case server.EqualFold(o, "block") && more > 0:
			i++
			d, err := c.BlockTimeout(args[i], true)
			if err != nil {
				return a, err
			}
			a.block, a.deadline = true, d
		case server.EqualFold(o, "count") && more > 0:
			i++
			n, err := parseLongLong(args[i], nil)
			if err != nil {
				return a, err
			}
			a.count = max(n, 0)
		case server.EqualFold(o, "streams") && more > 0:
			a.streamsArg = i + 1
			n := len(args) - a.streamsArg
			if n%2 != 0 {
				if xreadgroup {
					return a, errs.StreamUnbalanced("xreadgroup", '>')
				}
				return a, errs.StreamUnbalanced("xread", '$')
			}
			a.n = n / 2
			i = len(args)
		case server.EqualFold(o, "group") && more >= 2:
			if !xreadgroup {
				return a, errs.StreamGroupInXRead
			}
			a.group, a.consumer = args[i+1], args[i+2]
			i += 2
		case server.EqualFold(o, "noack"):
			if !xreadgroup {
				return a, errs.StreamNoAckInXRead
			}
			a.noack = true
		default:
			return a, errs.Syntax
		}
	}
	if a.streamsArg == 0 {
		return a, errs.Syntax
	}
	if xreadgroup && a.group == nil {
		return a, errs.StreamMissingGroup
	}
	return a, nil
}

// newOnly marks an XREADGROUP ">" ID, as Valkey does with the largest ID.
var newOnly = stream.MaxID

// resolveReadIDs checks every key (its type; its group for XREADGROUP)
// and resolves the IDs, in argument order as Valkey, into ids and (for
// XREADGROUP) groups, both a.n long.
func resolveReadIDs(c *server.Ctx, a *xreadArgs, ids []stream.ID, groups []*stream.Group) error {
	for i := 0; i < a.n; i++ {
		key := c.Args[a.streamsArg+i]
		arg := c.Args[a.streamsArg+a.n+i]
		s, err := readStream(c.DB, key)
		if err != nil {
			return err
		}
		if a.group != nil {
			var g *stream.Group
			if s != nil {
				g = s.Group(a.group)
			}
			if g == nil {
				return errs.StreamNoGroupRead(string(key), string(a.group))
			}
			groups[i] = g
		}
		switch {
		case isOneChar(arg, '$'):
			if a.group != nil {
				return errs.StreamDollarInGroup
			}
			if s != nil {
				ids[i] = s.LastID()
			}
		case isOneChar(arg, '+'):
			if a.group != nil {
				return errs.StreamPlusInGroup
			}
			if s != nil && s.Len() > 0 {
				id, ok := s.LastID().Decr()
				if !ok {
					return errs.StreamLastIDZero
				}
				ids[i] = id // entries after it: the last one
			}
		case isOneChar(arg, '>'):
			if a.group == nil {
				return errs.StreamGTOutsideGroup
			}
			ids[i] = newOnly
		default:
			if ids[i], err = parseStrictID(arg); err != nil {
				return err
			}
		}
	}
	return nil
}

func xread(c *server.Ctx, xreadgroup bool) {
	c.NoPropagate() // XREADGROUP's effects go as XCLAIM/XGROUP (streams_groups.go)
	a, err := parseXRead(c, xreadgroup)
	if err != nil {
		c.Error(err)
		return
	}
	// IDs and groups of the usual few streams live on the stack.
	var idBuf [4]stream.ID
	var groupBuf [4]*stream.Group
	ids, groups := idBuf[:0], groupBuf[:0]
	if a.n > len(idBuf) {
		ids, groups = make([]stream.ID, 0, a.n), make([]*stream.Group, 0, a.n)
	}
	ids = ids[:a.n]
	if a.group != nil {
		groups = groups[:a.n]
	} else {
		groups = nil
	}
	if err := resolveReadIDs(c, &a, ids, groups); err != nil {
		c.Error(err)
		return
	}
	now := nowMs(c)
	w := c.W
	var top resp.Deferred
	served := 0
	for i := 0; i < a.n; i++ {
		key := c.Args[a.streamsArg+i]
		sv, _ := readStream(c.DB, key) // looked up again, as Valkey (keyspace hits count twice)
		if sv == nil {
			continue
		}
		s := &sv.Stream
		gt := ids[i] // serve entries after this ID
		sync, history := false, false
		var consumer *stream.Consumer
		if groups != nil {
			g := groups[i]
			if gt != newOnly {
				sync, history = true, true
			} else if s.Len() > 0 && g.LastID().Less(s.LastLiveID()) {
				sync, gt = true, g.LastID()
			}
			if consumer = g.Consumer(a.consumer); consumer == nil {
				consumer = g.CreateConsumer(a.consumer, now)
				notified(c, key, "xgroup-createconsumer")
				if a.noack {
					propagateConsumerCreated(c, key, a.group, a.consumer)
				}
			}
			consumer.SeenTime = now
		} else if s.Len() > 0 && gt.Less(s.LastLiveID()) {
			sync = true
		}
		if !sync {
			continue
		}
		if served++; served == 1 {
			if w.Proto == 3 {
				top = w.DeferMap()
			} else {
				top = w.DeferArray()
			}
		}
		start, _ := gt.Incr()
		if w.Proto != 3 {
			w.Array(2)
		}
		w.Bulk(key)
		switch {
		case history:
			writeHistory(w, s, groups[i], consumer, start, a.count, now)
		case groups != nil:
			prevLast := groups[i].LastID()
			writeDelivered(w, s, groups[i], consumer, start, a.count, now, a.noack)
			propagateDelivered(c, key, a.group, s, groups[i], start, prevLast, a.noack)
		default:
			writeEntries(w, s, start, stream.MaxID, a.count, false)
		}
		if groups != nil {
			c.ModifiedN(1)
		}
	}
	if served > 0 {
		w.Finish(top, served)
		return
	}
	if !a.block {
		w.NullArray()
		return
	}
	// Wait. "$" becomes the ID it stood for, so that a re-run on the
	// client's behalf reads what arrived after the client blocked.
	args, copied := c.Args, false
	for i := 0; i < a.n; i++ {
		if j := a.streamsArg + a.n + i; isOneChar(args[j], '$') {
			if !copied {
				args, copied = append([][]byte(nil), args...), true
			}
			args[j] = ids[i].Append(nil)
		}
	}
	c.Args = args // Block records the command as it must run again
	keys := args[a.streamsArg : a.streamsArg+a.n]
	var blocked bool
	if xreadgroup {
		blocked = c.BlockOnKeyOrDeletion(keys, keyspace.TypeStream, a.deadline)
	} else {
		blocked = c.Block(keys, keyspace.TypeStream, a.deadline)
	}
	if !blocked {
		w.NullArray()
	}
}

// writeDelivered writes up to count entries after the group's last
// delivered ID (from start on) and delivers them to consumer, as Valkey's
// streamReplyWithRange with a group.
func writeDelivered(w *resp.Writer, s *stream.Stream, g *stream.Group, consumer *stream.Consumer, start stream.ID, count, now int64, noack bool) {
	d := w.DeferArray()
	n := 0
	var it stream.Iterator
	it.Reset(s, start, stream.MaxID, false)
	for it.Next() {
		g.Deliver(s, it.ID(), consumer, now, noack) // changes the group only: it stays valid
		writeEntry(w, &it)
		n++
		if count != 0 && int64(n) == count {
			break
		}
	}
	w.Finish(d, n)
}

// writeHistory writes the consumer's pending entries from start on (up
// to count), as Valkey's streamReplyWithRangeFromConsumerPEL: an entry
// deleted since it was delivered is [id, nil]; the others count one more
// delivery.
func writeHistory(w *resp.Writer, s *stream.Stream, g *stream.Group, consumer *stream.Consumer, start stream.ID, count, now int64) {
	d := w.DeferArray()
	n := 0
	consumer.EachPending(g, start, func(id stream.ID, p *stream.Pending) bool {
		if count != 0 && int64(n) >= count {
			return false
		}
		if writeOneEntry(w, s, id) {
			p.Redeliver(now)
		} else {
			w.Array(2)
			writeID(w, id)
			w.NullArray()
		}
		n++
		return true
	})
	w.Finish(d, n)
}
