package server

import (
	"sort"
	"strconv"
	"sync"
	"sync/atomic"

	"petrel/internal/cmdspec"
	"petrel/internal/errs"
	"petrel/internal/num"
)

// Client-side caching (CLIENT TRACKING), as Valkey's tracking.c.
//
// A client that turns tracking on is told when a key it may have cached
// changes, by an invalidation message:
//
//	RESP3 push, to the client itself or its REDIRECT target:
//	    >2 $10 invalidate *1 $<n> <key>
//	RESP2, to a REDIRECT target subscribed to __redis__:invalidate:
//	    *3 $7 message $20 __redis__:invalidate *1 $<n> <key>
//
// Two modes decide which keys a client hears about:
//
//   - Default: every key a read-only command of the client names is
//     remembered in the tracking table (key -> ids of the clients that may
//     cache it), after the command ran and before its shard locks are
//     released (trackRead, from dispatch), so a write either comes before
//     the read or finds the key in the table. A change of the key sends one
//     invalidation to each of those clients and forgets the key (it is
//     remembered again when read again). OPTIN tracks only the command after
//     CLIENT CACHING YES, OPTOUT all but the one after CLIENT CACHING NO.
//     The table is global across databases, as Valkey's, and holds client
//     ids: a client that turns tracking off or leaves is skipped lazily.
//   - BCAST: the client names key prefixes (none: every key). A changed key
//     is added to each matching prefix's pending set, with the client that
//     changed it; after each command (broadcastTracking, from dispatch)
//     every prefix with pending keys sends them, sorted, in one message to
//     its clients. NOLOOP clients are not told about their own changes.
//
// FLUSHALL and FLUSHDB send every tracking client a null invalidation
// ("forget everything") and empty the table (SWAPDB does not, as in
// Valkey). Keys the active expiry cycle deletes, whole or by their hash
// fields, are invalidated as changes made by the server (nil client).
// tracking-table-max-keys bounds the table: past it, random keys are
// invalidated as if they had changed, until it fits again.
//
// Delivery goes through Client.Push, so an invalidation caused by a
// client's own command reaches it after that command's reply, as Valkey
// delays those (tracking_pending_keys). A REDIRECT target that went away
// makes the tracking client's invalidations a tracking-redir-broken push
// (RESP3 only) and sets its R flag.
//
// Locking: trackingState.mu guards the tables and every client's tracking
// options; it is taken with key shard locks held (the read hook, the write
// hook) and never held while taking one. Client.Push takes only the
// target's queue lock. Writers pay one atomic load (live) while no client
// has anything tracked.

// trackingChannel is the pub/sub channel RESP2 redirect targets subscribe to.
const trackingChannel = "__redis__:invalidate"

// trackingState is the server's client-side caching state (Server.trk).
type trackingState struct {
	clients atomic.Int64 // clients with tracking on (INFO tracking_clients)
	// live is len(keys)+len(prefixes): writers skip everything while 0.
	live atomic.Int64
	// bcastPending says some prefix has pending keys to broadcast.
	bcastPending atomic.Bool

	mu sync.Mutex
	// Guarded by mu:
	keys     map[string]map[int64]struct{} // tracked key -> client ids
	items    int64                         // ids across keys (tracking_total_items)
	prefixes map[string]*bcastPrefix       // BCAST prefix -> its clients and pending keys
	byID     map[int64]*clientTracking     // clients with tracking on
}

// clientTracking is one tracking client's options (under trackingState.mu).
type clientTracking struct {
	c           *Client
	redirect    int64 // client id, 0: none
	bcast       bool
	optin       bool
	optout      bool
	noloop      bool
	caching     bool // CLIENT CACHING YES/NO given for the next command
	brokenRedir bool
	prefixes    map[string]struct{} // BCAST prefixes
}

// bcastPrefix is one BCAST prefix: the clients that asked for it and the
// keys changed since the last broadcast, each with the client that changed
// it last (nil: the server, e.g. expiry), for NOLOOP.
type bcastPrefix struct {
	clients map[int64]*clientTracking
	keys    map[string]*Client
}

// trackingOptions are CLIENT TRACKING ON's options.
type trackingOptions struct {
	redirect                     int64
	bcast, optin, optout, noloop bool
	prefixes                     [][]byte
}

func (t *trackingState) initLocked() {
	if t.keys == nil {
		t.keys = map[string]map[int64]struct{}{}
		t.prefixes = map[string]*bcastPrefix{}
		t.byID = map[int64]*clientTracking{}
	}
}

func (t *trackingState) publishLiveLocked() {
	t.live.Store(int64(len(t.keys) + len(t.prefixes)))
}

// prefixCollision checks BCAST prefixes against each other and against the
// client's existing ones: two prefixes collide when one starts the other.
// It returns Valkey's error text, or "".
func prefixCollision(existing map[string]struct{}, prefixes [][]byte) string {
	overlap := func(a, b string) bool {
		n := min(len(a), len(b))
		return a[:n] == b[:n]
	}
	for i, p := range prefixes {
		ps := string(p)
		if existing != nil {
			// Valkey walks the client's prefixes in order; so do we.
			names := make([]string, 0, len(existing))
			for e := range existing {
				names = append(names, e)
			}
			sort.Strings(names)
			for _, e := range names {
				if overlap(e, ps) {
					return "ERR Prefix '" + ps + "' overlaps with an existing prefix '" + e +
						"'. Prefixes for a single client must not overlap."
				}
			}
		}
		for _, q := range prefixes[i+1:] {
			if overlap(ps, string(q)) {
				return "ERR Prefix '" + ps + "' overlaps with another provided prefix '" + string(q) +
					"'. Prefixes for a single client must not overlap."
			}
		}
	}
	return ""
}

// enableTracking turns tracking on for c (or changes its options), as
// Valkey's enableTracking: the caller has checked the options. It returns
// an error text for prefix collisions, else "".
func (s *Server) enableTracking(c *Client, o trackingOptions) string {
	t := &s.trk
	t.mu.Lock()
	defer t.mu.Unlock()
	t.initLocked()
	ct := t.byID[c.ID]
	if o.bcast {
		var existing map[string]struct{}
		if ct != nil {
			existing = ct.prefixes
		}
		if msg := prefixCollision(existing, o.prefixes); msg != "" {
			return msg
		}
	}
	if ct == nil {
		ct = &clientTracking{c: c}
		t.byID[c.ID] = ct
		t.clients.Add(1)
	}
	ct.redirect = o.redirect
	ct.brokenRedir = false
	ct.bcast = o.bcast
	ct.optin, ct.optout, ct.noloop = o.optin, o.optout, o.noloop
	if o.bcast {
		if len(o.prefixes) == 0 {
			s.addPrefixLocked(ct, "")
		}
		for _, p := range o.prefixes {
			s.addPrefixLocked(ct, string(p))
		}
	}
	t.publishLiveLocked()
	c.SetFlag(ClientTracking, true)
	c.SetFlag(ClientTrackingBrokenRedir, false)
	c.SetFlag(ClientTrackingBcast, o.bcast)
	return ""
}

func (s *Server) addPrefixLocked(ct *clientTracking, p string) {
	t := &s.trk
	bp := t.prefixes[p]
	if bp == nil {
		bp = &bcastPrefix{clients: map[int64]*clientTracking{}, keys: map[string]*Client{}}
		t.prefixes[p] = bp
	}
	bp.clients[ct.c.ID] = ct
	if ct.prefixes == nil {
		ct.prefixes = map[string]struct{}{}
	}
	ct.prefixes[p] = struct{}{}
}

// disableTracking turns tracking off for c (CLIENT TRACKING OFF, RESET, a
// closed connection). Its ids stay in the tracking table and are skipped.
func (s *Server) disableTracking(c *Client) {
	if c.Flags()&ClientTracking == 0 {
		return
	}
	t := &s.trk
	t.mu.Lock()
	if ct := t.byID[c.ID]; ct != nil {
		for p := range ct.prefixes {
			if bp := t.prefixes[p]; bp != nil {
				delete(bp.clients, c.ID)
				if len(bp.clients) == 0 {
					delete(t.prefixes, p)
				}
			}
		}
		delete(t.byID, c.ID)
		t.clients.Add(-1)
		t.publishLiveLocked()
	}
	t.mu.Unlock()
	c.SetFlag(ClientTracking, false)
	c.SetFlag(ClientTrackingBrokenRedir, false)
	c.SetFlag(ClientTrackingBcast, false)
}

// trackRead remembers the keys a read-only command of tracking client c
// named (Valkey's trackingRememberKeys). Dispatch calls it after the
// handler, with the command's shard locks still held, for clients with
// the t flag.
func (s *Server) trackRead(c *Client, spec *cmdspec.Spec, args [][]byte, keys []cmdspec.KeyPos) {
	if spec.Flags&cmdspec.FlagReadonly == 0 || spec.Flags&cmdspec.FlagPubsub != 0 || len(keys) == 0 {
		return
	}
	switch spec.Name {
	case "eval_ro", "evalsha_ro", "fcall_ro":
		return // a read-only script tracks the keys its commands read
	}
	t := &s.trk
	t.mu.Lock()
	defer t.mu.Unlock()
	ct := t.byID[c.ID]
	if ct == nil || ct.bcast || (ct.optin && !ct.caching) || (ct.optout && ct.caching) {
		return
	}
	for _, k := range keys {
		key := args[k.Pos]
		ids := t.keys[string(key)]
		if ids == nil {
			ids = map[int64]struct{}{}
			t.keys[string(key)] = ids
		}
		if _, ok := ids[c.ID]; !ok {
			ids[c.ID] = struct{}{}
			t.items++
		}
	}
	s.limitTrackingLocked(s.trackingMaxKeys())
	t.publishLiveLocked()
}

// trackReadArgs is trackRead for a command whose key positions the caller
// has not computed (EXEC's and scripts' commands, from callHeld). A
// script's commands run on the script client; the keys they read are
// remembered for the script's caller, as Valkey remembers them for its
// current_client.
func (s *Server) trackReadArgs(c *Client, spec *cmdspec.Spec, args [][]byte) {
	if spec.Flags&cmdspec.FlagReadonly == 0 {
		return
	}
	if c = s.trackingSubject(c); c.Flags()&ClientTracking == 0 {
		return
	}
	var kbuf [8]cmdspec.KeyPos
	keys, err := spec.KeyIndexes(args, kbuf[:0])
	if err != nil {
		return
	}
	s.trackRead(c, spec, args, keys)
}

// trackingAfterCommand ends a tracking client's command: a CLIENT CACHING
// given for this command is used up, unless the command was a CLIENT
// subcommand (CACHING itself) or queued in MULTI.
func (s *Server) trackingAfterCommand(c *Client, spec *cmdspec.Spec) {
	if c.Flags()&ClientMulti != 0 || spec.Name == "client" || spec.Container == "client" {
		return
	}
	t := &s.trk
	t.mu.Lock()
	if ct := t.byID[c.ID]; ct != nil {
		ct.caching = false
	}
	t.mu.Unlock()
}

// invalidateTracked sends client-side caching invalidations for key in db
// (CLIENT TRACKING). c is the client whose command changed the key (for
// NOLOOP), or nil. The key's shard is locked.
func (s *Server) invalidateTracked(c *Client, db int, key []byte) {
	if s.trk.live.Load() == 0 {
		return
	}
	c = s.trackingSubject(c)
	t := &s.trk
	t.mu.Lock()
	s.invalidateKeyLocked(c, key, true)
	t.publishLiveLocked()
	t.mu.Unlock()
	if c == nil {
		// A change outside any command (active expiry): nobody runs a
		// broadcast after it, so do it now.
		s.broadcastTracking()
	}
}

// invalidateKeyLocked is Valkey's trackingInvalidateKey: key changed (by
// client c, or nil), or is evicted from the table (bcast false).
func (s *Server) invalidateKeyLocked(c *Client, key []byte, bcast bool) {
	t := &s.trk
	if bcast && len(t.prefixes) > 0 {
		for p, bp := range t.prefixes {
			if len(p) <= len(key) && string(key[:len(p)]) == p {
				bp.keys[string(key)] = c
				t.bcastPending.Store(true)
			}
		}
	}
	ids, ok := t.keys[string(key)]
	if !ok {
		return
	}
	var msg []byte
	for id := range ids {
		ct := t.byID[id]
		if ct == nil || ct.bcast || (ct.noloop && ct.c == c) {
			continue
		}
		if msg == nil {
			msg = appendKeysArray(nil, [][]byte{key})
		}
		s.sendTrackingLocked(ct, msg)
	}
	t.items -= int64(len(ids))
	delete(t.keys, string(key))
}

// sendTrackingLocked sends tracking client ct an invalidation whose value
// is value (an array of keys or a null, encoded), to ct or its redirect
// target, as Valkey's sendTrackingMessage.
func (s *Server) sendTrackingLocked(ct *clientTracking, value []byte) {
	target := ct.c
	redirected := false
	if ct.redirect != 0 {
		r := s.clients.get(ct.redirect)
		if r == nil || r.killed.Load() {
			ct.brokenRedir = true
			ct.c.SetFlag(ClientTrackingBrokenRedir, true)
			if ct.c.Proto() > 2 {
				b := append([]byte(">2\r\n$21\r\ntracking-redir-broken\r\n:"), strconv.FormatInt(ct.redirect, 10)...)
				ct.c.Push(append(b, '\r', '\n'))
			}
			return
		}
		target, redirected = r, true
	}
	var b []byte
	switch {
	case target.Proto() > 2:
		b = append(make([]byte, 0, 24+len(value)), ">2\r\n$10\r\ninvalidate\r\n"...)
	case redirected && target.Flags()&ClientPubSub != 0:
		b = append(make([]byte, 0, 48+len(value)), "*3\r\n$7\r\nmessage\r\n$20\r\n"+trackingChannel+"\r\n"...)
	default:
		return // RESP2 without a subscribed redirect target: no way to tell it
	}
	target.Push(append(b, value...))
}

// appendKeysArray appends keys as a RESP array of bulk strings.
func appendKeysArray(b []byte, keys [][]byte) []byte {
	b = append(b, '*')
	b = strconv.AppendInt(b, int64(len(keys)), 10)
	b = append(b, '\r', '\n')
	for _, k := range keys {
		b = appendBulk(b, k)
	}
	return b
}

// broadcastTracking sends BCAST clients the keys of their prefixes that
// changed since the last broadcast (Valkey's
// trackingBroadcastInvalidationMessages, run once per event loop cycle
// there; here after each command that changed keys, and after expiry).
func (s *Server) broadcastTracking() {
	t := &s.trk
	if !t.bcastPending.CompareAndSwap(true, false) {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	names := make([]string, 0, len(t.prefixes))
	for p, bp := range t.prefixes {
		if len(bp.keys) > 0 {
			names = append(names, p)
		}
	}
	sort.Strings(names)
	for _, p := range names {
		bp := t.prefixes[p]
		keys := make([]string, 0, len(bp.keys))
		for k := range bp.keys {
			keys = append(keys, k)
		}
		sort.Strings(keys) // Valkey's radix tree order
		all := appendKeyStrings(nil, keys, bp.keys, nil)
		ids := make([]int64, 0, len(bp.clients))
		for id := range bp.clients {
			ids = append(ids, id)
		}
		sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
		for _, id := range ids {
			ct := bp.clients[id]
			if ct.noloop {
				if own := appendKeyStrings(nil, keys, bp.keys, ct.c); own != nil {
					s.sendTrackingLocked(ct, own)
				}
				continue
			}
			s.sendTrackingLocked(ct, all)
		}
		bp.keys = map[string]*Client{}
	}
}

// appendKeyStrings encodes the keys as an array, leaving out those last
// changed by except (when not nil); nil if that leaves none.
func appendKeyStrings(b []byte, keys []string, by map[string]*Client, except *Client) []byte {
	n := 0
	for _, k := range keys {
		if except == nil || by[k] != except {
			n++
		}
	}
	if n == 0 && except != nil {
		return nil
	}
	b = append(b, '*')
	b = strconv.AppendInt(b, int64(n), 10)
	b = append(b, '\r', '\n')
	for _, k := range keys {
		if except == nil || by[k] != except {
			b = append(b, '$')
			b = strconv.AppendInt(b, int64(len(k)), 10)
			b = append(b, '\r', '\n')
			b = append(b, k...)
			b = append(b, '\r', '\n')
		}
	}
	return b
}

// invalidateAllTracked tells every tracking client to forget all keys (a
// null invalidation) and empties the tracking table: FLUSHALL and FLUSHDB
// (Valkey's trackingInvalidateKeysOnFlush). c is the client that ran the
// command; its own null arrives after the command's reply (Client.Push).
func (s *Server) invalidateAllTracked(c *Client) {
	t := &s.trk
	if t.clients.Load() == 0 && t.live.Load() == 0 {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	ids := make([]int64, 0, len(t.byID))
	for id := range t.byID {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	for _, id := range ids {
		ct := t.byID[id]
		// Valkey sends the null of the tracking client's protocol, even to
		// a redirect target of the other one.
		null := []byte("$-1\r\n")
		if ct.c.Proto() > 2 {
			null = []byte("_\r\n")
		}
		s.sendTrackingLocked(ct, null)
	}
	if len(t.keys) > 0 {
		t.keys = map[string]map[int64]struct{}{}
	}
	t.items = 0
	t.publishLiveLocked()
}

// trackingMaxKeys is tracking-table-max-keys (0: no limit); Valkey's
// default while the server has no configuration yet.
func (s *Server) trackingMaxKeys() int64 {
	if cfg := s.adm.cfg.Load(); cfg != nil {
		return cfg.Hot.TrackingTableMaxKeys.Load()
	}
	return 1000000
}

// limitTrackingLocked evicts random keys from the tracking table until it
// holds at most max keys, invalidating each for the clients that had it
// (Valkey's trackingLimitUsedSlots, without its per-call effort bound: the
// table only outgrows the limit by one command's keys, or at once when
// the limit is lowered).
func (s *Server) limitTrackingLocked(max int64) {
	t := &s.trk
	if max <= 0 || int64(len(t.keys)) <= max {
		return
	}
	for key := range t.keys { // map order: a random pick
		if int64(len(t.keys)) <= max {
			break
		}
		s.invalidateKeyLocked(nil, []byte(key), false)
	}
}

// trackingMaxKeysChanged applies a new tracking-table-max-keys at once.
func (s *Server) trackingMaxKeysChanged(_, value string) error {
	max, err := strconv.ParseInt(value, 10, 64)
	if err != nil || max <= 0 {
		return nil
	}
	t := &s.trk
	t.mu.Lock()
	t.initLocked()
	s.limitTrackingLocked(max)
	t.publishLiveLocked()
	t.mu.Unlock()
	return nil
}

// trackingInfo returns INFO's tracking figures: clients with tracking on,
// keys in the tracking table, client ids across them, BCAST prefixes.
func (s *Server) trackingInfo() (clients, keys, items, prefixes int64) {
	t := &s.trk
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.clients.Load(), int64(len(t.keys)), t.items, int64(len(t.prefixes))
}

// trackingRedirect returns c's REDIRECT id (0: none), or -1 when tracking
// is off (CLIENT GETREDIR, CLIENT LIST redir).
func (s *Server) trackingRedirect(c *Client) int64 {
	if c.Flags()&ClientTracking == 0 {
		return -1
	}
	t := &s.trk
	t.mu.Lock()
	defer t.mu.Unlock()
	if ct := t.byID[c.ID]; ct != nil {
		return ct.redirect
	}
	return -1
}

// ---- CLIENT TRACKING, CACHING, GETREDIR, TRACKINGINFO ----

// cmdClientTracking: CLIENT TRACKING ON|OFF [REDIRECT id] [PREFIX p ...]
// [BCAST] [OPTIN] [OPTOUT] [NOLOOP], with Valkey's checks in its order:
// the options first (REDIRECT's client must exist now), then ON/OFF, then
// the combinations.
func cmdClientTracking(c *Ctx) {
	var o trackingOptions
	for j := 3; j < len(c.Args); j++ {
		more := len(c.Args) - 1 - j
		a := c.Args[j]
		switch {
		case EqualFold(a, "redirect") && more > 0:
			j++
			if o.redirect != 0 {
				c.Error(errs.TrackingOneRedirect)
				return
			}
			id, ok := num.ParseInt(c.Args[j])
			if !ok {
				c.Error(errs.NotInteger)
				return
			}
			if c.Srv.clients.get(id) == nil {
				c.Error(errs.TrackingNoRedirect)
				return
			}
			o.redirect = id
		case EqualFold(a, "bcast"):
			o.bcast = true
		case EqualFold(a, "optin"):
			o.optin = true
		case EqualFold(a, "optout"):
			o.optout = true
		case EqualFold(a, "noloop"):
			o.noloop = true
		case EqualFold(a, "prefix") && more > 0:
			j++
			o.prefixes = append(o.prefixes, c.Args[j])
		default:
			c.Error(errs.Syntax)
			return
		}
	}
	switch {
	case EqualFold(c.Args[2], "on"):
		if err := c.Srv.checkTrackingOptions(c.Client, o); err != nil {
			c.Error(err)
			return
		}
		if msg := c.Srv.enableTracking(c.Client, o); msg != "" {
			c.W.Error(msg)
			return
		}
	case EqualFold(c.Args[2], "off"):
		c.Srv.disableTracking(c.Client)
	default:
		c.Error(errs.Syntax)
		return
	}
	c.W.OK()
}

// checkTrackingOptions checks CLIENT TRACKING ON's options against each
// other and against c's current mode.
func (s *Server) checkTrackingOptions(c *Client, o trackingOptions) error {
	if !o.bcast && len(o.prefixes) > 0 {
		return errs.TrackingPrefixNoBcast
	}
	t := &s.trk
	t.mu.Lock()
	ct := t.byID[c.ID]
	var wasBcast, wasOptin, wasOptout bool
	if ct != nil {
		wasBcast, wasOptin, wasOptout = ct.bcast, ct.optin, ct.optout
	}
	t.mu.Unlock()
	switch {
	case ct != nil && wasBcast != o.bcast:
		return errs.TrackingSwitchBcast
	case o.bcast && (o.optin || o.optout):
		return errs.TrackingOptBcast
	case o.optin && o.optout:
		return errs.TrackingOptInOut
	case (o.optin && wasOptout) || (o.optout && wasOptin):
		return errs.TrackingSwitchOpt
	}
	return nil
}

// cmdClientCaching: CLIENT CACHING YES|NO, for the next command of an
// OPTIN (YES) or OPTOUT (NO) tracking client.
func cmdClientCaching(c *Ctx) {
	t := &c.Srv.trk
	t.mu.Lock()
	ct := t.byID[c.Client.ID]
	var err error
	switch {
	case ct == nil:
		err = errs.CachingNotTracking
	case EqualFold(c.Args[2], "yes"):
		if ct.optin {
			ct.caching = true
		} else {
			err = errs.CachingYesNeedsOptin
		}
	case EqualFold(c.Args[2], "no"):
		if ct.optout {
			ct.caching = true
		} else {
			err = errs.CachingNoNeedsOptout
		}
	default:
		err = errs.Syntax
	}
	t.mu.Unlock()
	if err != nil {
		c.Error(err)
		return
	}
	c.W.OK()
}

// cmdClientGetredir: CLIENT GETREDIR, the REDIRECT id (0 for none), or -1
// when tracking is off.
func cmdClientGetredir(c *Ctx) { c.W.Int(c.Srv.trackingRedirect(c.Client)) }

// cmdClientTrackinginfo: CLIENT TRACKINGINFO, a map of flags (a set),
// redirect and prefixes.
func cmdClientTrackinginfo(c *Ctx) {
	t := &c.Srv.trk
	t.mu.Lock()
	var flags []string
	redirect := int64(-1)
	var prefixes []string
	if ct := t.byID[c.Client.ID]; ct != nil {
		flags = append(flags, "on")
		if ct.bcast {
			flags = append(flags, "bcast")
		}
		if ct.optin {
			flags = append(flags, "optin")
			if ct.caching {
				flags = append(flags, "caching-yes")
			}
		}
		if ct.optout {
			flags = append(flags, "optout")
			if ct.caching {
				flags = append(flags, "caching-no")
			}
		}
		if ct.noloop {
			flags = append(flags, "noloop")
		}
		if ct.brokenRedir {
			flags = append(flags, "broken_redirect")
		}
		redirect = ct.redirect
		for p := range ct.prefixes {
			prefixes = append(prefixes, p)
		}
		sort.Strings(prefixes)
	} else {
		flags = append(flags, "off")
	}
	t.mu.Unlock()
	w := c.W
	w.Map(3)
	w.BulkString("flags")
	w.Set(len(flags))
	for _, f := range flags {
		w.BulkString(f)
	}
	w.BulkString("redirect")
	w.Int(redirect)
	w.BulkString("prefixes")
	w.Array(len(prefixes))
	for _, p := range prefixes {
		w.BulkString(p)
	}
}

// trackingSubject returns the client a command run by c counts for in
// client-side caching: c itself, or, for a command a script runs on the
// script client, the client that called the script (Valkey's
// current_client, for NOLOOP and for the keys a script reads).
func (s *Server) trackingSubject(c *Client) *Client {
	if c == nil || !c.runningScript {
		return c
	}
	st := &s.scripting
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.run != nil && st.run.caller != nil {
		return st.run.caller
	}
	return c
}

// trackingAfterRun ends a top-level command (dispatch): the client's
// CLIENT CACHING is used up, and the keys BCAST clients wait for go out.
func (s *Server) trackingAfterRun(c *Client, spec *cmdspec.Spec) {
	if c.Flags()&ClientTracking != 0 {
		s.trackingAfterCommand(c, spec)
	}
	if s.trk.bcastPending.Load() {
		s.broadcastTracking()
	}
}
