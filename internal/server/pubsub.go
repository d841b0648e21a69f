package server

import (
	"sort"
	"sync"

	"petrel/internal/cmdspec"
	"petrel/internal/errs"
	"petrel/internal/glob"
	"petrel/internal/resp"
)

// Pub/Sub: SUBSCRIBE UNSUBSCRIBE PSUBSCRIBE PUNSUBSCRIBE SSUBSCRIBE
// SUNSUBSCRIBE PUBLISH SPUBLISH PUBSUB, as Valkey 9's pubsub.c in
// standalone mode (shard channels are a second, independent namespace
// without patterns; no slots).
//
// The registry (pubsubState) maps each channel, shard channel and pattern
// to its subscribers, and each client to its own subscriptions; one
// RWMutex guards both sides. Publishers hold it shared while they queue the
// message to every subscriber (Client.Push, outbuf.go: never blocking), so
// once an UNSUBSCRIBE holding it exclusively has removed a subscription, no
// message for it can still be on its way, and the messages already queued
// are moved into the reply stream before the confirmation is written.
//
// Replies: the subscription commands reply with one push message per
// channel (an array in RESP2, > in RESP3), which CLIENT REPLY OFF does not
// silence; a RESP2 client with a subscription may only run (P|S)SUBSCRIBE,
// (P|S)UNSUBSCRIBE, PING, QUIT and RESET (checkSubscribedContext), and
// its PING answers ["pong", arg]. Messages reach a subscriber after the
// reply of the command it is running, as Valkey delivers pushes to the
// current client.
//
// Lock order: shard locks (a command publishing keyspace events) before
// pubsubState.mu before a client's outQueue.mu. The registry never calls
// anything that takes a shard lock.

// pubsubState is the server's subscription registry.
type pubsubState struct {
	mu sync.RWMutex
	// Guarded by mu (and each client's subs):
	channels      map[string]*subscribers // SUBSCRIBE
	shardChannels map[string]*subscribers // SSUBSCRIBE
	patterns      map[string]*subscribers // PSUBSCRIBE
	patternList   []*subscribers          // the patterns, for PUBLISH to scan
}

// subscribers are the clients subscribed to one channel or pattern, in a
// slice for fast fan-out and an index for O(1) removal.
type subscribers struct {
	name    []byte
	clients []*Client
	index   map[*Client]int
	pos     int // position in patternList (patterns only)
}

// clientSubs are one client's subscriptions, guarded by pubsubState.mu.
type clientSubs struct {
	channels, patterns, shard map[string]struct{}
}

// subKind is one of the three subscription namespaces.
type subKind int

const (
	subChannel subKind = iota
	subPattern
	subShard
)

// Reply words of each kind (Valkey's shared.*bulk).
var (
	subscribeWord   = [...]string{subChannel: "subscribe", subPattern: "psubscribe", subShard: "ssubscribe"}
	unsubscribeWord = [...]string{subChannel: "unsubscribe", subPattern: "punsubscribe", subShard: "sunsubscribe"}
)

func registerPubSub(r *Registry) {
	r.Handle("subscribe", cmdSubscribe)
	r.Handle("unsubscribe", cmdUnsubscribe)
	r.Handle("psubscribe", cmdPSubscribe)
	r.Handle("punsubscribe", cmdPUnsubscribe)
	r.Handle("ssubscribe", cmdSSubscribe)
	r.Handle("sunsubscribe", cmdSUnsubscribe)
	r.Handle("publish", cmdPublish)
	r.Handle("spublish", cmdSPublish)
	r.Handle("pubsub|channels", cmdPubsubChannels)
	r.Handle("pubsub|shardchannels", cmdPubsubShardChannels)
	r.Handle("pubsub|numsub", cmdPubsubNumsub)
	r.Handle("pubsub|shardnumsub", cmdPubsubShardNumsub)
	r.Handle("pubsub|numpat", cmdPubsubNumpat)
	r.Handle("pubsub|help", func(c *Ctx) { writeSubcommandHelp(c, pubsubHelp) })
}

// Publish delivers message to the subscribers of channel and of the
// patterns matching it (PUBLISH; keyspace notifications use it too) and
// returns how many deliveries it made: a client subscribed to the channel
// and to a matching pattern counts, and receives it, twice. It may be
// called from any goroutine, with shard locks held; it never blocks on a
// subscriber's socket. A subscriber that is the calling command's own
// client receives it after that command's reply.
func (s *Server) Publish(channel, message []byte) int {
	return s.publish(channel, message, subChannel)
}

// PublishShard is SPUBLISH: shard channels have their own subscribers and
// no patterns.
func (s *Server) PublishShard(channel, message []byte) int {
	return s.publish(channel, message, subShard)
}

func (s *Server) publish(channel, message []byte, kind subKind) int {
	ps := &s.pubsub
	ps.mu.RLock()
	defer ps.mu.RUnlock()
	n := 0
	var enc messageEncoder
	table, word := ps.channels, "message"
	if kind == subShard {
		table, word = ps.shardChannels, "smessage"
	}
	if subs := table[string(channel)]; subs != nil {
		for _, c := range subs.clients {
			c.Push(enc.encode(c.Proto(), word, nil, channel, message))
			n++
		}
	}
	if kind == subShard {
		return n
	}
	for _, p := range ps.patternList {
		if !glob.Match(p.name, channel, false) {
			continue
		}
		enc.reset()
		for _, c := range p.clients {
			c.Push(enc.encode(c.Proto(), "pmessage", p.name, channel, message))
			n++
		}
	}
	return n
}

// messageEncoder encodes one message once per protocol version.
type messageEncoder struct {
	bufs [2][]byte // RESP2, RESP3
}

func (e *messageEncoder) reset() { e.bufs[0], e.bufs[1] = nil, nil }

func (e *messageEncoder) encode(proto int, word string, pattern, channel, message []byte) []byte {
	i := 0
	if proto >= 3 {
		i = 1
	}
	if e.bufs[i] != nil {
		return e.bufs[i]
	}
	n := 3
	size := 32 + len(word) + len(channel) + len(message)
	if pattern != nil {
		n, size = 4, size+len(pattern)+16
	}
	b := make([]byte, 0, size)
	b = appendPushHeader(b, proto, n)
	b = appendBulk(b, []byte(word))
	if pattern != nil {
		b = appendBulk(b, pattern)
	}
	b = appendBulk(b, channel)
	b = appendBulk(b, message)
	e.bufs[i] = b
	return b
}

// writableTableLocked returns the registry table of a kind, creating it.
// The caller holds mu exclusively.
func (ps *pubsubState) writableTableLocked(kind subKind) map[string]*subscribers {
	switch kind {
	case subPattern:
		if ps.patterns == nil {
			ps.patterns = map[string]*subscribers{}
		}
		return ps.patterns
	case subShard:
		if ps.shardChannels == nil {
			ps.shardChannels = map[string]*subscribers{}
		}
		return ps.shardChannels
	}
	if ps.channels == nil {
		ps.channels = map[string]*subscribers{}
	}
	return ps.channels
}

func (cs *clientSubs) set(kind subKind) map[string]struct{} {
	switch kind {
	case subPattern:
		return cs.patterns
	case subShard:
		return cs.shard
	}
	return cs.channels
}

// addLocked subscribes c to name; false if it already was.
func (ps *pubsubState) addLocked(c *Client, kind subKind, name []byte) bool {
	if c.subs == nil {
		c.subs = &clientSubs{channels: map[string]struct{}{}, patterns: map[string]struct{}{}, shard: map[string]struct{}{}}
	}
	mine := c.subs.set(kind)
	if _, ok := mine[string(name)]; ok {
		return false
	}
	key := string(name)
	mine[key] = struct{}{}
	table := ps.writableTableLocked(kind)
	subs := table[key]
	if subs == nil {
		subs = &subscribers{name: []byte(key), index: map[*Client]int{}}
		table[key] = subs
		if kind == subPattern {
			subs.pos = len(ps.patternList)
			ps.patternList = append(ps.patternList, subs)
		}
	}
	subs.index[c] = len(subs.clients)
	subs.clients = append(subs.clients, c)
	return true
}

// removeLocked unsubscribes c from name; false if it was not subscribed.
func (ps *pubsubState) removeLocked(c *Client, kind subKind, name string) bool {
	if c.subs == nil {
		return false
	}
	mine := c.subs.set(kind)
	if _, ok := mine[name]; !ok {
		return false
	}
	delete(mine, name)
	table := ps.writableTableLocked(kind)
	subs := table[name]
	i := subs.index[c]
	last := len(subs.clients) - 1
	if i != last {
		moved := subs.clients[last]
		subs.clients[i] = moved
		subs.index[moved] = i
	}
	subs.clients[last] = nil
	subs.clients = subs.clients[:last]
	delete(subs.index, c)
	if len(subs.clients) == 0 {
		// Forget empty channels, so that PUBSUB cannot be used to create
		// millions of them.
		delete(table, name)
		if kind == subPattern {
			lastP := len(ps.patternList) - 1
			moved := ps.patternList[lastP]
			ps.patternList[subs.pos] = moved
			moved.pos = subs.pos
			ps.patternList[lastP] = nil
			ps.patternList = ps.patternList[:lastP]
		}
	}
	return true
}

// counts returns a client's channel, pattern and shard channel counts.
func (cs *clientSubs) counts() (channels, patterns, shard int) {
	if cs == nil {
		return 0, 0, 0
	}
	return len(cs.channels), len(cs.patterns), len(cs.shard)
}

// subscriptionCount is the number Valkey reports in (un)subscribe
// confirmations: channels plus patterns, or shard channels.
func (cs *clientSubs) subscriptionCount(kind subKind) int64 {
	ch, pat, sh := cs.counts()
	if kind == subShard {
		return int64(sh)
	}
	return int64(ch + pat)
}

// publishCountsLocked updates what other connections see of c's
// subscriptions (CLIENT LIST sub, psub and ssub).
func (c *Client) publishCountsLocked() {
	ch, pat, sh := c.subs.counts()
	c.SetSubscriptions(ch, pat, sh)
}

// writeSubReply writes one (un)subscribe confirmation: [word, name, count]
// with a null name for an unsubscribe-all that found nothing.
func writeSubReply(w *resp.Writer, word string, name []byte, count int64) {
	w.Push(3)
	w.BulkString(word)
	if name == nil {
		w.Null()
	} else {
		w.Bulk(name)
	}
	w.Int(count)
}

// subscribe is SUBSCRIBE, PSUBSCRIBE and SSUBSCRIBE.
func subscribe(c *Ctx, kind subKind) {
	cl := c.Client
	cl.pushReply = true
	ps := &c.Srv.pubsub
	ps.mu.Lock()
	for _, name := range c.Args[1:] {
		ps.addLocked(cl, kind, name)
		writeSubReply(c.W, subscribeWord[kind], name, cl.subs.subscriptionCount(kind))
	}
	cl.publishCountsLocked()
	cl.SetFlag(ClientPubSub, true)
	ps.mu.Unlock()
}

// unsubscribe is UNSUBSCRIBE, PUNSUBSCRIBE and SUNSUBSCRIBE: the named
// subscriptions, or all of the kind when none is named.
func unsubscribe(c *Ctx, kind subKind) {
	cl := c.Client
	cl.pushReply = true
	ps := &c.Srv.pubsub
	// Messages queued before a subscription ends come before its
	// confirmation; inside EXEC the reply goes elsewhere and they wait.
	own := c.W == &cl.w && cl.Flags()&ClientMulti == 0
	ps.mu.Lock()
	defer ps.mu.Unlock()
	names := c.Args[1:]
	if len(names) == 0 {
		names = cl.subscribedNamesLocked(kind)
		if len(names) == 0 {
			writeSubReply(c.W, unsubscribeWord[kind], nil, cl.subs.subscriptionCount(kind))
		}
	}
	for _, name := range names {
		ps.removeLocked(cl, kind, string(name))
		if own {
			cl.takePushes()
		}
		writeSubReply(c.W, unsubscribeWord[kind], name, cl.subs.subscriptionCount(kind))
	}
	cl.publishCountsLocked()
	if ch, pat, sh := cl.subs.counts(); ch+pat+sh == 0 {
		cl.SetFlag(ClientPubSub, false)
	}
}

// subscribedNamesLocked lists a client's subscriptions of a kind.
func (c *Client) subscribedNamesLocked(kind subKind) [][]byte {
	if c.subs == nil {
		return nil
	}
	set := c.subs.set(kind)
	out := make([][]byte, 0, len(set))
	for name := range set {
		out = append(out, []byte(name))
	}
	// Valkey's order is its hash table's (seeded at random); sorted is
	// as good and reproducible.
	sort.Slice(out, func(i, j int) bool { return string(out[i]) < string(out[j]) })
	return out
}

// unsubscribeAll drops every subscription of a client without replying
// (RESET, disconnection).
func (s *Server) unsubscribeAll(c *Client) {
	ps := &s.pubsub
	ps.mu.Lock()
	defer ps.mu.Unlock()
	if c.subs == nil {
		return
	}
	for _, kind := range [...]subKind{subChannel, subPattern, subShard} {
		for name := range c.subs.set(kind) {
			ps.removeLocked(c, kind, name)
		}
	}
	c.subs = nil
	c.SetSubscriptions(0, 0, 0)
	c.SetFlag(ClientPubSub, false)
}

// IsSubscribed reports whether c is subscribed to channel (SUBSCRIBE, not
// patterns).
func (c *Client) IsSubscribed(channel []byte) bool {
	if c.srv == nil {
		return false
	}
	ps := &c.srv.pubsub
	ps.mu.RLock()
	defer ps.mu.RUnlock()
	if c.subs == nil {
		return false
	}
	_, ok := c.subs.channels[string(channel)]
	return ok
}

func cmdSubscribe(c *Ctx)  { subscribe(c, subChannel) }
func cmdPSubscribe(c *Ctx) { subscribe(c, subPattern) }

func cmdSSubscribe(c *Ctx) {
	// Inside EXEC (deny-blocking in Valkey) shard subscriptions are
	// refused; SUBSCRIBE and PSUBSCRIBE are allowed there for backward
	// compatibility, as in Valkey.
	if c.Client.Flags()&ClientMulti != 0 {
		c.Error(errs.SSubscribeDenyBlocking)
		return
	}
	subscribe(c, subShard)
}

func cmdUnsubscribe(c *Ctx)  { unsubscribe(c, subChannel) }
func cmdPUnsubscribe(c *Ctx) { unsubscribe(c, subPattern) }
func cmdSUnsubscribe(c *Ctx) { unsubscribe(c, subShard) }

// PUBLISH and SPUBLISH are propagated: a replica's subscribers get the
// message too (Valkey outside cluster mode).
func cmdPublish(c *Ctx) {
	c.W.Int(int64(c.Srv.Publish(c.Args[1], c.Args[2])))
	c.ForcePropagate()
}

func cmdSPublish(c *Ctx) {
	c.W.Int(int64(c.Srv.PublishShard(c.Args[1], c.Args[2])))
	c.ForcePropagate()
}

var pubsubHelp = []string{
	"CHANNELS [<pattern>]",
	"    Return the currently active channels matching a <pattern> (default: '*').",
	"NUMPAT",
	"    Return number of subscriptions to patterns.",
	"NUMSUB [<channel> ...]",
	"    Return the number of subscribers for the specified channels, excluding",
	"    pattern subscriptions(default: no channels).",
	"SHARDCHANNELS [<pattern>]",
	"    Return the currently active shard level channels matching a <pattern> (default: '*').",
	"SHARDNUMSUB [<shardchannel> ...]",
	"    Return the number of subscribers for the specified shard level channel(s)",
}

func cmdPubsubChannels(c *Ctx)      { channelList(c, subChannel) }
func cmdPubsubShardChannels(c *Ctx) { channelList(c, subShard) }

// channelList is PUBSUB CHANNELS and SHARDCHANNELS [pattern].
func channelList(c *Ctx, kind subKind) {
	if len(c.Args) > 3 {
		subcommandSyntaxError(c)
		return
	}
	var pat []byte
	if len(c.Args) == 3 {
		pat = c.Args[2]
	}
	ps := &c.Srv.pubsub
	ps.mu.RLock()
	names := make([]string, 0, len(ps.tableLocked(kind)))
	for name := range ps.tableLocked(kind) {
		if pat == nil || glob.Match(pat, []byte(name), false) {
			names = append(names, name)
		}
	}
	ps.mu.RUnlock()
	sort.Strings(names) // Valkey's order is its hash table's; any order is right
	c.W.Array(len(names))
	for _, n := range names {
		c.W.BulkString(n)
	}
}

// tableLocked returns the registry table of a kind (nil if it was never
// used).
func (ps *pubsubState) tableLocked(kind subKind) map[string]*subscribers {
	switch kind {
	case subPattern:
		return ps.patterns
	case subShard:
		return ps.shardChannels
	}
	return ps.channels
}

func cmdPubsubNumsub(c *Ctx)      { numsub(c, subChannel) }
func cmdPubsubShardNumsub(c *Ctx) { numsub(c, subShard) }

// numsub is PUBSUB NUMSUB and SHARDNUMSUB: [channel, count, ...].
func numsub(c *Ctx, kind subKind) {
	ps := &c.Srv.pubsub
	names := c.Args[2:]
	c.W.Array(2 * len(names)) // an array even in RESP3, as Valkey
	ps.mu.RLock()
	table := ps.tableLocked(kind)
	for _, name := range names {
		n := 0
		if subs := table[string(name)]; subs != nil {
			n = len(subs.clients)
		}
		c.W.Bulk(name)
		c.W.Int(int64(n))
	}
	ps.mu.RUnlock()
}

func cmdPubsubNumpat(c *Ctx) {
	if len(c.Args) != 2 {
		subcommandSyntaxError(c)
		return
	}
	c.W.Int(int64(c.Srv.pubsubCounts().patterns))
}

// contextError is the rejection a command gets from the state of its
// client, as in Valkey's processCommand: a RESP2 client with
// subscriptions may only run the pub/sub commands, PING, QUIT and RESET;
// a MONITOR client (flagged replica) may not touch the keyspace. "" lets
// the command run.
func (s *Server) contextError(c *Client, cmd *command) string {
	f := c.Flags()
	if f&(ClientPubSub|ClientReplica) == 0 {
		return ""
	}
	spec := cmd.spec
	if f&ClientPubSub != 0 && c.Proto() == 2 {
		switch spec.Name {
		case "ping", "subscribe", "ssubscribe", "unsubscribe", "sunsubscribe", "psubscribe", "punsubscribe", "quit", "reset":
		default:
			return errs.SubscribedContext(spec.Name).Error()
		}
	}
	if f&ClientReplica != 0 && spec.Flags&(cmdspec.FlagMayReplicate|cmdspec.FlagWrite|cmdspec.FlagReadonly) != 0 {
		return errs.ReplicaKeyspace.Error()
	}
	return ""
}

// pubsubCounts are INFO's pubsub_channels, pubsub_patterns and
// pubsubshard_channels.
type pubsubCountsT struct{ channels, patterns, shardChannels int }

func (s *Server) pubsubCounts() pubsubCountsT {
	ps := &s.pubsub
	ps.mu.RLock()
	defer ps.mu.RUnlock()
	return pubsubCountsT{len(ps.channels), len(ps.patterns), len(ps.shardChannels)}
}

// pingSubscribed is PING from a RESP2 client with subscriptions: the
// array ["pong", arg or ""], as Valkey answers in that context.
func pingSubscribed(c *Ctx) {
	c.W.Array(2)
	c.W.BulkString("pong")
	if len(c.Args) == 2 {
		c.W.Bulk(c.Args[1])
	} else {
		c.W.BulkString("")
	}
}
