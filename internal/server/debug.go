package server

import (
	"crypto/sha1"
	"encoding/binary"
	"encoding/hex"
	"hash/fnv"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"petrel/internal/errs"
	"petrel/internal/glob"
	"petrel/internal/keyspace"
	"petrel/internal/kvtable"
	"petrel/internal/num"
	"petrel/internal/types/list"
)

// DEBUG: the subcommands clients and Valkey's test suite use. Those that
// exist to crash, to inspect C allocator or hash table internals, or to
// drive replication, AOF and cluster machinery Petrel does not have
// (SEGFAULT, PANIC, ASSERT, OOM, RESTART, CRASH-AND-RECOVER, MALLCTL*,
// HTSTATS-KEY, SDSLEN, STRUCTSIZE, LOADAOF, REPLICATE, CLIENT-EVICTION,
// JMAP, the cluster ones) answer the unknown-subcommand error.
//
// DEBUG is refused unless enable-debug-command allows the client ("yes",
// or "local" for loopback and unix socket clients), as Valkey does before
// running it.

// debugState holds the knobs DEBUG sets. Families read them through the
// Server accessors below.
type debugState struct {
	packedThreshold    atomic.Int64 // DEBUG QUICKLIST-PACKED-THRESHOLD; 0 = default (1GB)
	disableDenyScripts atomic.Bool  // DEBUG SET-DISABLE-DENY-SCRIPTS
	skipChecksum       atomic.Bool  // DEBUG SET-SKIP-CHECKSUM-VALIDATION
	aofFlushSleep      atomic.Int64 // DEBUG AOF-FLUSH-SLEEP, microseconds
	pauseCron          atomic.Bool  // DEBUG PAUSE-CRON (recorded only)
	dictResizing       atomic.Bool  // DEBUG DICT-RESIZING 0 disables (recorded only)
	replyBufResizing   atomic.Bool  // DEBUG REPLYBUFFER RESIZING 0 disables (recorded only)
	replyBufPeakReset  atomic.Int64 // DEBUG REPLYBUFFER PEAK-RESET-TIME, ms; -1 never
}

// ListNodes is where quicklists keep their packed nodes: list commands
// pass it in list.Config.
func (s *Server) ListNodes() *list.NodeMem { return s.listMem }

// QuicklistPackedThreshold is the element size from which lists store an
// element in a plain node of its own (DEBUG QUICKLIST-PACKED-THRESHOLD).
func (s *Server) QuicklistPackedThreshold() int64 {
	if v := s.adm.debug.packedThreshold.Load(); v != 0 {
		return v
	}
	return 1 << 30
}

// ScriptDenyDisabled reports whether DEBUG SET-DISABLE-DENY-SCRIPTS lets
// scripts run commands flagged noscript.
func (s *Server) ScriptDenyDisabled() bool { return s.adm.debug.disableDenyScripts.Load() }

// SkipChecksumValidation reports DEBUG SET-SKIP-CHECKSUM-VALIDATION (RDB
// loading and RESTORE).
func (s *Server) SkipChecksumValidation() bool { return s.adm.debug.skipChecksum.Load() }

// debugAllowed applies enable-debug-command to a client.
func (s *Server) debugAllowed(c *Client) bool {
	switch s.Settings().EnableDebugCommand {
	case "yes":
		return true
	case "local":
		return c.isLocal()
	}
	return false
}

// catoi is C's atoi: leading spaces, a sign and digits; 0 if none.
func catoi(b []byte) int64 {
	i := 0
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	neg := false
	if i < len(b) && (b[i] == '-' || b[i] == '+') {
		neg = b[i] == '-'
		i++
	}
	var n int64
	for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
		n = n*10 + int64(b[i]-'0')
	}
	if neg {
		n = -n
	}
	return int64(int32(n))
}

func cmdDebug(c *Ctx) {
	s := c.Srv
	if !s.debugAllowed(c.Client) {
		c.Error(errs.DebugDisabled)
		return
	}
	args := c.Args
	argc := len(args)
	sub := args[1]
	d := &s.adm.debug
	is := func(name string) bool { return EqualFold(sub, name) }
	switch {
	case argc == 2 && is("help"):
		writeSubcommandHelp(c, helpDebug)
	case is("log") && argc == 3:
		s.Logf("DEBUG LOG: %s", args[2])
		c.W.OK()
	case is("leak") && argc == 3:
		c.W.OK() // Go's heap is collected: nothing to leak on purpose
	case is("reload"):
		debugReload(c)
	case is("loadaof") && argc == 2:
		debugLoadAOF(c) // aof.go
	case is("object") && (argc == 3 || argc == 4):
		debugObject(c)
	case is("listpack") && argc == 3:
		debugEncodingDump(c, keyspace.EncListpack, errs.NotListpack, "Listpack structure printed on stdout")
	case is("quicklist") && (argc == 3 || argc == 4):
		debugEncodingDump(c, keyspace.EncQuicklist, errs.NotQuicklist, "Quicklist structure printed on stdout")
	case is("populate") && argc >= 3 && argc <= 5:
		debugPopulate(c)
	case is("digest") && argc == 2:
		var sum []byte
		c.Unlocked(func() { sum = s.datasetDigest(c.DB.Held) })
		c.W.Simple(hex.EncodeToString(sum))
	case is("digest-value"):
		c.W.Array(argc - 2)
		for _, key := range args[2:] {
			c.W.Simple(hex.EncodeToString(keyDigest(c, key)))
		}
	case is("protocol") && argc == 3:
		debugProtocol(c)
	case is("sleep") && argc == 3:
		debugSleep(c, cStrtod(args[2]))
	case is("set-active-expire") && argc == 3:
		s.SetActiveExpire(catoi(args[2]) != 0)
		c.W.OK()
	case is("quicklist-packed-threshold") && argc == 3:
		sz, ok := memtoull(args[2])
		if !ok || sz > 1<<32-1<<20 {
			c.Error(errs.DebugPackedThreshold)
			return
		}
		d.packedThreshold.Store(int64(sz))
		c.W.OK()
	case is("set-skip-checksum-validation") && argc == 3:
		d.skipChecksum.Store(catoi(args[2]) != 0)
		c.W.OK()
	case is("aof-flush-sleep") && argc == 3:
		d.aofFlushSleep.Store(catoi(args[2]))
		c.W.OK()
	case is("error") && argc == 3:
		c.W.Error(string(args[2]))
	case is("change-repl-id") && argc == 2:
		s.Logf("Changing replication IDs after receiving DEBUG change-repl-id")
		c.W.OK()
	case is("stringmatch-test") && argc == 2:
		stringmatchFuzz()
		c.W.Simple("Apparently the server did not crash: test passed")
	case is("set-disable-deny-scripts") && argc == 3:
		d.disableDenyScripts.Store(catoi(args[2]) != 0)
		c.W.OK()
	case is("config-rewrite-force-all") && argc == 2:
		if err := s.configBackend().Rewrite(); err != nil {
			c.W.Error("ERR CONFIG-REWRITE-FORCE-ALL failed: " + strings.TrimPrefix(strings.TrimPrefix(err.Error(), "ERR Rewriting config file: "), "ERR "))
			return
		}
		c.W.OK()
	case is("pause-cron") && argc == 3:
		d.pauseCron.Store(catoi(args[2]) != 0)
		c.W.OK()
	case is("replybuffer") && argc == 4:
		switch {
		case EqualFold(args[2], "peak-reset-time"):
			switch {
			case EqualFold(args[3], "never"):
				d.replyBufPeakReset.Store(-1)
			case EqualFold(args[3], "reset"):
				d.replyBufPeakReset.Store(0)
			default:
				n, ok := num.ParseInt(args[3])
				if !ok {
					c.Error(errs.NotInteger)
					return
				}
				d.replyBufPeakReset.Store(n)
			}
		case EqualFold(args[2], "resizing"):
			d.replyBufResizing.Store(catoi(args[3]) == 0)
		default:
			subcommandSyntaxError(c)
			return
		}
		c.W.OK()
	case (is("pause-after-fork") || is("delay-rdb-client-free-seconds") || is("client-enforce-reply-list")) && argc == 3:
		c.W.OK() // no fork, no RDB transfer, one reply buffer: nothing to change
	case is("htstats") && argc >= 3:
		debugHTStats(c)
	case is("dict-resizing") && argc == 3:
		d.dictResizing.Store(catoi(args[2]) == 0)
		c.W.OK()
	default:
		subcommandSyntaxError(c)
	}
}

// debugHTStats is DEBUG HTSTATS <dbid> [full]: the key table of a
// database, its 64 shard tables combined as Valkey combines its per-slot
// tables. Petrel's tables chain records from their buckets, so the full
// form counts records per chain ("child buckets" is always 0: buckets
// never overflow into child buckets). Key deadlines live in the key
// records, not in a second table, so [Expires HT] describes nothing.
func debugHTStats(c *Ctx) {
	p := c.Parser(2)
	db := p.Int64()
	if p.Err() != nil {
		c.Error(p.Err())
		return
	}
	if db < 0 || db >= int64(c.Srv.ks.NumDBs()) {
		c.Error(errs.DebugOutOfRangeDB)
		return
	}
	full := len(c.Args) >= 4 && EqualFold(c.Args[3], "full")
	var main, target kvtable.ArrayStats
	var mainOK, targetOK bool
	c.Unlocked(func() { main, target, mainOK, targetOK = c.Srv.ks.HTStats(c.DB.WithIndex(int(db)), full) })
	b := []byte("[Dictionary HT]\n")
	if mainOK {
		b = appendHTStats(b, 0, main, full)
	}
	if targetOK {
		b = appendHTStats(b, 1, target, full)
	}
	b = append(b, "[Expires HT]\n"...)
	c.W.Verbatim("txt", b)
}

// appendHTStats formats one bucket array as Valkey's hashtableGetStatsMsg.
func appendHTStats(b []byte, i int, st kvtable.ArrayStats, full bool) []byte {
	name := "main hash table"
	if i == 1 {
		name = "rehashing target"
	}
	b = append(b, "Hash table "...)
	b = strconv.AppendInt(b, int64(i), 10)
	b = append(b, " stats ("...)
	b = append(b, name...)
	b = append(b, "):\n"...)
	if st.Entries == 0 {
		return append(b, "No stats available for empty hash tables\n"...)
	}
	b = append(b, " table size: "...)
	b = strconv.AppendInt(b, int64(st.Buckets), 10)
	b = append(b, "\n number of entries: "...)
	b = strconv.AppendInt(b, int64(st.Entries), 10)
	b = append(b, '\n')
	if !full {
		return b
	}
	b = append(b, " top-level buckets: "...)
	b = strconv.AppendInt(b, int64(st.Buckets), 10)
	b = append(b, "\n child buckets: 0\n max chain length: "...)
	b = strconv.AppendInt(b, int64(st.MaxChain), 10)
	b = append(b, "\n avg chain length: "...)
	avg := 0.0
	if st.NonEmpty > 0 {
		avg = float64(st.Entries) / float64(st.NonEmpty)
	}
	b = strconv.AppendFloat(b, avg, 'f', 6, 64)
	b = append(b, "\n chain length distribution:\n"...)
	for n, count := range st.Chains {
		if count == 0 {
			continue
		}
		b = append(b, "   "...)
		b = strconv.AppendInt(b, int64(n), 10)
		b = append(b, ": "...)
		b = strconv.AppendInt(b, int64(count), 10)
		b = append(b, " ("...)
		b = strconv.AppendFloat(b, float64(count)/float64(st.Buckets)*100, 'f', 2, 64)
		b = append(b, "%)\n"...)
	}
	return b
}

// debugReload is in rdb.go.

// lockShards locks the shards of m the dispatcher did not lock for the
// command (DEBUG has no key arguments, so none) and returns the unlock.
func (c *Ctx) lockShards(m keyspace.Mask) func() {
	m &^= c.locked | c.held
	c.Srv.ks.Lock(m)
	return func() { c.Srv.ks.Unlock(m) }
}

// lockKey locks the shard of key, as lockShards.
func (c *Ctx) lockKey(key []byte) func() { return c.lockShards(keyspace.MaskOf(key)) }

// DebugObjectExtra is implemented by values that add fields to DEBUG
// OBJECT's line, such as a quicklist's " ql_nodes:.. ql_avg_node:..";
// fast leaves out the costly ones.
type DebugObjectExtra interface {
	DebugObjectExtra(fast bool) string
}

// SerializedLengther is implemented by collection values that know the
// size of their RDB serialization (DEBUG OBJECT's serializedlength).
type SerializedLengther interface {
	SerializedLength() int
}

func debugObject(c *Ctx) {
	key := c.Args[2]
	fast := len(c.Args) == 4 && EqualFold(c.Args[3], "fast")
	defer c.lockKey(key)()
	e, ok := c.DB.Peek(key)
	if !ok {
		c.Error(errs.NoSuchKey)
		return
	}
	now := c.Now.UnixMilli()
	lru := e.LRU()
	h := fnv.New64a()
	_, _ = h.Write(key)
	b := make([]byte, 0, 200)
	b = append(b, "Value at:0x7f"...)
	b = strconv.AppendUint(b, h.Sum64()&0xffffffffff|0x1000000000, 16)
	b = append(b, " refcount:1 encoding:"...)
	b = append(b, keyspace.EncodingName(e.Encoding())...)
	if !fast {
		b = append(b, " serializedlength:"...)
		b = strconv.AppendInt(b, int64(serializedLength(e)), 10)
	}
	b = append(b, " lru:"...)
	b = strconv.AppendUint(b, uint64(lru), 10)
	b = append(b, " lru_seconds_idle:"...)
	b = strconv.AppendInt(b, keyspace.IdleMillis(lru, now)/1000, 10)
	b = append(b, " lfu_freq:"...)
	b = strconv.AppendInt(b, c.DB.LFUFreq(e), 10)
	b = append(b, " lfu_access_time_minutes:"...)
	b = strconv.AppendUint(b, uint64(lru>>8), 10)
	if x, ok := e.Object().(DebugObjectExtra); ok {
		b = append(b, x.DebugObjectExtra(fast)...)
	}
	c.W.Simple(string(b))
}

// serializedLength is the size of a value in an RDB file. Strings follow
// Valkey's rdbSaveStringObject (integer encodings, length prefix) but are
// never LZF-compressed here, so strings over 20 bytes that Valkey would
// compress report their plain size.
func serializedLength(e keyspace.Entry) int {
	if e.Type() != keyspace.TypeString {
		if s, ok := e.Object().(SerializedLengther); ok {
			return s.SerializedLength()
		}
		return 0
	}
	if n, ok := e.IsInt(); ok {
		if l := rdbIntLen(n); l > 0 {
			return l
		}
		var tmp [20]byte
		return rdbLenLen(len(strconv.AppendInt(tmp[:0], n, 10))) + len(strconv.AppendInt(tmp[:0], n, 10))
	}
	v, _ := e.StringBytes()
	if len(v) <= 11 {
		if n, ok := num.ParseInt(v); ok && strconv.FormatInt(n, 10) == string(v) {
			if l := rdbIntLen(n); l > 0 {
				return l
			}
		}
	}
	return rdbLenLen(len(v)) + len(v)
}

// rdbIntLen is the size of an RDB integer-encoded string (0 if n does not
// fit 32 bits).
func rdbIntLen(n int64) int {
	switch {
	case n >= -1<<7 && n < 1<<7:
		return 2
	case n >= -1<<15 && n < 1<<15:
		return 3
	case n >= -1<<31 && n < 1<<31:
		return 5
	}
	return 0
}

// rdbLenLen is the size of an RDB length prefix.
func rdbLenLen(n int) int {
	switch {
	case n < 1<<6:
		return 1
	case n < 1<<14:
		return 2
	case int64(n) <= 1<<32-1:
		return 5
	}
	return 9
}

func debugEncodingDump(c *Ctx, enc uint8, wrong error, ok string) {
	key := c.Args[2]
	defer c.lockKey(key)()
	e, found := c.DB.Peek(key)
	if !found {
		c.Error(errs.NoSuchKey)
		return
	}
	if e.Encoding() != enc {
		c.Error(wrong)
		return
	}
	c.W.Simple(ok)
}

// debugPopulate is DEBUG POPULATE count [prefix] [size]: it creates string
// keys prefix:0 .. prefix:count-1 (prefix "key") holding "value:<n>",
// zero-padded or cut to size bytes when size is given; existing keys are
// left alone. Like Valkey it neither propagates nor counts as changes.
func debugPopulate(c *Ctx) {
	positive := func(b []byte) (int64, bool) {
		n, ok := num.ParseInt(b)
		if !ok || n < 0 {
			c.Error(errs.CountPositive)
			return 0, false
		}
		return n, true
	}
	count, ok := positive(c.Args[2])
	if !ok {
		return
	}
	prefix := []byte("key")
	if len(c.Args) >= 4 {
		prefix = c.Args[3]
	}
	size := int64(0)
	if len(c.Args) == 5 {
		if size, ok = positive(c.Args[4]); !ok {
			return
		}
	}
	defer c.lockShards(keyspace.AllShards)()
	var key, val []byte
	for j := int64(0); j < count; j++ {
		key = append(append(key[:0], prefix...), ':')
		key = strconv.AppendInt(key, j, 10)
		if c.DB.Exists(key) {
			continue
		}
		val = strconv.AppendInt(append(val[:0], "value:"...), j, 10)
		if size > 0 {
			if int64(len(val)) > size {
				val = val[:size]
			}
			for int64(len(val)) < size {
				val = append(val, 0)
			}
		}
		c.DB.SetString(key, val, 0, false)
	}
	c.W.OK()
}

func debugProtocol(c *Ctx) {
	w := c.W
	name := c.Args[2]
	is := func(s string) bool { return EqualFold(name, s) }
	switch {
	case is("string"):
		w.BulkString("Hello World")
	case is("integer"):
		w.Int(12345)
	case is("double"):
		w.Double(3.141)
	case is("bignum"):
		w.BigNumber("1234567999999999999999999999999999999")
	case is("null"):
		w.Null()
	case is("array"):
		w.Array(3)
		for j := int64(0); j < 3; j++ {
			w.Int(j)
		}
	case is("set"):
		w.Set(3)
		for j := int64(0); j < 3; j++ {
			w.Int(j)
		}
	case is("map"):
		w.Map(3)
		for j := int64(0); j < 3; j++ {
			w.Int(j)
			w.Bool(j == 1)
		}
	case is("attrib"):
		if w.Proto >= 3 {
			w.Attribute(1)
			w.BulkString("key-popularity")
			w.Array(2)
			w.BulkString("key:123")
			w.Int(90)
		}
		w.BulkString("Some real reply following the attribute")
	case is("push"):
		if w.Proto < 3 {
			c.Error(errs.DebugProtocolRESP2)
			return
		}
		// Valkey defers push messages a command produces for its own
		// client until after the command's reply.
		w.BulkString("Some real reply following the push reply")
		w.Push(2)
		w.BulkString("server-cpu-usage")
		w.Int(42)
	case is("true"):
		w.Bool(true)
	case is("false"):
		w.Bool(false)
	case is("verbatim"):
		w.Verbatim("txt", []byte("This is a verbatim\nstring"))
	default:
		c.Error(errs.DebugProtocolType)
	}
}

// debugSleep stops the server for secs seconds, as Valkey's single thread
// does: every shard is locked meanwhile, so every command that touches
// keys waits (connection commands such as PING still answer).
func debugSleep(c *Ctx, secs float64) {
	us := int64(secs * 1e6)
	unlock := c.lockShards(keyspace.AllShards)
	if us > 0 {
		time.Sleep(time.Duration(us) * time.Microsecond)
	}
	unlock()
	c.W.OK()
}

// cStrtod parses the longest prefix of b that C's strtod accepts (decimal
// with optional exponent, inf, infinity, nan), 0 if there is none.
func cStrtod(b []byte) float64 {
	i := 0
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	start := i
	if i < len(b) && (b[i] == '+' || b[i] == '-') {
		i++
	}
	rest := strings.ToLower(string(b[i:]))
	for _, word := range []string{"infinity", "inf", "nan"} {
		if strings.HasPrefix(rest, word) {
			f, _ := strconv.ParseFloat(string(b[start:i])+word, 64)
			return f
		}
	}
	digits := 0
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		i++
		digits++
	}
	if i < len(b) && b[i] == '.' {
		i++
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
			digits++
		}
	}
	if digits == 0 {
		return 0
	}
	end := i
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		j := i + 1
		if j < len(b) && (b[j] == '+' || b[j] == '-') {
			j++
		}
		if j < len(b) && b[j] >= '0' && b[j] <= '9' {
			for j < len(b) && b[j] >= '0' && b[j] <= '9' {
				j++
			}
			end = j
		}
	}
	f, _ := strconv.ParseFloat(string(b[start:end]), 64)
	return f
}

// memtoull parses a memory size as Valkey's memtoull: digits and an
// optional unit (b, k, kb, m, mb, g, gb, any case); no sign.
func memtoull(b []byte) (uint64, bool) {
	i := 0
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		i++
	}
	var mul uint64
	switch u := strings.ToLower(string(b[i:])); u {
	case "", "b":
		mul = 1
	case "k":
		mul = 1000
	case "kb":
		mul = 1024
	case "m":
		mul = 1000 * 1000
	case "mb":
		mul = 1024 * 1024
	case "g":
		mul = 1000 * 1000 * 1000
	case "gb":
		mul = 1024 * 1024 * 1024
	default:
		return 0, false
	}
	if i == 0 {
		return 0, true
	}
	v, err := strconv.ParseUint(string(b[:i]), 10, 64)
	if err != nil {
		return 0, false
	}
	return v * mul, true
}

// stringmatchFuzz runs the glob matcher on random patterns and strings,
// as DEBUG STRINGMATCH-TEST does: it passes by not crashing.
func stringmatchFuzz() {
	var pat, str [64]byte
	for i := 0; i < 100000; i++ {
		pl, sl := rand.IntN(len(pat)), rand.IntN(len(str))
		for j := 0; j < pl; j++ {
			pat[j] = "*?[]^-\\ab"[rand.IntN(9)]
		}
		for j := 0; j < sl; j++ {
			str[j] = byte(rand.IntN(256))
		}
		glob.Match(pat[:pl], str[:sl], i%2 == 0)
	}
}

// ---------------------------------------------------------------------------
// Digests (DEBUG DIGEST, DEBUG DIGEST-VALUE), computed as Valkey's
// xorObjectDigest and computeDatasetDigest so equal datasets give equal
// digests: a key's digest mixes its name, its type and its value; the
// dataset's digest XORs the key digests of each database after mixing in
// the database number.

// Digest is a 20-byte SHA1-based digest.
type Digest [20]byte

// Xor XORs the SHA1 of b into d (order-independent: set elements).
func (d *Digest) Xor(b []byte) {
	h := sha1.Sum(b)
	for i := range d {
		d[i] ^= h[i]
	}
}

// Mix XORs the SHA1 of b into d, then replaces d by its SHA1
// (order-dependent: list elements).
func (d *Digest) Mix(b []byte) {
	d.Xor(b)
	*d = sha1.Sum(d[:])
}

// ValueDigester is implemented by collection values so that DEBUG DIGEST
// covers their contents. It must feed d as Valkey's xorObjectDigest does
// for the type: a list Mixes each element in order; a set Xors each
// member; a hash, for each field, Mixes field then value into a fresh
// Digest e and calls d.Xor(e[:]); a sorted set does the same with member
// and score (formatted as the shortest round-trip decimal); a stream Mixes
// "ms.seq" of each entry, then each field and value.
type ValueDigester interface {
	Digest(d *Digest)
}

// valueDigest adds a value's type, contents and expiry flag to d.
func valueDigest(d *Digest, e keyspace.Entry) {
	var aux [4]byte
	binary.BigEndian.PutUint32(aux[:], uint32(e.Type()))
	d.Mix(aux[:])
	if e.Type() == keyspace.TypeString {
		var tmp [64]byte
		d.Mix(e.AppendString(tmp[:0]))
	} else if v, ok := e.Object().(ValueDigester); ok {
		v.Digest(d)
	}
	if e.Expire() != 0 {
		d.Xor([]byte("!!expire!!"))
	}
}

// keyDigest is DEBUG DIGEST-VALUE's digest of one key's value (zero for a
// missing key).
func keyDigest(c *Ctx, key []byte) []byte {
	var d Digest
	defer c.lockKey(key)()
	if e, ok := c.DB.Peek(key); ok {
		valueDigest(&d, e)
	}
	return d[:]
}

// datasetDigest is DEBUG DIGEST: zero for an empty dataset.
func (s *Server) datasetDigest(held bool) []byte {
	var final Digest
	now := time.Now().UnixMilli()
	for db := 0; db < s.ks.NumDBs(); db++ {
		view := s.ks.View(db, now)
		view.Held = held
		keys := s.ks.Keys(view, nil)
		if len(keys) == 0 {
			continue
		}
		var aux [4]byte
		binary.BigEndian.PutUint32(aux[:], uint32(db))
		final.Mix(aux[:])
		for _, key := range keys {
			var d Digest
			m := keyspace.MaskOf(key)
			if !held {
				s.ks.Lock(m)
			}
			if e, ok := view.Peek(key); ok {
				d.Mix(key)
				valueDigest(&d, e)
			}
			if !held {
				s.ks.Unlock(m)
			}
			final.Xor(d[:])
		}
	}
	return final[:]
}

var helpDebug = []string{
	"AOF-FLUSH-SLEEP <microsec>",
	"    Server will sleep before flushing the AOF, this is used for testing.",
	"ASSERT",
	"    Crash by assertion failed.",
	"CHANGE-REPL-ID",
	"    Change the replication IDs of the instance.",
	"    Dangerous: should be used only for testing the replication subsystem.",
	"CONFIG-REWRITE-FORCE-ALL",
	"    Like CONFIG REWRITE but writes all configuration options, including",
	"    keywords not listed in original configuration file or default values.",
	"CRASH-AND-RECOVER [<milliseconds>]",
	"    Hard crash and restart after a <milliseconds> delay (default 0).",
	"DIGEST",
	"    Output a hex signature representing the current DB content.",
	"DIGEST-VALUE <key> [<key> ...]",
	"    Output a hex signature of the values of all the specified keys.",
	"ERROR <string>",
	"    Return a RESP protocol error with <string> as message. Useful for clients",
	"    unit tests to simulate error replies.",
	"LEAK <string>",
	"    Create a memory leak of the input string.",
	"LOG <message>",
	"    Write <message> to the server log.",
	"HTSTATS <dbid> [full]",
	"    Return hash table statistics of the specified database.",
	"HTSTATS-KEY <key> [full]",
	"    Like HTSTATS but for the hash table stored at <key>'s value.",
	"LOADAOF",
	"    Flush the AOF buffers on disk and reload the AOF in memory.",
	"REPLICATE <string>",
	"    Replicates the provided string to replicas, allowing data divergence.",
	"MALLCTL <key> [<val>]",
	"    Get or set a malloc tuning integer.",
	"MALLCTL-STR <key> [<val>]",
	"    Get or set a malloc tuning string.",
	"OBJECT <key> [fast]",
	"    Show low level info about `key` and associated value.",
	"    Some fields of the default behavior may be time consuming to fetch,",
	"    and `fast` can be passed to avoid fetching them.",
	"DROP-CLUSTER-PACKET-FILTER <packet-type>",
	"    Drop all packets that match the filtered type. Set to -1 allow all packets or -2 to drop all packets.",
	"CLOSE-CLUSTER-LINK-ON-PACKET-DROP <0|1>",
	"    This is valid only when DROP-CLUSTER-PACKET-FILTER is set to a valid packet type.",
	"    When set to 1, the cluster link is closed after dropping a packet based on the filter.",
	"DISABLE-CLUSTER-RANDOM-PING <0|1>",
	"    Disable sending cluster ping to a random node every second.",
	"DISABLE-CLUSTER-RECONNECTION <0|1>",
	"    Disable cluster reconnection of cluster nodes.",
	"OOM",
	"    Crash the server simulating an out-of-memory error.",
	"PANIC",
	"    Crash the server simulating a panic.",
	"POPULATE <count> [<prefix>] [<size>]",
	"    Create <count> string keys named key:<num>. If <prefix> is specified then",
	"    it is used instead of the 'key' prefix. These are not propagated to",
	"    replicas. Cluster slots are not respected so keys not belonging to the",
	"    current node can be created in cluster mode.",
	"PROTOCOL <type>",
	"    Reply with a test value of the specified type. <type> can be: string,",
	"    integer, double, bignum, null, array, set, map, attrib, push, verbatim,",
	"    true, false.",
	"RELOAD [option ...]",
	"    Save the RDB on disk and reload it back to memory. Valid <option> values:",
	"    * MERGE: conflicting keys will be loaded from RDB.",
	"    * NOFLUSH: the existing database will not be removed before load, but",
	"      conflicting keys will generate an exception and kill the server.",
	"    * NOSAVE: the database will be loaded from an existing RDB file.",
	"    Examples:",
	"    * DEBUG RELOAD: verify that the server is able to persist, flush and reload",
	"      the database.",
	"    * DEBUG RELOAD NOSAVE: replace the current database with the contents of an",
	"      existing RDB file.",
	"    * DEBUG RELOAD NOSAVE NOFLUSH MERGE: add the contents of an existing RDB",
	"      file to the database.",
	"RESTART [<milliseconds>]",
	"    Graceful restart: save config, db, restart after a <milliseconds> delay (default 0).",
	"SDSLEN <key>",
	"    Show low level SDS string info representing `key` and value.",
	"SEGFAULT",
	"    Crash the server with sigsegv.",
	"SET-ACTIVE-EXPIRE <0|1>",
	"    Setting it to 0 disables expiring keys in background when they are not",
	"    accessed (otherwise the behavior). Setting it to 1 reenables back the",
	"    default.",
	"QUICKLIST-PACKED-THRESHOLD <size>",
	"    Sets the threshold for elements to be inserted as plain vs packed nodes",
	"    Default value is 1GB, allows values up to 4GB. Setting to 0 restores to default.",
	"SET-SKIP-CHECKSUM-VALIDATION <0|1>",
	"    Enables or disables checksum checks for RDB files and RESTORE's payload.",
	"SLEEP <seconds>",
	"    Stop the server for <seconds>. Decimals allowed.",
	"STRINGMATCH-TEST",
	"    Run a fuzz tester against the stringmatchlen() function.",
	"STRUCTSIZE",
	"    Return the size of different core C structures.",
	"LISTPACK <key>",
	"    Show low level info about the listpack encoding of <key>.",
	"QUICKLIST <key> [<0|1>]",
	"    Show low level info about the quicklist encoding of <key>.",
	"    The optional argument (0 by default) sets the level of detail",
	"CLIENT-EVICTION",
	"    Show low level client eviction pools info (maxmemory-clients).",
	"PAUSE-CRON <0|1>",
	"    Stop periodic cron job processing.",
	"REPLYBUFFER PEAK-RESET-TIME <NEVER||RESET|time>",
	"    Sets the time (in milliseconds) to wait between client reply buffer peak resets.",
	"    In case NEVER is provided the last observed peak will never be reset",
	"    In case RESET is provided the peak reset time will be restored to the default value",
	"REPLYBUFFER RESIZING <0|1>",
	"    Enable or disable the reply buffer resize cron job",
	"PAUSE-AFTER-FORK <0|1>",
	"    Stop the server's main process after fork.",
	"DELAY-RDB-CLIENT-FREE-SECOND <seconds>",
	"    Grace period in seconds for replica main channel to establish psync.",
	"DICT-RESIZING <0|1>",
	"    Enable or disable the main dict and expire dict resizing.",
	"CLIENT-ENFORCE-REPLY-LIST <0|1>",
	"When set to 1, it enforces the use of the client reply list directly",
	"    and avoids using the client's static buffer.",
	"SLOTMIGRATION PREVENT-PAUSE <0|1>",
	"    When set to 1, slot migrations will be prevented from pausing on the source node.",
	"SLOTMIGRATION PREVENT-FAILOVER <0|1>",
	"    When set to 1, slot migrations will be prevented from performing the slot-level failover on the target node.",
	"CLUSTERLINK KILL <to|from|all> <node-id>",
	"    Kills the link based on the direction to/from (both) with the provided node.",
}
