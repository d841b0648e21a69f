package commands

// The stream family, as Valkey 9's t_stream.c: XADD XRANGE XREVRANGE XLEN
// XDEL XTRIM XSETID here; XREAD and XREADGROUP in streams_read.go; the
// consumer group commands (XGROUP XACK XPENDING XCLAIM XAUTOCLAIM) and
// XINFO in streams_groups.go.
//
// Encoding (OBJECT ENCODING "stream"), from internal/types/stream: entries
// packed into listpack nodes laid out as Valkey's, a new node starting when
// the tail reaches stream-node-max-bytes or stream-node-max-entries; consumer
// groups with their pending entries lists in B-trees. Unlike the other
// collections, an empty stream is a valid value: a stream key is deleted
// only by DEL and friends, never by XDEL or XTRIM.
//
// Keyspace events are Valkey's: xadd (then xtrim when XADD trimmed), xtrim,
// xdel, xsetid, xgroup-create, xgroup-setid, xgroup-destroy,
// xgroup-createconsumer, xgroup-delconsumer. XCLAIM, XAUTOCLAIM, XACK and
// XREADGROUP change the groups without an event (Valkey counts them dirty
// only). The group and XSETID events do not touch WATCHed keys, as in
// Valkey, where they do not call signalModifiedKey.
//
// A write that gives clients blocked in XREAD/XREADGROUP something to read
// (XADD, XGROUP DESTROY for -NOGROUP) signals the key (DB.SignalReady).
//
// Propagation (replicas, AOF) is deterministic, as Valkey's: XADD goes
// with the ID it generated in place of "*" or "ms-*", and an approximate
// trim (XADD, XTRIM "~") as the exact one it amounted to, "MAXLEN =
// <length left>" or "MINID = <first entry left>", so that a replica,
// which obeys its primary without a LIMIT, removes the same entries.
// XDEL and XSETID go verbatim; the consumer group commands are described
// in streams_groups.go.

import (
	"strconv"

	"petrel/internal/errs"
	"petrel/internal/keyspace"
	"petrel/internal/num"
	"petrel/internal/resp"
	"petrel/internal/server"
	"petrel/internal/types/stream"
)

func registerStreams(r *server.Registry) {
	r.Handle("xadd", cmdXAdd)
	r.Handle("xrange", cmdXRange)
	r.Handle("xrevrange", cmdXRevRange)
	r.Handle("xlen", cmdXLen)
	r.Handle("xdel", cmdXDel)
	r.Handle("xtrim", cmdXTrim)
	r.Handle("xsetid", cmdXSetID)
	r.Handle("xread", cmdXRead)
	r.Handle("xreadgroup", cmdXReadGroup)
	r.Handle("xgroup|create", cmdXGroup)
	r.Handle("xgroup|setid", cmdXGroup)
	r.Handle("xgroup|destroy", cmdXGroup)
	r.Handle("xgroup|createconsumer", cmdXGroup)
	r.Handle("xgroup|delconsumer", cmdXGroup)
	r.Handle("xgroup|help", cmdXGroup)
	r.Handle("xack", cmdXAck)
	r.Handle("xpending", cmdXPending)
	r.Handle("xclaim", cmdXClaim)
	r.Handle("xautoclaim", cmdXAutoClaim)
	r.Handle("xinfo|stream", cmdXInfo)
	r.Handle("xinfo|groups", cmdXInfo)
	r.Handle("xinfo|consumers", cmdXInfo)
	r.Handle("xinfo|help", cmdXInfo)
}

// --- type helpers -------------------------------------------------------------

// streamValue is a stream as the keyspace stores it: the stream plus what
// the server asks of collection values (COPY, MEMORY USAGE, DEBUG DIGEST,
// DEBUG OBJECT).
type streamValue struct{ stream.Stream }

func newStreamValue() *streamValue { return &streamValue{*stream.New()} }

// Clone implements keyspace.Cloner.
func (s *streamValue) Clone() any { return &streamValue{*s.Stream.Clone()} }

// Digest implements server.ValueDigester: each entry's "ms.seq", then its
// fields and values, in order.
func (s *streamValue) Digest(d *server.Digest) {
	var buf [48]byte
	it := s.Range(stream.MinID, stream.MaxID, false)
	for it.Next() {
		id := it.ID()
		b := strconv.AppendUint(buf[:0], id.Ms, 10)
		b = append(b, '.')
		d.Mix(strconv.AppendUint(b, id.Seq, 10))
		for i := it.NumFields(); i > 0; i-- {
			f, v := it.Field()
			d.Mix(f)
			d.Mix(v)
		}
	}
}

// streamConfig is the node bounds in force: stream-node-max-bytes and
// stream-node-max-entries.
func streamConfig(c *server.Ctx) stream.Config {
	cfg := stream.DefaultConfig
	if h := c.Srv.Hot(); h != nil {
		cfg.MaxBytes = h.StreamNodeMaxBytes.Load()
		cfg.MaxEntries = h.StreamNodeMaxEntries.Load()
	}
	return cfg
}

// readStream finds key for a read command: its stream (nil when missing)
// or WRONGTYPE.
func readStream(db keyspace.DB, key []byte) (*streamValue, error) {
	return readObject[*streamValue](db, key, keyspace.TypeStream)
}

// writeStream finds key for a write command: its stream (nil when
// missing) or WRONGTYPE.
func writeStream(db keyspace.DB, key []byte) (*streamValue, error) {
	s, _, err := writeObject[*streamValue](db, key, keyspace.TypeStream)
	return s, err
}

// nowMs is the command's clock in unix ms (Valkey's commandTimeSnapshot).
func nowMs(c *server.Ctx) int64 { return c.Now.UnixMilli() }

// notified is a change Valkey announces with a keyspace event and counts
// as dirty, but does not signal as a change of the key (WATCH, tracking).
func notified(c *server.Ctx, key []byte, event string) {
	c.ModifiedN(1)
	c.Notify(key, event)
}

// --- argument parsing ---------------------------------------------------------

// parseStrictID parses an ID where "-" and "+" are invalid.
func parseStrictID(b []byte) (stream.ID, error) {
	id, ok := stream.ParseStrict(b)
	if !ok {
		return id, errs.StreamInvalidID
	}
	return id, nil
}

// parseRangeID parses a range bound as Valkey's
// streamParseIntervalIDOrReply: "(id" is exclusive (and strict), anything
// else inclusive with "-" and "+" allowed; a bare "ms" gets missingSeq.
func parseRangeID(b []byte, missingSeq uint64) (id stream.ID, exclusive bool, err error) {
	o := stream.ParseOptions{MissingSeq: missingSeq}
	if len(b) > 1 && b[0] == '(' {
		exclusive, o.Strict = true, true
		b = b[1:]
	}
	p, ok := stream.Parse(b, o)
	if !ok {
		return id, exclusive, errs.StreamInvalidID
	}
	return p.ID, exclusive, nil
}

// parseRangeStart parses a range's start bound, moving an exclusive one
// to the next ID.
func parseRangeStart(b []byte) (stream.ID, error) {
	id, ex, err := parseRangeID(b, 0)
	if err != nil || !ex {
		return id, err
	}
	if id, ok := id.Incr(); ok {
		return id, nil
	}
	return id, errs.StreamInvalidStart
}

// parseRangeEnd parses a range's end bound, moving an exclusive one to the
// previous ID.
func parseRangeEnd(b []byte) (stream.ID, error) {
	id, ex, err := parseRangeID(b, ^uint64(0))
	if err != nil || !ex {
		return id, err
	}
	if id, ok := id.Decr(); ok {
		return id, nil
	}
	return id, errs.StreamInvalidEnd
}

// parseLongLong is Valkey's getLongLongFromObjectOrReply: msg (or the
// generic error) when b is not an integer.
func parseLongLong(b []byte, msg error) (int64, error) {
	if v, ok := num.ParseInt(b); ok {
		return v, nil
	}
	if msg == nil {
		msg = errs.NotInteger
	}
	return 0, msg
}

// --- replies ------------------------------------------------------------------

// writeID writes an ID as a bulk string.
func writeID(w *resp.Writer, id stream.ID) {
	var buf [48]byte
	w.Bulk(id.Append(buf[:0]))
}

// writeEntry writes the iterator's current entry as [id, [field, value, ...]].
func writeEntry(w *resp.Writer, it *stream.Iterator) {
	w.Array(2)
	writeID(w, it.ID())
	n := it.NumFields()
	w.Array(2 * n)
	for ; n > 0; n-- {
		f, v := it.Field()
		w.Bulk(f)
		w.Bulk(v)
	}
}

// writeOneEntry writes entry id of s, which must exist, as writeEntry.
func writeOneEntry(w *resp.Writer, s *stream.Stream, id stream.ID) bool {
	var it stream.Iterator
	it.Reset(s, id, id, false)
	if !it.Next() {
		return false
	}
	writeEntry(w, &it)
	return true
}

// writeEntries writes up to count entries of [start, end] (0: all) as an
// array and returns how many it wrote.
func writeEntries(w *resp.Writer, s *stream.Stream, start, end stream.ID, count int64, rev bool) int {
	d := w.DeferArray()
	n := 0
	var it stream.Iterator
	it.Reset(s, start, end, rev)
	for (count == 0 || int64(n) < count) && it.Next() {
		writeEntry(w, &it)
		n++
	}
	w.Finish(d, n)
	return n
}

// --- XADD / XTRIM -------------------------------------------------------------

// addTrimArgs are the parsed arguments of XADD and XTRIM.
type addTrimArgs struct {
	trim       stream.TrimArgs
	id         stream.ID
	idGiven    bool
	seqGiven   bool
	noMkStream bool
	idPos      int // XADD: the ID argument's index
	trimArgPos int // the MAXLEN/MINID threshold argument's index
}

// parseAddTrim parses XADD's or XTRIM's options as Valkey's
// streamParseAddOrTrimArgsOrReply, in its order of checks.
func parseAddTrim(c *server.Ctx, xadd bool) (addTrimArgs, error) {
	var a addTrimArgs
	args := c.Args
	limitGiven := false
	i := 2
	for ; i < len(args); i++ {
		more := len(args) - 1 - i
		opt := args[i]
		switch {
		case xadd && len(opt) == 1 && opt[0] == '*':
			a.idPos = i
			return a, finishAddTrim(c, &a, limitGiven, xadd)
		case server.EqualFold(opt, "maxlen") && more > 0:
			if a.trim.Strategy != 0 {
				return a, errs.StreamMaxLenMinID
			}
			a.trim.Approx = false
			if more >= 2 && isOneChar(args[i+1], '~') {
				a.trim.Approx = true
				i++
			} else if more >= 2 && isOneChar(args[i+1], '=') {
				i++
			}
			n, err := parseLongLong(args[i+1], nil)
			if err != nil {
				return a, err
			}
			if n < 0 {
				return a, errs.StreamMaxLenNegative
			}
			a.trim.MaxLen = n
			i++
			a.trim.Strategy = stream.TrimMaxLen
			a.trimArgPos = i
		case server.EqualFold(opt, "minid") && more > 0:
			if a.trim.Strategy != 0 {
				return a, errs.StreamMaxLenMinID
			}
			a.trim.Approx = false
			if more >= 2 && isOneChar(args[i+1], '~') {
				a.trim.Approx = true
				i++
			} else if more >= 2 && isOneChar(args[i+1], '=') {
				i++
			}
			id, err := parseStrictID(args[i+1])
			if err != nil {
				return a, err
			}
			a.trim.MinID = id
			i++
			a.trim.Strategy = stream.TrimMinID
			a.trimArgPos = i
		case server.EqualFold(opt, "limit") && more > 0:
			n, err := parseLongLong(args[i+1], nil)
			if err != nil {
				return a, err
			}
			if n < 0 {
				return a, errs.StreamLimitNegative
			}
			a.trim.Limit = n
			limitGiven = true
			i++
		case xadd && server.EqualFold(opt, "nomkstream"):
			a.noMkStream = true
		case xadd:
			p, ok := stream.Parse(opt, stream.ParseOptions{Strict: true, AllowSeqWildcard: true})
			if !ok {
				return a, errs.StreamInvalidID
			}
			a.id, a.seqGiven, a.idGiven = p.ID, p.SeqGiven, true
			a.idPos = i
			return a, finishAddTrim(c, &a, limitGiven, xadd)
		default:
			return a, errs.Syntax
		}
	}
	a.idPos = i
	return a, finishAddTrim(c, &a, limitGiven, xadd)
}

// finishAddTrim applies the checks that follow the option loop, and the
// default LIMIT of an approximate trim.
func finishAddTrim(c *server.Ctx, a *addTrimArgs, limitGiven, xadd bool) error {
	t := &a.trim
	if t.Limit != 0 && t.Strategy == 0 {
		return errs.StreamLimitNoStrategy
	}
	if !xadd && t.Strategy == 0 {
		return errs.StreamXTrimNoStrategy
	}
	if c.Client.Flags()&server.ClientPrimary != 0 {
		// From the primary: its approximate trim was rewritten as the
		// exact one it did (propagateTrim), to be obeyed without a limit.
		t.Limit = 0
		return nil
	}
	switch {
	case limitGiven:
		if !t.Approx {
			return errs.StreamLimitNoApprox
		}
	case t.Approx:
		// At most 100 nodes' worth of work per call, as Valkey.
		t.Limit = 100 * streamConfig(c).MaxEntries
		if t.Limit <= 0 {
			t.Limit = 10000
		}
		if t.Limit > 1000000 {
			t.Limit = 1000000
		}
	default:
		t.Limit = 0
	}
	return nil
}

func isOneChar(b []byte, ch byte) bool { return len(b) == 1 && b[0] == ch }

// cmdXAdd: XADD key [NOMKSTREAM] [MAXLEN|MINID [=|~] threshold [LIMIT
// count]] *|id field value [field value ...].
func cmdXAdd(c *server.Ctx) {
	a, err := parseAddTrim(c, true)
	if err != nil {
		c.Error(err)
		return
	}
	fieldPos := a.idPos + 1
	if n := len(c.Args) - fieldPos; n < 2 || n%2 == 1 {
		c.Error(errs.WrongArity("xadd"))
		return
	}
	if a.idGiven && a.seqGiven && a.id.IsZero() {
		c.Error(errs.StreamIDZero)
		return
	}
	key := c.Args[1]
	s, err := writeStream(c.DB, key)
	if err != nil {
		c.Error(err)
		return
	}
	if s == nil {
		if a.noMkStream {
			c.W.Null()
			return
		}
		s = newStreamValue()
		c.DB.SetObject(key, keyspace.TypeStream, keyspace.EncStream, s, 0)
	}
	if s.LastID() == stream.MaxID {
		c.Error(errs.StreamExhausted)
		return
	}
	var id stream.ID
	if a.idGiven {
		id, err = s.AddID(a.id, a.seqGiven)
	} else {
		id = s.NextID(uint64(nowMs(c)))
		if !s.LastID().Less(id) {
			err = stream.ErrIDTooSmall
		}
	}
	if err == nil {
		err = s.Add(id, c.Args[fieldPos:], streamConfig(c))
	}
	if err != nil {
		if err == stream.ErrIDTooSmall {
			c.Error(errs.StreamIDTooSmall)
		} else {
			c.Error(errs.StreamTooLarge)
		}
		return
	}
	c.Modified(key, "xadd")
	writeID(c.W, id)
	if a.trim.Strategy != 0 && s.Trim(a.trim) > 0 {
		c.Notify(key, "xtrim") // part of the one change XADD counts
	}
	if c.Propagating() {
		// Replicas must add the same ID and trim the same entries.
		var idArg []byte
		if !a.idGiven || !a.seqGiven {
			idArg = id.Append(nil)
		}
		propagateAddTrim(c, &s.Stream, &a, idArg)
	}
	c.DB.SignalReady(key) // new data for XREAD/XREADGROUP waiters
}

// propagateAddTrim makes XADD or XTRIM propagate deterministically, as
// Valkey's streamRewriteApproxSpecifier/streamRewriteTrimArgument and
// XADD's ID rewrite: an approximate trim as the exact one it amounted to
// ("MAXLEN = <length now>", "MINID = <first entry now>"), and an ID that
// was generated (idArg, nil if given in full) in place of the ID argument.
func propagateAddTrim(c *server.Ctx, s *stream.Stream, a *addTrimArgs, idArg []byte) {
	approx := a.trim.Strategy != 0 && a.trim.Approx
	if !approx && idArg == nil {
		return // verbatim
	}
	// The copy is on the stack unless the command is long: PropagateAs
	// copies the arguments out.
	var argBuf [12][]byte
	args := append(argBuf[:0], c.Args...)
	if approx {
		args[a.trimArgPos-1] = []byte("=") // the "~"
		if a.trim.Strategy == stream.TrimMaxLen {
			args[a.trimArgPos] = strconv.AppendUint(nil, s.Len(), 10)
		} else {
			args[a.trimArgPos] = trimmedFirstID(s).Append(nil)
		}
	}
	if idArg != nil {
		args[a.idPos] = idArg
	}
	c.PropagateAs(args...)
}

// trimmedFirstID is the MINID an approximate trim propagates: the first
// entry left, deleted or not, or the largest ID when no node is left (as
// Valkey's streamGetEdgeID without skipping tombstones).
func trimmedFirstID(s *stream.Stream) stream.ID {
	if s.Nodes() == 0 {
		return stream.MaxID
	}
	return s.FirstEntryID()
}

// cmdXTrim: XTRIM key MAXLEN|MINID [=|~] threshold [LIMIT count].
func cmdXTrim(c *server.Ctx) {
	a, err := parseAddTrim(c, false)
	if err != nil {
		c.Error(err)
		return
	}
	key := c.Args[1]
	s, err := writeStream(c.DB, key)
	switch {
	case err != nil:
		c.Error(err)
		return
	case s == nil:
		c.W.Int(0)
		return
	}
	n := s.Trim(a.trim)
	if n > 0 {
		c.Modified(key, "xtrim")
		c.ModifiedN(n - 1)
		if c.Propagating() {
			propagateAddTrim(c, &s.Stream, &a, nil)
		}
	}
	c.W.Int(n)
}

// --- XRANGE / XREVRANGE / XLEN ------------------------------------------------

func cmdXRange(c *server.Ctx)    { xrange(c, false) }
func cmdXRevRange(c *server.Ctx) { xrange(c, true) }

// xrange: XRANGE key start end [COUNT n], XREVRANGE key end start [COUNT n].
func xrange(c *server.Ctx, rev bool) {
	startArg, endArg := c.Args[2], c.Args[3]
	if rev {
		startArg, endArg = endArg, startArg
	}
	start, err := parseRangeStart(startArg)
	if err != nil {
		c.Error(err)
		return
	}
	end, err := parseRangeEnd(endArg)
	if err != nil {
		c.Error(err)
		return
	}
	count := int64(-1)
	for j := 4; j < len(c.Args); j++ {
		if !server.EqualFold(c.Args[j], "count") || j+1 >= len(c.Args) {
			c.Error(errs.Syntax)
			return
		}
		if count, err = parseLongLong(c.Args[j+1], nil); err != nil {
			c.Error(err)
			return
		}
		count = max(count, 0)
		j++
	}
	s, err := readStream(c.DB, c.Args[1])
	switch {
	case err != nil:
		c.Error(err)
	case s == nil:
		c.W.Array(0)
	case count == 0:
		c.W.NullArray()
	default:
		writeEntries(c.W, &s.Stream, start, end, max(count, 0), rev)
	}
}

// cmdXLen: XLEN key.
func cmdXLen(c *server.Ctx) {
	s, err := readStream(c.DB, c.Args[1])
	switch {
	case err != nil:
		c.Error(err)
	case s == nil:
		c.W.Int(0)
	default:
		c.W.Int(int64(s.Len()))
	}
}

// --- XDEL / XSETID ------------------------------------------------------------

// cmdXDel: XDEL key id [id ...]. Every ID is checked before any is deleted.
func cmdXDel(c *server.Ctx) {
	key := c.Args[1]
	s, err := writeStream(c.DB, key)
	switch {
	case err != nil:
		c.Error(err)
		return
	case s == nil:
		c.W.Int(0)
		return
	}
	ids, err := parseStrictIDs(c.Args[2:])
	if err != nil {
		c.Error(err)
		return
	}
	deleted := 0
	for _, id := range ids {
		if s.Delete(id) {
			deleted++
		}
	}
	if deleted > 0 {
		c.Modified(key, "xdel")
		c.ModifiedN(int64(deleted - 1))
	}
	c.W.Int(int64(deleted))
}

// parseStrictIDs parses every argument as a strict ID.
func parseStrictIDs(args [][]byte) ([]stream.ID, error) {
	ids := make([]stream.ID, len(args))
	for i, a := range args {
		id, err := parseStrictID(a)
		if err != nil {
			return nil, err
		}
		ids[i] = id
	}
	return ids, nil
}

// cmdXSetID: XSETID key last-id [ENTRIESADDED n] [MAXDELETEDID id].
func cmdXSetID(c *server.Ctx) {
	id, err := parseStrictID(c.Args[2])
	if err != nil {
		c.Error(err)
		return
	}
	entriesAdded := int64(-1)
	var maxDel stream.ID
	for i := 3; i < len(c.Args); i += 2 {
		more := len(c.Args) - 1 - i
		switch opt := c.Args[i]; {
		case server.EqualFold(opt, "entriesadded") && more > 0:
			if entriesAdded, err = parseLongLong(c.Args[i+1], nil); err != nil {
				c.Error(err)
				return
			}
			if entriesAdded < 0 {
				c.Error(errs.StreamEntriesAddedNeg)
				return
			}
		case server.EqualFold(opt, "maxdeletedid") && more > 0:
			if maxDel, err = parseStrictID(c.Args[i+1]); err != nil {
				c.Error(err)
				return
			}
			if id.Less(maxDel) {
				c.Error(errs.StreamSetIDBelowMaxDelArg)
				return
			}
		default:
			c.Error(errs.Syntax)
			return
		}
	}
	key := c.Args[1]
	s, err := writeStream(c.DB, key)
	switch {
	case err != nil:
		c.Error(err)
		return
	case s == nil:
		c.Error(errs.NoSuchKey)
		return
	}
	if id.Less(s.MaxDeletedID()) {
		c.Error(errs.StreamSetIDBelowMaxDel)
		return
	}
	if s.Len() > 0 {
		if id.Less(s.LastLiveID()) {
			c.Error(errs.StreamSetIDBelowTop)
			return
		}
		if entriesAdded != -1 && s.Len() > uint64(entriesAdded) {
			c.Error(errs.StreamSetIDAddedBelowLen)
			return
		}
	}
	s.SetLastID(id)
	if entriesAdded != -1 {
		s.SetEntriesAdded(uint64(entriesAdded))
	}
	if !maxDel.IsZero() {
		s.SetMaxDeletedID(maxDel)
	}
	notified(c, key, "xsetid")
	c.W.OK()
}
