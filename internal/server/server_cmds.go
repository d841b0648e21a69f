package server

import (
	"errors"
	"math"
	"runtime"
	rdebug "runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"petrel/internal/cmdspec"
	"petrel/internal/config"
	"petrel/internal/errs"
	"petrel/internal/keyspace"
	"petrel/internal/num"
	"petrel/internal/resp"
)

// Server administration commands: COMMAND, CONFIG, SLOWLOG, COMMANDLOG,
// MEMORY, TIME, LASTSAVE, SHUTDOWN and LOLWUT here; LATENCY in latency.go, DEBUG in
// debug.go; the logs they read are filled by afterCommand (commandlog.go).
//
// COMMAND lists only what Petrel implements: a command appears in COMMAND,
// COMMAND COUNT/LIST/INFO/DOCS when it has a handler (a container when at
// least one of its subcommands has one, listing those only). Commands
// without a handler answer "unknown command", so to a client they do not
// exist; COMMAND INFO of such a name replies null as for an unknown one,
// and COMMAND GETKEYS says "Invalid command specified".

func registerServerCmds(r *Registry) {
	r.Handle("command", cmdCommand)
	r.Handle("command|count", cmdCommandCount)
	r.Handle("command|list", cmdCommandList)
	r.Handle("command|info", cmdCommandInfo)
	r.Handle("command|docs", cmdCommandDocs)
	r.Handle("command|getkeys", func(c *Ctx) { cmdCommandGetKeys(c, false) })
	r.Handle("command|getkeysandflags", func(c *Ctx) { cmdCommandGetKeys(c, true) })
	r.Handle("command|help", func(c *Ctx) { writeSubcommandHelp(c, helpCommand) })

	r.Handle("config|get", cmdConfigGet)
	r.Handle("config|set", cmdConfigSet)
	r.Handle("config|resetstat", cmdConfigResetStat)
	r.Handle("config|rewrite", cmdConfigRewrite)
	r.Handle("config|help", func(c *Ctx) { writeSubcommandHelp(c, helpConfig) })

	r.Handle("slowlog|get", cmdSlowlogGet)
	r.Handle("slowlog|len", func(c *Ctx) { c.W.Int(c.Srv.obs.logs[logSlow].length()) })
	r.Handle("slowlog|reset", func(c *Ctx) { c.Srv.obs.logs[logSlow].reset(); c.W.OK() })
	r.Handle("slowlog|help", func(c *Ctx) { writeSubcommandHelp(c, helpSlowlog) })

	r.Handle("commandlog|get", cmdCommandlogGet)
	r.Handle("commandlog|len", cmdCommandlogLen)
	r.Handle("commandlog|reset", cmdCommandlogReset)
	r.Handle("commandlog|help", func(c *Ctx) { writeSubcommandHelp(c, helpCommandlog) })

	registerLatency(r)

	r.Handle("memory|usage", cmdMemoryUsage)
	r.Handle("memory|stats", cmdMemoryStats)
	r.Handle("memory|doctor", cmdMemoryDoctor)
	r.Handle("memory|malloc-stats", cmdMemoryMallocStats)
	r.Handle("memory|purge", cmdMemoryPurge)
	r.Handle("memory|help", func(c *Ctx) { writeSubcommandHelp(c, helpMemory) })

	r.Handle("time", cmdTime)
	r.Handle("lastsave", cmdLastSave)

	r.Handle("debug", cmdDebug)
	r.Handle("shutdown", cmdShutdown)
	r.Handle("lolwut", cmdLolwut)
}

// adminState is the server's state for these commands. Its zero value is
// ready.
type adminState struct {
	cmds commandView

	cfg     atomic.Pointer[config.Config] // the configuration, once known
	cfgOnce sync.Once                     // builds lazyCfg for servers created without one
	lazyCfg ConfigBackend

	saveHook atomic.Pointer[func() error]

	debug debugState
}

// writeSubcommandHelp writes a container's HELP reply as Valkey's
// addReplyHelp: a header naming the command, the lines, and the HELP entry.
func writeSubcommandHelp(c *Ctx, lines []string) {
	w := c.W
	w.Array(len(lines) + 3)
	w.Simple(strings.ToUpper(string(c.Args[0])) + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:")
	for _, l := range lines {
		w.Simple(l)
	}
	w.Simple("HELP")
	w.Simple("    Print this help.")
}

// TIME: the command's clock reading as [unix seconds, microseconds].
func cmdTime(c *Ctx) {
	us := c.Now.UnixMicro()
	c.W.Array(2)
	c.W.BulkInt(us / 1e6)
	c.W.BulkInt(us % 1e6)
}

// LASTSAVE: the unix time of the last successful save (the start time
// until persistence exists, as Valkey reports before its first save).
func cmdLastSave(c *Ctx) { c.W.Int(c.Srv.lastSave.Load()) }

// subcommandSyntaxError replies Valkey's "unknown subcommand or wrong
// number of arguments" error.
func subcommandSyntaxError(c *Ctx) { c.W.Error(cmdspec.SubcommandSyntaxError(c.Args)) }

// ---------------------------------------------------------------------------
// COMMAND

// commandView is the part of the command table this server implements,
// built once registration is over.
type commandView struct {
	once   sync.Once
	top    []*cmdspec.Spec          // sorted by name; containers list implemented subcommands only
	byName map[string]*cmdspec.Spec // full lower-case names of commands and subcommands
}

func (s *Server) commandView() *commandView {
	v := &s.adm.cmds
	v.once.Do(func() {
		v.byName = map[string]*cmdspec.Spec{}
		for _, spec := range cmdspec.All() {
			c := s.reg.cmds[spec.Name]
			if c == nil || !c.implemented() {
				continue
			}
			vis := spec
			if len(spec.Subcommands) > 0 {
				cp := *spec
				cp.Subcommands = nil
				for _, sub := range spec.Subcommands {
					if sc := c.subs[sub.SubName()]; sc != nil && sc.handler != nil {
						cp.Subcommands = append(cp.Subcommands, sub)
						v.byName[sub.Name] = sub
					}
				}
				vis = &cp
			}
			v.top = append(v.top, vis)
			v.byName[spec.Name] = vis
		}
	})
	return v
}

// lookup finds an implemented command by full name ("get", "config|get"),
// any case, as Valkey's lookupCommandBySds.
func (v *commandView) lookup(name []byte) *cmdspec.Spec {
	if len(name) > 64 {
		return nil
	}
	var buf [64]byte
	return v.byName[string(lowerInto(buf[:0], name))]
}

func cmdCommand(c *Ctx) {
	v := c.Srv.commandView()
	c.W.Array(len(v.top))
	for _, s := range v.top {
		cmdspec.WriteInfo(c.W, s)
	}
}

func cmdCommandCount(c *Ctx) { c.W.Int(int64(len(c.Srv.commandView().top))) }

func cmdCommandInfo(c *Ctx) {
	if len(c.Args) == 2 {
		cmdCommand(c)
		return
	}
	v := c.Srv.commandView()
	c.W.Array(len(c.Args) - 2)
	for _, name := range c.Args[2:] {
		cmdspec.WriteInfo(c.W, v.lookup(name))
	}
}

func cmdCommandDocs(c *Ctx) {
	v := c.Srv.commandView()
	w := c.W
	if len(c.Args) == 2 {
		w.Map(len(v.top))
		for _, s := range v.top {
			w.BulkString(s.Name)
			cmdspec.WriteDocs(w, s)
		}
		return
	}
	d := w.DeferMap()
	n := 0
	for _, name := range c.Args[2:] {
		if s := v.lookup(name); s != nil {
			w.BulkString(s.Name)
			cmdspec.WriteDocs(w, s)
			n++
		}
	}
	w.Finish(d, n)
}

func cmdCommandList(c *Ctx) {
	f := cmdspec.ListFilter{By: cmdspec.ListAll}
	for i := 2; i < len(c.Args); i++ {
		more := len(c.Args) - 1 - i
		if !EqualFold(c.Args[i], "filterby") || more != 2 {
			c.Error(errs.Syntax)
			return
		}
		switch kind := c.Args[i+1]; {
		case EqualFold(kind, "module"):
			f.By = cmdspec.ListModule
		case EqualFold(kind, "aclcat"):
			f.By = cmdspec.ListACLCat
		case EqualFold(kind, "pattern"):
			f.By = cmdspec.ListPattern
		default:
			c.Error(errs.Syntax)
			return
		}
		f.Arg = c.Args[i+2]
		i += 2
	}
	v := c.Srv.commandView()
	var names []string
	for _, n := range cmdspec.List(f) {
		if v.byName[n] != nil {
			names = append(names, n)
		}
	}
	c.W.Array(len(names))
	for _, n := range names {
		c.W.BulkString(n)
	}
}

func cmdCommandGetKeys(c *Ctx, withFlags bool) {
	args := c.Args[2:]
	if s := cmdspec.LookupArgs(args); s == nil || c.Srv.commandView().byName[s.Name] == nil {
		c.W.Error(cmdspec.MsgInvalidCommand)
		return
	}
	cmdspec.GetKeys(c.W, args, withFlags)
}

// ---------------------------------------------------------------------------
// CONFIG

func cmdConfigGet(c *Ctx) {
	patterns := make([]string, len(c.Args)-2)
	for i, a := range c.Args[2:] {
		patterns[i] = string(a)
	}
	pairs := c.Srv.configBackend().Get(patterns)
	c.W.Map(len(pairs))
	for _, p := range pairs {
		c.W.BulkString(p[0])
		c.W.BulkString(p[1])
	}
}

func cmdConfigSet(c *Ctx) {
	if len(c.Args)%2 != 0 {
		c.Error(errs.Syntax)
		return
	}
	pairs := make([][2]string, 0, (len(c.Args)-2)/2)
	for i := 2; i < len(c.Args); i += 2 {
		pairs = append(pairs, [2]string{string(c.Args[i]), string(c.Args[i+1])})
	}
	if err := c.Srv.configBackend().Set(pairs, c.Client.isLocal()); err != nil {
		configError(c, err)
		return
	}
	c.W.OK()
}

// cmdConfigResetStat resets what INFO and LATENCY HISTOGRAM count
// (ResetStats, info.go, and the latency histograms). The command logs and
// the latency monitor are kept, as in Valkey.
func cmdConfigResetStat(c *Ctx) {
	c.Srv.ResetStats()
	c.Srv.obs.hist.reset(c.Srv)
	c.W.OK()
}

func cmdConfigRewrite(c *Ctx) {
	if err := c.Srv.configBackend().Rewrite(); err != nil {
		if !errors.Is(err, config.ErrNoConfigFile) {
			c.Srv.Logf("CONFIG REWRITE failed: %v", strings.TrimPrefix(err.Error(), "ERR Rewriting config file: "))
		}
		configError(c, err)
		return
	}
	c.Srv.Logf("CONFIG REWRITE executed with success.")
	c.W.OK()
}

// configError replies with an error of the config package, whose text
// already carries its code.
func configError(c *Ctx, err error) {
	var ce *config.Error
	if errors.As(err, &ce) {
		c.W.Error(ce.Error())
		return
	}
	c.Error(err)
}

// isLocal reports whether the client is on a loopback or unix socket
// connection (Valkey's islocalClient).
func (c *Client) isLocal() bool { return c.conn == nil || isLoopback(c.conn.RemoteAddr()) }

// ---------------------------------------------------------------------------
// SLOWLOG and COMMANDLOG

// parseLogCount reads a GET count: -1 (all) or more.
func parseLogCount(b []byte) (int64, bool) {
	n, ok := num.ParseInt(b)
	return n, ok && n >= -1
}

func logTypeOf(b []byte) int {
	switch {
	case EqualFold(b, "slow"):
		return logSlow
	case EqualFold(b, "large-request"):
		return logLargeRequest
	case EqualFold(b, "large-reply"):
		return logLargeReply
	}
	return -1
}

func writeLogEntries(w *resp.Writer, entries []logEntry) {
	w.Array(len(entries))
	for i := range entries {
		e := &entries[i]
		w.Array(6)
		w.Int(e.id)
		w.Int(e.time)
		w.Int(e.value)
		w.Array(len(e.args))
		for _, a := range e.args {
			w.Bulk(a)
		}
		w.BulkString(e.peer)
		w.BulkString(e.name)
	}
}

func cmdSlowlogGet(c *Ctx) {
	if len(c.Args) > 3 {
		subcommandSyntaxError(c)
		return
	}
	count := int64(10)
	if len(c.Args) == 3 {
		n, ok := parseLogCount(c.Args[2])
		if !ok {
			c.Error(errs.LogCount)
			return
		}
		count = n
	}
	writeLogEntries(c.W, c.Srv.obs.logs[logSlow].newest(count))
}

func cmdCommandlogGet(c *Ctx) {
	count, ok := parseLogCount(c.Args[2])
	if !ok {
		c.Error(errs.LogCount)
		return
	}
	typ := logTypeOf(c.Args[3])
	if typ < 0 {
		c.Error(errs.LogType)
		return
	}
	writeLogEntries(c.W, c.Srv.obs.logs[typ].newest(count))
}

func cmdCommandlogLen(c *Ctx) {
	typ := logTypeOf(c.Args[2])
	if typ < 0 {
		c.Error(errs.LogType)
		return
	}
	c.W.Int(c.Srv.obs.logs[typ].length())
}

func cmdCommandlogReset(c *Ctx) {
	typ := logTypeOf(c.Args[2])
	if typ < 0 {
		c.Error(errs.LogType)
		return
	}
	c.Srv.obs.logs[typ].reset()
	c.W.OK()
}

// ---------------------------------------------------------------------------
// MEMORY

// MemorySizer is implemented by collection values so that MEMORY USAGE
// can count them: the bytes the value holds, sampling at most samples of
// its elements and extrapolating (samples <= 0 means all of them).
type MemorySizer interface {
	MemoryUsage(samples int) int
}

func cmdMemoryUsage(c *Ctx) {
	samples := int64(5)
	p := c.Parser(3)
	for p.More() {
		if !p.Flag("samples") || p.Left() == 0 {
			c.Error(errs.Syntax)
			return
		}
		samples = p.Int64()
		if p.Err() != nil {
			c.Error(p.Err())
			return
		}
		if samples < 0 {
			c.Error(errs.Syntax)
			return
		}
		if samples == 0 {
			samples = math.MaxInt
		}
	}
	e, ok := c.DB.Peek(c.Args[2])
	if !ok {
		c.W.Null()
		return
	}
	c.W.Int(int64(entryMemory(e, int(samples))))
}

// entryMemory is the bytes a key takes: its record in the store (key,
// metadata, string value, share of the table) plus, for a collection, what
// the value reports.
func entryMemory(e keyspace.Entry, samples int) int {
	n := e.MemoryUsage()
	if m, ok := e.Object().(MemorySizer); ok {
		if samples == math.MaxInt {
			samples = 0
		}
		n += m.MemoryUsage(samples)
	}
	return n
}

// memOverview are the memory figures MEMORY STATS and DOCTOR report,
// computed as INFO memory computes them (info.go), so the two agree.
type memOverview struct {
	used, peak, startup, clients     int64
	allocated, active, resident, rss int64
	keys                             int64
	dbs                              [][2]int64 // db index, keys: non-empty databases only
}

func (s *Server) memOverview() memOverview {
	m := readMemory()
	arena := s.offHeapMemory()
	var o memOverview
	o.used = int64(m.heapObjects) + arena
	s.notePeak(o.used)
	o.peak = s.info.peakMem.Load()
	o.startup = s.info.startupMem
	o.allocated = o.used
	o.active = int64(m.heapObjects+m.heapUnused) + arena
	o.resident = int64(m.total-m.heapReleased) + arena
	o.rss = processRSS(o.resident)
	for _, cl := range s.Clients() {
		o.clients += cl.qbufCap.Load() + cl.rbs.Load() + cl.multiMem.Load() + clientStructSize
	}
	// Valkey lists the databases it has created: database 0 always, the
	// others once used. Petrel lists database 0 and the non-empty ones.
	for db := 0; db < s.ks.NumDBs(); db++ {
		if n := s.ks.DBSize(db); n > 0 || db == 0 {
			o.keys += int64(n)
			o.dbs = append(o.dbs, [2]int64{int64(db), int64(n)})
		}
	}
	return o
}

func cmdMemoryStats(c *Ctx) {
	o := c.Srv.memOverview()
	w := c.W
	overhead := o.startup + o.clients
	dataset := max(o.used-overhead, 0)
	net := int64(1)
	if o.used > o.startup {
		net = o.used - o.startup
	}
	perKey := int64(0)
	if o.keys > 0 {
		perKey = dataset / o.keys
	}
	w.Map(33 + len(o.dbs))
	pair := func(k string, v int64) {
		w.BulkString(k)
		w.Int(v)
	}
	pairF := func(k string, v float64) {
		w.BulkString(k)
		w.Double(v)
	}
	pair("peak.allocated", o.peak)
	pair("total.allocated", o.used)
	pair("startup.allocated", o.startup)
	pair("replication.backlog", 0)
	pair("clients.slaves", 0)
	pair("clients.normal", o.clients)
	pair("cluster.links", 0)
	pair("cluster.slot_import", 0)
	pair("cluster.slot_export", 0)
	pair("aof.buffer", 0)
	pair("lua.caches", 0)
	pair("functions.caches", 0)
	for _, db := range o.dbs {
		w.BulkString("db." + strconv.FormatInt(db[0], 10))
		w.Map(2)
		// The keyspace's tables live in its chunks with the keys: their
		// overhead is part of the dataset, not reported apart.
		pair("overhead.hashtable.main", 0)
		pair("overhead.hashtable.expires", 0)
	}
	pair("overhead.db.hashtable.lut", 0)
	pair("overhead.db.hashtable.rehashing", 0)
	pair("overhead.total", overhead)
	pair("db.dict.rehashing.count", 0)
	pair("keys.count", o.keys)
	pair("keys.bytes-per-key", perKey)
	pair("dataset.bytes", dataset)
	pairF("dataset.percentage", ratio(dataset*100, net))
	pairF("peak.percentage", ratio(o.used*100, o.peak))
	pair("allocator.allocated", o.allocated)
	pair("allocator.active", o.active)
	pair("allocator.resident", o.resident)
	pair("allocator.muzzy", 0)
	pairF("allocator-fragmentation.ratio", ratio(o.active, o.allocated))
	pair("allocator-fragmentation.bytes", o.active-o.allocated)
	pairF("allocator-rss.ratio", ratio(o.resident, o.active))
	pair("allocator-rss.bytes", o.resident-o.active)
	pairF("rss-overhead.ratio", ratio(o.rss, o.resident))
	pair("rss-overhead.bytes", o.rss-o.resident)
	pairF("fragmentation", ratio(o.rss, o.used))
	pair("fragmentation.bytes", o.rss-o.used)
}

func cmdMemoryDoctor(c *Ctx) {
	c.W.Verbatim("txt", []byte(c.Srv.memoryReport()))
}

// memoryReport is MEMORY DOCTOR's text, with Valkey's checks applied to
// Petrel's figures (allocator = Go heap plus keyspace chunks).
func (s *Server) memoryReport() string {
	f := s.memOverview()
	if f.used < 5<<20 {
		return "Hi Sam, this instance is empty or is using very little memory, my issues detector can't be used in these conditions. " +
			"Please, leave for your mission on Earth and fill it with some data. The new Sam and I will be back to our programming as soon as I finished rebooting.\n"
	}
	var issues []string
	if float64(f.peak)/float64(f.used) > 1.5 {
		issues = append(issues, " * Peak memory: In the past this instance used more than 150% the memory that is currently using. The allocator is normally not able to release memory after a peak, so you can expect to see a big fragmentation ratio, however this is actually harmless and is only due to the memory peak, and if the Valkey instance Resident Set Size (RSS) is currently bigger than expected, the memory will be used as soon as you fill the Valkey instance with more data. If the memory peak was only occasional and you want to try to reclaim memory, please try the MEMORY PURGE command, otherwise the only other option is to shutdown and restart the instance.\n\n")
	}
	if float64(f.rss)/float64(f.used) > 1.4 && f.rss-f.used > 10<<20 {
		issues = append(issues, " * High total RSS: This instance has a memory fragmentation and RSS overhead greater than 1.4 (this means that the Resident Set Size of the Valkey process is much larger than the sum of the logical allocations Valkey performed). This problem is usually due either to a large peak memory (check if there is a peak memory entry above in the report) or may result from a workload that causes the allocator to fragment memory a lot. If the problem is a large peak memory, then there is no issue. Otherwise, make sure you are using the Jemalloc allocator and not the default libc malloc. Note: The currently used allocator is \"go\".\n\n")
	}
	if n := int64(s.clients.Count()); n > 0 && f.clients/n > 200*1024 {
		issues = append(issues, " * Big client buffers: The clients output buffers in this instance are greater than 200K per client (on average). This may result from different causes, like Pub/Sub clients subscribed to channels bot not receiving data fast enough, so that data piles on the Valkey instance output buffer, or clients sending commands with large replies or very large sequences of commands in the same pipeline. Please use the CLIENT LIST command in order to investigate the issue if it causes problems in your instance, or to understand better why certain clients are using a big amount of memory.\n\n")
	}
	if len(issues) == 0 {
		return "Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base.\n"
	}
	return "Sam, I detected a few issues in this Valkey instance memory implants:\n\n" + strings.Join(issues, "") +
		"I'm here to keep you safe, Sam. I want to help you.\n"
}

func cmdMemoryMallocStats(c *Ctx) {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	var b []byte
	line := func(k string, v uint64) {
		b = append(b, k...)
		b = append(b, ':')
		b = strconv.AppendUint(b, v, 10)
		b = append(b, '\n')
	}
	b = append(b, "___ Begin Go runtime statistics ___\n"...)
	line("heap_alloc", ms.HeapAlloc)
	line("heap_inuse", ms.HeapInuse)
	line("heap_idle", ms.HeapIdle)
	line("heap_released", ms.HeapReleased)
	line("heap_objects", ms.HeapObjects)
	line("stack_inuse", ms.StackInuse)
	line("sys", ms.Sys)
	line("num_gc", uint64(ms.NumGC))
	line("keyspace_chunks", uint64(c.Srv.ks.UsedMemory()))
	line("list_node_chunks", uint64(c.Srv.listMem.Resident()))
	b = append(b, "--- End Go runtime statistics ---\n"...)
	c.W.Verbatim("txt", b)
}

func cmdMemoryPurge(c *Ctx) {
	rdebug.FreeOSMemory()
	c.W.OK()
}

// ---------------------------------------------------------------------------
// SHUTDOWN

// ShutdownFlags are SHUTDOWN's options (and shutdown-on-sigterm's).
type ShutdownFlags int64

// Shutdown options, the bits config uses for shutdown-on-sig*.
const (
	ShutdownSave     = ShutdownFlags(config.ShutdownSave)
	ShutdownNoSave   = ShutdownFlags(config.ShutdownNoSave)
	ShutdownNow      = ShutdownFlags(config.ShutdownNow)
	ShutdownForce    = ShutdownFlags(config.ShutdownForce)
	ShutdownSafe     = ShutdownFlags(config.ShutdownSafe)
	ShutdownFailover = ShutdownFlags(config.ShutdownFailover)
)

// SetSaveHook installs the function that writes a snapshot on shutdown
// (the persistence layer's). Without one, a SHUTDOWN that must save fails
// unless FORCE is given, and a SHUTDOWN without SAVE skips saving.
func (s *Server) SetSaveHook(fn func() error) { s.adm.saveHook.Store(&fn) }

func cmdShutdown(c *Ctx) {
	var flags ShutdownFlags
	abort := false
	for _, a := range c.Args[1:] {
		switch {
		case EqualFold(a, "nosave"):
			flags |= ShutdownNoSave
		case EqualFold(a, "save"):
			flags |= ShutdownSave
		case EqualFold(a, "now"):
			flags |= ShutdownNow
		case EqualFold(a, "force"):
			flags |= ShutdownForce
		case EqualFold(a, "abort"):
			abort = true
		case EqualFold(a, "safe"):
			flags |= ShutdownSafe
		case EqualFold(a, "failover"):
			flags |= ShutdownFailover
		default:
			c.Error(errs.Syntax)
			return
		}
	}
	if (abort && flags != 0) || (flags&ShutdownNoSave != 0 && flags&ShutdownSave != 0) {
		c.Error(errs.Syntax)
		return
	}
	if flags&ShutdownFailover != 0 {
		c.Error(errs.ShutdownFailover)
		return
	}
	if abort {
		// Petrel shuts down at once (there are no replicas to wait for),
		// so a shutdown is never in progress when a command can run.
		c.Error(errs.NoShutdownInProgress)
		return
	}
	cl := c.Client
	from := "id=" + strconv.FormatInt(cl.ID, 10) + " addr=" + cl.Addr() + " laddr=" + cl.LocalAddr() + " name=" + cl.Name()
	if err := c.Srv.ShutdownWith(flags, from); err != nil {
		c.Error(errs.ShutdownFailed)
		return
	}
	// No reply: the connection closes, as in Valkey.
	cl.closeAfterReply = true
}

// ShutdownWith runs Valkey's shutdown sequence with the given flags: save
// a final snapshot when SAVE is given, or when save points are configured
// and NOSAVE is not (failing unless FORCE if the save fails), then close
// every client and end Serve. from names the requester for the log ("" for
// a signal). It returns an error, and keeps serving, if saving failed.
func (s *Server) ShutdownWith(flags ShutdownFlags, from string) error {
	if from != "" {
		s.Logf("User requested shutdown... (user request from '%s')", from)
	} else {
		s.Logf("User requested shutdown...")
	}
	save := flags&ShutdownSave != 0
	if !save && flags&ShutdownNoSave == 0 {
		if cfg := s.adm.cfg.Load(); cfg != nil {
			if sp := cfg.Hot.SavePoints.Load(); sp != nil && len(*sp) > 0 && s.adm.saveHook.Load() != nil {
				save = true
			}
		}
	}
	if save {
		s.Logf("Saving the final RDB snapshot before exiting.")
		err := errors.New("persistence is not supported")
		if h := s.adm.saveHook.Load(); h != nil {
			err = (*h)()
		}
		if err != nil {
			if flags&ShutdownForce == 0 {
				s.Logf("Error trying to save the DB, can't exit.")
				s.Logf("Errors trying to shut down the server. Check the logs for more information.")
				return err
			}
			s.Logf("Error trying to save the DB. Exit anyway.")
		}
	}
	s.Logf("Petrel is now ready to exit, bye bye...")
	s.Shutdown()
	return nil
}

// ---------------------------------------------------------------------------
// helpers

var helpCommand = []string{
	"(no subcommand)",
	"    Return details about all commands.",
	"COUNT",
	"    Return the total number of commands in this server.",
	"LIST",
	"    Return a list of all commands in this server.",
	"INFO [<command-name> ...]",
	"    Return details about multiple commands.",
	"    If no command names are given, documentation details for all",
	"    commands are returned.",
	"DOCS [<command-name> ...]",
	"    Return documentation details about multiple commands.",
	"    If no command names are given, documentation details for all",
	"    commands are returned.",
	"GETKEYS <full-command>",
	"    Return the keys from a full command.",
	"GETKEYSANDFLAGS <full-command>",
	"    Return the keys and the access flags from a full command.",
}

var helpConfig = []string{
	"GET <pattern>",
	"    Return parameters matching the glob-like <pattern> and their values.",
	"SET <directive> <value>",
	"    Set the configuration <directive> to <value>.",
	"RESETSTAT",
	"    Reset statistics reported by the INFO command.",
	"REWRITE",
	"    Rewrite the configuration file.",
}

var helpSlowlog = []string{
	"GET [<count>]",
	"    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
	"    Entries are made of:",
	"    id, timestamp, time in microseconds, arguments array, client IP and port,",
	"    client name",
	"LEN",
	"    Return the length of the slowlog.",
	"RESET",
	"    Reset the slowlog.",
}

var helpCommandlog = []string{
	"GET <count> <type>",
	"    Return top <count> entries of the specified <type> from the commandlog (-1 mean all).",
	"    Entries are made of:",
	"    id, timestamp,",
	"        time in microseconds for type of slow,",
	"        or size in bytes for type of large-request,",
	"        or size in bytes for type of large-reply",
	"    arguments array, client IP and port,",
	"    client name",
	"LEN <type>",
	"    Return the length of the specified type of commandlog.",
	"RESET <type>",
	"    Reset the specified type of commandlog.",
}

var helpMemory = []string{
	"DOCTOR",
	"    Return memory problems reports.",
	"MALLOC-STATS",
	"    Return internal statistics report from the memory allocator.",
	"PURGE",
	"    Attempt to purge dirty pages for reclamation by the allocator.",
	"STATS",
	"    Return information about the memory usage of the server.",
	"USAGE <key> [SAMPLES <count>]",
	"    Return memory in bytes used by <key> and its value. Nested values are",
	"    sampled up to <count> times (default: 5, 0 means sample all).",
}
