package server

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"hash/fnv"
	"net"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"petrel/internal/keyspace"
	"petrel/internal/num"
)

// INFO, as Valkey 9.0's genValkeyInfoString: the same sections, in the
// same order, with every field Valkey prints, in its order.
//
// Sections: server clients memory persistence stats replication cpu
// modules commandstats errorstats latencystats cluster keyspace, and debug
// only when named. "default" (or no argument) is every section but
// commandstats, latencystats and debug; "all" and "everything" are every
// section but debug. Section names are matched without case; unknown ones
// add nothing.
//
// Values are real where Petrel has the state. Fields of subsystems Petrel
// does not have yet (persistence, replication,
// defrag, ...) print what Valkey prints on a fresh idle server, which is
// also the truth for Petrel today; the few fields where Valkey's idle value
// would not be true (gcc version, the allocator, the main thread's CPU)
// say so where they are written. The Lua VM figures are estimates
// (scripting.go). A family that owns the
// state behind a field publishes it with SetInfoField.
//
// INFO is computed on demand; the cron only samples the instantaneous
// metrics and the memory peak every 100 ms (infoCron). Nothing here runs
// on the command path except countError, on error replies.

func registerInfo(r *Registry) { r.Handle("info", cmdInfo) }

// infoState is the state INFO keeps between calls.
type infoState struct {
	startupMem int64 // used_memory once the server was built (used_memory_startup)
	peakMem    atomic.Int64
	replID     string // master_replid until replication owns it

	fields sync.Map // field name -> func() string, see SetInfoField

	mu sync.Mutex
	// Guarded by mu:
	lastSample time.Time
	inst       [numInstMetrics]instMetric
	errors     map[string]int64 // errorstats: count by error code
}

// Instantaneous metrics (Valkey's STATS_METRIC_*), sampled every 100 ms;
// each reads as the mean of its last 16 samples.
const (
	instCommands = iota
	instNetInput
	instNetOutput
	numInstMetrics
	instSamples = 16
)

type instMetric struct {
	lastValue int64
	lastTime  time.Time
	idx       int
	samples   [instSamples]int64 // per second
}

func (m *instMetric) sample(value int64, now time.Time) {
	if !m.lastTime.IsZero() {
		if dt := now.Sub(m.lastTime); dt > 0 {
			m.samples[m.idx] = (value - m.lastValue) * int64(time.Second) / int64(dt)
			m.idx = (m.idx + 1) % instSamples
		}
	}
	m.lastValue, m.lastTime = value, now
}

func (m *instMetric) mean() int64 {
	var sum int64
	for _, v := range m.samples {
		sum += v
	}
	return sum / instSamples
}

func (st *infoState) init(s *Server) {
	var id [20]byte
	_, _ = rand.Read(id[:])
	st.replID = hex.EncodeToString(id[:])
	st.errors = map[string]int64{}
	st.startupMem = s.usedMemory(readMemory())
	st.peakMem.Store(st.startupMem)
}

// SetInfoField makes INFO print fn's result as the value of field name
// (for instance "pubsub_channels" or "rdb_bgsave_in_progress"), in place of
// the idle value INFO prints while no family owns the state. fn is called
// on every INFO that prints the field, from the INFO caller's goroutine.
func (s *Server) SetInfoField(name string, fn func() string) { s.info.fields.Store(name, fn) }

// infoCron samples the instantaneous metrics and the memory peak, at most
// every 100 ms, as Valkey's serverCron.
func (s *Server) infoCron(now time.Time) {
	st := &s.info
	st.mu.Lock()
	due := now.Sub(st.lastSample) >= 100*time.Millisecond
	if due {
		st.lastSample = now
		st.inst[instCommands].sample(s.stats.commandsProcessed.Load(), now)
		st.inst[instNetInput].sample(s.stats.netInput.Load(), now)
		st.inst[instNetOutput].sample(s.stats.netOutput.Load(), now)
	}
	st.mu.Unlock()
	if due {
		s.notePeak(s.usedMemory(readMemory()))
	}
}

// notePeak raises used_memory_peak to used if it is higher.
func (s *Server) notePeak(used int64) {
	for {
		p := s.info.peakMem.Load()
		if used <= p || s.info.peakMem.CompareAndSwap(p, used) {
			return
		}
	}
}

func (s *Server) instantaneous(metric int) int64 {
	s.info.mu.Lock()
	defer s.info.mu.Unlock()
	return s.info.inst[metric].mean()
}

// errorstatsLimit bounds the distinct error codes counted; later codes
// count as ERRORSTATS_OVERFLOW (Valkey applies this to script errors,
// whose codes users choose).
const errorstatsLimit = 128

// countError counts an error reply in errorstats by its code, as Valkey's
// afterErrorReply: the first word when a space appears within the first
// 32 bytes of the reply (its '-' included), else "ERR". reply is the error
// as written to the client, with or without its leading '-'. The
// dispatcher calls it wherever it counts total_error_replies.
func (s *Server) countError(reply []byte) {
	reply = bytes.TrimPrefix(reply, []byte("-"))
	code := "ERR"
	if sp := bytes.IndexByte(reply[:min(len(reply), 31)], ' '); sp > 0 {
		code = string(reply[:sp])
	}
	st := &s.info
	st.mu.Lock()
	if _, ok := st.errors[code]; !ok && len(st.errors) >= errorstatsLimit {
		code = "ERRORSTATS_OVERFLOW"
	}
	st.errors[code]++
	st.mu.Unlock()
}

// ResetStats clears the statistics CONFIG RESETSTAT resets: the server's
// counters, the keyspace's, errorstats, commandstats and the memory peak.
// (The latency histograms are latency.go's.)
func (s *Server) ResetStats() {
	st := &s.stats
	for _, c := range []*atomic.Int64{
		&st.connectionsReceived, &st.rejectedConns, &st.commandsProcessed,
		&st.netInput, &st.netOutput, &st.unexpectedErrorReplies, &st.totalErrorReplies,
		&st.clientQueryBufferLimitDisconnections, &st.readsProcessed, &st.writesProcessed,
		&s.ks.Stats.Hits, &s.ks.Stats.Misses, &s.ks.Stats.ExpiredKeys,
		&s.ks.Stats.ExpiredStalePerc, &s.ks.Stats.EvictedKeys, &s.ks.Stats.ExpireCycleCPUMicros,
		&s.ks.Stats.ExpiredFields,
	} {
		c.Store(0)
	}
	for _, c := range s.reg.cmds {
		c.resetStats()
		for _, sub := range c.subs {
			sub.resetStats()
		}
	}
	s.info.mu.Lock()
	clear(s.info.errors)
	s.info.inst = [numInstMetrics]instMetric{}
	s.info.mu.Unlock()
	s.info.peakMem.Store(s.usedMemory(readMemory()))
}

func (c *command) resetStats() {
	c.calls.Store(0)
	c.usec.Store(0)
	c.rejected.Store(0)
	c.failed.Store(0)
}

// ---- the command ----

// infoSections are the sections in print order; def marks the default ones.
var infoSections = [...]struct {
	name string
	def  bool
	gen  func(s *Server, w *infoWriter)
}{
	{"server", true, (*Server).infoServer},
	{"clients", true, (*Server).infoClients},
	{"memory", true, (*Server).infoMemory},
	{"persistence", true, (*Server).infoPersistence},
	{"stats", true, (*Server).infoStats},
	{"replication", true, (*Server).infoReplication},
	{"cpu", true, (*Server).infoCPU},
	{"modules", true, (*Server).infoModules},
	{"commandstats", false, (*Server).infoCommandstats},
	{"errorstats", true, (*Server).infoErrorstats},
	{"latencystats", false, (*Server).infoLatencystats},
	{"cluster", true, (*Server).infoCluster},
	{"keyspace", true, (*Server).infoKeyspace},
}

func cmdInfo(c *Ctx) {
	c.W.Verbatim("txt", c.Srv.Info(c.Args[1:]))
}

// Info returns the INFO text for the given section arguments.
func (s *Server) Info(args [][]byte) []byte {
	want := map[string]bool{}
	all := false
	if len(args) == 0 {
		want["default"] = true
	}
	for _, a := range args {
		name := strings.ToLower(string(a))
		switch name {
		case "all", "everything":
			all = true
		case "module_list":
			want["modules"] = true
		default:
			want[name] = true
		}
	}
	w := &infoWriter{s: s, now: time.Now()}
	for _, sec := range infoSections {
		if all || want[sec.name] || (sec.def && want["default"]) {
			sec.gen(s, w)
		}
	}
	if want["debug"] {
		w.section("Debug")
		// Petrel has no event loop: these are Valkey's event loop figures.
		w.int("eventloop_duration_aof_sum", 0)
		w.int("eventloop_duration_cron_sum", 0)
		w.int("eventloop_duration_max", 0)
		w.int("eventloop_cmd_per_cycle_max", 0)
	}
	return w.b
}

// infoWriter builds the text: sections separated by a blank line, one
// "field:value" per line, each value replaceable by SetInfoField.
type infoWriter struct {
	s        *Server
	now      time.Time
	b        []byte
	sections int
}

func (w *infoWriter) section(title string) {
	if w.sections > 0 {
		w.b = append(w.b, "\r\n"...)
	}
	w.sections++
	w.b = append(w.b, "# "...)
	w.b = append(w.b, title...)
	w.b = append(w.b, "\r\n"...)
}

func (w *infoWriter) hook(name string) (string, bool) {
	if fn, ok := w.s.info.fields.Load(name); ok {
		return fn.(func() string)(), true
	}
	return "", false
}

func (w *infoWriter) str(name, v string) {
	if h, ok := w.hook(name); ok {
		v = h
	}
	w.b = append(w.b, name...)
	w.b = append(w.b, ':')
	w.b = append(w.b, v...)
	w.b = append(w.b, "\r\n"...)
}

func (w *infoWriter) int(name string, v int64) {
	if h, ok := w.hook(name); ok {
		w.str(name, h)
		return
	}
	w.b = append(w.b, name...)
	w.b = append(w.b, ':')
	w.b = strconv.AppendInt(w.b, v, 10)
	w.b = append(w.b, "\r\n"...)
}

func (w *infoWriter) float(name string, v float64) { w.str(name, fmt2(v)) }

func (w *infoWriter) perc(name string, v float64) { w.str(name, fmt2(v)+"%") }

// fmt2 formats like printf's "%.2f".
func fmt2(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// configValue reads a directive through the config layer, or returns def
// while there is none.
func (s *Server) configValue(name, def string) string {
	if s.Config == nil {
		return def
	}
	for _, kv := range s.Config.Get([]string{name}) {
		if kv[0] == name {
			return kv[1]
		}
	}
	return def
}

// ---- Server ----

var (
	osOnce sync.Once
	osName string // "Linux 6.1.0 x86_64", as uname's sysname release machine
)

func osString() string {
	osOnce.Do(func() {
		sys := strings.ToUpper(runtime.GOOS[:1]) + runtime.GOOS[1:]
		rel := ""
		if b, err := os.ReadFile("/proc/sys/kernel/ostype"); err == nil {
			sys = strings.TrimSpace(string(b))
		}
		if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
			rel = strings.TrimSpace(string(b))
		}
		machine := map[string]string{
			"amd64": "x86_64", "arm64": "aarch64", "386": "i686", "arm": "armv7l",
		}[runtime.GOARCH]
		if machine == "" {
			machine = runtime.GOARCH
		}
		osName = sys + " " + rel + " " + machine
	})
	return osName
}

var (
	buildOnce                  sync.Once
	gitSHA1, gitDirty, buildID string
)

// buildInfo derives redis_git_sha1, redis_git_dirty and redis_build_id
// from the Go build information.
func buildInfo() (string, string, string) {
	buildOnce.Do(func() {
		gitSHA1, gitDirty = "00000000", "0"
		h := fnv.New64a()
		h.Write([]byte(Version))
		if bi, ok := debug.ReadBuildInfo(); ok {
			h.Write([]byte(bi.GoVersion))
			for _, st := range bi.Settings {
				switch st.Key {
				case "vcs.revision":
					if len(st.Value) >= 8 {
						gitSHA1 = st.Value[:8]
					}
				case "vcs.modified":
					if st.Value == "true" {
						gitDirty = "1"
					}
				}
				h.Write([]byte(st.Key + "=" + st.Value))
			}
		}
		buildID = strconv.FormatUint(h.Sum64(), 16)
	})
	return gitSHA1, gitDirty, buildID
}

func (s *Server) infoServer(w *infoWriter) {
	st := s.Settings()
	sha, dirty, id := buildInfo()
	uptime := int64(w.now.Sub(s.started) / time.Second)
	exe, _ := os.Executable()
	port := int64(st.Port)
	if s.hasListeners() {
		if ta, ok := s.Addr().(*net.TCPAddr); ok {
			port = int64(ta.Port)
		}
	}
	w.section("Server")
	w.str("redis_version", RedisVersion)
	w.str("server_name", "valkey")
	w.str("valkey_version", ValkeyVersion)
	w.str("valkey_release_stage", "ga")
	w.str("petrel_version", Version) // Petrel's own line
	w.str("redis_git_sha1", sha)
	w.str("redis_git_dirty", dirty)
	w.str("redis_build_id", id)
	mode := "server_mode"
	if st.ExtendedRedisCompat {
		mode = "redis_mode"
	}
	w.str(mode, "standalone")
	w.str("os", osString())
	w.int("arch_bits", strconv.IntSize)
	w.str("monotonic_clock", "POSIX clock_gettime") // Go's monotonic clock
	w.str("multiplexing_api", multiplexingAPI())
	// Petrel is not built by GCC: Valkey prints 0.0.0 for other compilers.
	w.str("gcc_version", "0.0.0")
	w.int("process_id", int64(os.Getpid()))
	w.str("process_supervised", "no")
	w.str("run_id", s.runID)
	w.int("tcp_port", port)
	w.int("server_time_usec", w.now.UnixMicro())
	w.int("uptime_in_seconds", uptime)
	w.int("uptime_in_days", uptime/(3600*24))
	w.int("hz", int64(st.Hz))
	w.int("configured_hz", int64(st.Hz))
	w.int("clients_hz", int64(st.Hz))
	w.int("lru_clock", int64(keyspace.LRUClock(w.now.UnixMilli())))
	w.str("executable", exe)
	w.str("config_file", s.ConfigFile)
	w.int("io_threads_active", 0)
	w.str("availability_zone", s.configValue("availability-zone", ""))
	if s.shuttingDown.Load() {
		w.int("shutdown_in_milliseconds", 0)
	}
	// One listener line per connection type (tcp only for now).
	line := []byte("name=tcp")
	for _, b := range st.Bind {
		line = append(line, ",bind="...)
		line = append(line, b...)
	}
	line = append(line, ",port="...)
	line = strconv.AppendInt(line, port, 10)
	w.str("listener0", string(line))
}

func multiplexingAPI() string {
	switch runtime.GOOS {
	case "linux":
		return "epoll"
	case "darwin", "freebsd", "netbsd", "openbsd", "dragonfly":
		return "kqueue"
	case "solaris", "illumos":
		return "evport"
	}
	return "select"
}

// ---- Clients ----

func (s *Server) infoClients(w *infoWriter) {
	var maxIn, maxOut, blocked, pubsub, tracking int64
	clients := s.Clients()
	for _, c := range clients {
		maxIn = max(maxIn, c.qbuf.Load())
		maxOut = max(maxOut, c.obl.Load()+c.out.pending.Load())
		f := c.Flags()
		blocked += boolInt(f&ClientBlocked != 0)
		pubsub += boolInt(f&ClientPubSub != 0)
		tracking += boolInt(f&ClientTracking != 0)
	}
	pausedReason, pausedActions := "none", "none"
	var pausedMs int64
	if on, all, left := s.pauseInfo(); on {
		pausedReason, pausedActions = "client_pause", "write"
		if all {
			pausedActions = "all"
		}
		pausedMs = left.Milliseconds()
	}
	w.section("Clients")
	w.int("connected_clients", int64(len(clients)))
	w.int("cluster_connections", 0)
	w.int("maxclients", int64(s.Settings().Maxclients))
	w.int("client_recent_max_input_buffer", maxIn)
	w.int("client_recent_max_output_buffer", maxOut)
	w.int("blocked_clients", blocked)
	w.int("tracking_clients", tracking)
	w.int("pubsub_clients", pubsub)
	w.int("watching_clients", s.watches.clients.Load())
	w.int("clients_in_timeout_table", 0)
	w.int("total_watched_keys", s.watches.keys.Load())
	w.int("total_blocking_keys", 0)
	w.int("total_blocking_keys_on_nokey", 0)
	w.str("paused_reason", pausedReason)
	w.str("paused_actions", pausedActions)
	w.int("paused_timeout_milliseconds", pausedMs)
}

// ---- Memory ----

// memFigures are the Go runtime's heap figures (bytes).
type memFigures struct {
	heapObjects, heapUnused, heapFree, heapReleased, total uint64
}

var memMetricNames = [...]string{
	"/memory/classes/heap/objects:bytes",
	"/memory/classes/heap/unused:bytes",
	"/memory/classes/heap/free:bytes",
	"/memory/classes/heap/released:bytes",
	"/memory/classes/total:bytes",
}

// readMemory reads the Go heap's figures from runtime/metrics, which does
// not stop the world.
func readMemory() memFigures {
	var smp [len(memMetricNames)]metrics.Sample
	for i, n := range memMetricNames {
		smp[i].Name = n
	}
	metrics.Read(smp[:])
	val := func(i int) uint64 {
		if smp[i].Value.Kind() == metrics.KindUint64 {
			return smp[i].Value.Uint64()
		}
		return 0
	}
	return memFigures{val(0), val(1), val(2), val(3), val(4)}
}

// usedMemory is used_memory: the live Go heap plus the keyspace's chunks
// and the quicklist nodes (both mapped outside the Go heap), the
// counterpart of Valkey's allocator total.
func (s *Server) usedMemory(m memFigures) int64 {
	return int64(m.heapObjects) + s.offHeapMemory()
}

// offHeapMemory is the memory the server maps outside the Go heap and uses:
// the keyspace's chunks and the quicklist nodes.
func (s *Server) offHeapMemory() int64 {
	return s.ks.UsedMemory() + s.listMem.Resident()
}

// processRSS reads the resident set size from /proc/self/statm; where
// there is none it returns fallback.
func processRSS(fallback int64) int64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return fallback
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return fallback
	}
	pages, err := strconv.ParseInt(f[1], 10, 64)
	if err != nil {
		return fallback
	}
	return pages * int64(os.Getpagesize())
}

func totalSystemMemory() int64 {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "MemTotal:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err == nil {
				return kb * 1024
			}
		}
	}
	return 0
}

// bytesToHuman is Valkey's: 100B, 1.50K, 2.00M, ... (powers of 1024).
func bytesToHuman(n int64) string {
	if n < 1024 {
		return strconv.FormatInt(n, 10) + "B"
	}
	units := "KMGTP"
	d := float64(n)
	for i := 0; i < len(units); i++ {
		d /= 1024
		if d < 1024 || i == len(units)-1 {
			if d >= 1024 { // beyond P: Valkey prints bytes
				return strconv.FormatInt(n, 10) + "B"
			}
			return fmt2(d) + units[i:i+1]
		}
	}
	return strconv.FormatInt(n, 10) + "B"
}

// ratio is a/b as Valkey's float division, 0 when b is 0.
func ratio(a, b int64) float64 {
	if b == 0 {
		return 0
	}
	return float64(float32(a) / float32(b))
}

// infoMemory prints used_memory (the Go heap's live objects plus the
// off-heap chunks, see usedMemory) and the allocator lines from the Go
// heap plus those chunks: allocated = live objects, active = in-use spans,
// resident = what the runtime holds from the OS. MEMORY STATS
// (server_cmds.go) computes the same figures.
func (s *Server) infoMemory(w *infoWriter) {
	m := readMemory()
	arena := s.offHeapMemory()
	used := int64(m.heapObjects) + arena
	s.notePeak(used)
	peak := s.info.peakMem.Load()
	allocated := used
	active := int64(m.heapObjects+m.heapUnused) + arena
	resident := int64(m.total-m.heapReleased) + arena
	rss := processRSS(resident)
	var clientsMem int64
	for _, c := range s.Clients() {
		clientsMem += c.qbufCap.Load() + c.rbs.Load() + c.multiMem.Load() + clientStructSize
	}
	startup := s.info.startupMem
	overhead := startup + clientsMem
	dataset := max(used-overhead, 0)
	net := int64(1)
	if used > startup {
		net = used - startup
	}
	maxmem, _ := num.ParseInt([]byte(s.configValue("maxmemory", "0")))
	sysmem := totalSystemMemory()

	w.section("Memory")
	w.int("used_memory", used)
	w.str("used_memory_human", bytesToHuman(used))
	w.int("used_memory_rss", rss)
	w.str("used_memory_rss_human", bytesToHuman(rss))
	w.int("used_memory_peak", peak)
	w.str("used_memory_peak_human", bytesToHuman(peak))
	w.perc("used_memory_peak_perc", ratio(used*100, max(peak, 1)))
	w.int("used_memory_overhead", overhead)
	w.int("used_memory_startup", startup)
	w.int("used_memory_dataset", dataset)
	w.perc("used_memory_dataset_perc", ratio(dataset*100, net))
	w.int("allocator_allocated", allocated)
	w.int("allocator_active", active)
	w.int("allocator_resident", resident)
	w.int("allocator_muzzy", 0)
	w.int("total_system_memory", sysmem)
	w.str("total_system_memory_human", bytesToHuman(sysmem))
	// Scripting (scripting.go): gopher-lua does not count its memory, so
	// the VM figures are estimates (a fresh VM's size plus the code).
	sc := s.scriptingInfo()
	w.int("used_memory_lua", sc.EvalVMMemory)
	w.int("used_memory_vm_eval", sc.EvalVMMemory)
	w.str("used_memory_lua_human", bytesToHuman(sc.EvalVMMemory))
	w.int("used_memory_scripts_eval", sc.ScriptsMemory)
	w.int("number_of_cached_scripts", sc.CachedScripts)
	w.int("number_of_functions", sc.Functions)
	w.int("number_of_libraries", sc.Libraries)
	w.int("used_memory_vm_functions", sc.FunctionVMMemory)
	w.int("used_memory_vm_total", sc.EvalVMMemory+sc.FunctionVMMemory)
	w.str("used_memory_vm_total_human", bytesToHuman(sc.EvalVMMemory+sc.FunctionVMMemory))
	w.int("used_memory_functions", sc.FunctionsMemory)
	w.int("used_memory_scripts", sc.ScriptsMemory+sc.FunctionsMemory)
	w.str("used_memory_scripts_human", bytesToHuman(sc.ScriptsMemory+sc.FunctionsMemory))
	w.int("maxmemory", maxmem)
	w.str("maxmemory_human", bytesToHuman(maxmem))
	w.str("maxmemory_policy", s.configValue("maxmemory-policy", "noeviction"))
	w.float("allocator_frag_ratio", ratio(active, max(allocated, 1)))
	w.int("allocator_frag_bytes", active-allocated)
	w.float("allocator_rss_ratio", ratio(resident, max(active, 1)))
	w.int("allocator_rss_bytes", resident-active)
	w.float("rss_overhead_ratio", ratio(rss, max(resident, 1)))
	w.int("rss_overhead_bytes", rss-resident)
	w.float("mem_fragmentation_ratio", ratio(rss, max(used, 1)))
	w.int("mem_fragmentation_bytes", rss-used)
	w.int("mem_not_counted_for_evict", 0)
	w.int("mem_replication_backlog", 0)
	w.int("mem_total_replication_buffers", 0)
	w.int("mem_clients_slaves", 0)
	w.int("mem_clients_normal", clientsMem)
	w.int("mem_cluster_links", 0)
	w.int("mem_cluster_slot_import", 0)
	w.int("mem_cluster_slot_export", 0)
	w.int("mem_aof_buffer", 0)
	// Memory comes from the Go runtime's allocator, not jemalloc or libc.
	w.str("mem_allocator", runtime.Version())
	w.int("mem_overhead_db_hashtable_rehashing", 0)
	w.int("active_defrag_running", 0)
	w.int("lazyfree_pending_objects", 0)
	w.int("lazyfreed_objects", 0)
}

// ---- Persistence ----

// infoPersistence prints a server that has never saved nor loaded, until
// RDB and AOF exist.
func (s *Server) infoPersistence(w *infoWriter) {
	w.section("Persistence")
	w.int("loading", 0)
	w.int("async_loading", 0)
	w.int("current_cow_peak", 0)
	w.int("current_cow_size", 0)
	w.int("current_cow_size_age", 0)
	w.str("current_fork_perc", "0.00")
	w.int("current_save_keys_processed", 0)
	w.int("current_save_keys_total", 0)
	w.int("rdb_changes_since_last_save", s.Dirty())
	w.int("rdb_bgsave_in_progress", 0)
	w.int("rdb_last_save_time", s.lastSave.Load())
	w.str("rdb_last_bgsave_status", "ok")
	w.int("rdb_last_bgsave_time_sec", -1)
	w.int("rdb_current_bgsave_time_sec", -1)
	w.int("rdb_saves", 0)
	w.int("rdb_last_cow_size", 0)
	w.int("rdb_last_load_keys_expired", 0)
	w.int("rdb_last_load_keys_loaded", 0)
	s.infoAOF(w) // aof.go
	w.int("slot_migration_fork_in_progress", 0)
}

// ---- Stats ----

func (s *Server) infoStats(w *infoWriter) {
	st := &s.stats
	ks := &s.ks.Stats
	cmds := st.commandsProcessed.Load() // commands that ran to completion
	in, out := st.netInput.Load(), st.netOutput.Load()
	kbps := func(metric int) string { return fmt2(float64(float32(s.instantaneous(metric)) / 1024)) }
	w.section("Stats")
	w.int("total_connections_received", st.connectionsReceived.Load())
	w.int("total_commands_processed", cmds)
	w.int("instantaneous_ops_per_sec", s.instantaneous(instCommands))
	w.int("total_net_input_bytes", in)
	w.int("total_net_output_bytes", out)
	w.int("total_net_repl_input_bytes", 0)
	w.int("total_net_repl_output_bytes", 0)
	w.int("total_net_cluster_slot_import_bytes", 0)
	w.int("total_net_cluster_slot_export_bytes", 0)
	w.str("instantaneous_input_kbps", kbps(instNetInput))
	w.str("instantaneous_output_kbps", kbps(instNetOutput))
	w.str("instantaneous_input_repl_kbps", "0.00")
	w.str("instantaneous_output_repl_kbps", "0.00")
	w.int("rejected_connections", st.rejectedConns.Load())
	w.int("sync_full", 0)
	w.int("sync_partial_ok", 0)
	w.int("sync_partial_err", 0)
	w.int("expired_keys", ks.ExpiredKeys.Load())
	w.int("expired_fields", s.ks.Stats.ExpiredFields.Load())
	// ExpiredStalePerc holds hundredths of a percent.
	w.float("expired_stale_perc", float64(ks.ExpiredStalePerc.Load())/100)
	w.str("expired_keys_with_volatile_items_stale_perc", "0.00")
	w.int("expired_time_cap_reached_count", 0)
	w.int("expire_cycle_cpu_milliseconds", ks.ExpireCycleCPUMicros.Load()/1000)
	w.int("evicted_keys", ks.EvictedKeys.Load())
	w.int("evicted_clients", 0)
	w.int("evicted_scripts", s.scriptingInfo().EvictedScripts)
	w.int("total_eviction_exceeded_time", 0)
	w.int("current_eviction_exceeded_time", 0)
	w.int("keyspace_hits", ks.Hits.Load())
	w.int("keyspace_misses", ks.Misses.Load())
	psc := s.pubsubCounts()
	w.int("pubsub_channels", int64(psc.channels))
	w.int("pubsub_patterns", int64(psc.patterns))
	w.int("pubsubshard_channels", int64(psc.shardChannels))
	// Petrel never forks.
	w.int("latest_fork_usec", 0)
	w.int("total_forks", 0)
	w.int("migrate_cached_sockets", 0)
	w.int("slave_expires_tracked_keys", 0)
	w.int("active_defrag_hits", 0)
	w.int("active_defrag_misses", 0)
	w.int("active_defrag_key_hits", 0)
	w.int("active_defrag_key_misses", 0)
	w.int("total_active_defrag_time", 0)
	w.int("current_active_defrag_time", 0)
	_, trackKeys, trackItems, trackPrefixes := s.trackingInfo() // tracking.go
	w.int("tracking_total_keys", trackKeys)
	w.int("tracking_total_items", trackItems)
	w.int("tracking_total_prefixes", trackPrefixes)
	w.int("unexpected_error_replies", st.unexpectedErrorReplies.Load())
	w.int("total_error_replies", st.totalErrorReplies.Load())
	w.int("dump_payload_sanitizations", 0)
	w.int("total_reads_processed", st.readsProcessed.Load())
	w.int("total_writes_processed", st.writesProcessed.Load())
	// Connections are served by goroutines, not I/O threads.
	w.int("io_threaded_reads_processed", 0)
	w.int("io_threaded_writes_processed", 0)
	w.int("io_threaded_freed_objects", 0)
	w.int("io_threaded_accept_processed", 0)
	w.int("io_threaded_poll_processed", 0)
	w.int("io_threaded_total_prefetch_batches", 0)
	w.int("io_threaded_total_prefetch_entries", 0)
	w.int("client_query_buffer_limit_disconnections", st.clientQueryBufferLimitDisconnections.Load())
	w.int("client_output_buffer_limit_disconnections", st.clientOutputBufferLimitDisconnections.Load())
	w.int("reply_buffer_shrinks", 0)
	w.int("reply_buffer_expands", 0)
	// Petrel has no event loop: Valkey's event loop figures stay 0.
	w.int("eventloop_cycles", 0)
	w.int("eventloop_duration_sum", 0)
	w.int("eventloop_duration_cmd_sum", 0)
	w.int("instantaneous_eventloop_cycles_per_sec", 0)
	w.int("instantaneous_eventloop_duration_usec", 0)
	w.int("acl_access_denied_auth", 0)
	w.int("acl_access_denied_cmd", 0)
	w.int("acl_access_denied_key", 0)
	w.int("acl_access_denied_channel", 0)
	w.int("acl_access_denied_tls_cert", 0)
}

// ---- Replication ----

// infoReplication prints a primary without replicas, until replication
// exists.
func (s *Server) infoReplication(w *infoWriter) {
	backlog, ok := num.ParseInt([]byte(s.configValue("repl-backlog-size", "10485760")))
	if !ok {
		backlog = 10485760
	}
	ri := s.replicationInfo()
	w.section("Replication")
	w.str("role", "master")
	w.int("connected_slaves", int64(len(ri.replicas)))
	w.int("replicas_waiting_psync", 0)
	for i, rp := range ri.replicas {
		w.str("slave"+strconv.Itoa(i), "ip="+rp.ip+",port="+strconv.FormatInt(rp.port, 10)+
			",state=online,offset="+strconv.FormatInt(rp.offset, 10)+",lag="+strconv.FormatInt(rp.lag, 10)+",type=replica")
	}
	w.str("master_failover_state", "no-failover")
	w.str("master_replid", s.info.replID)
	w.str("master_replid2", "0000000000000000000000000000000000000000")
	w.int("master_repl_offset", ri.offset)
	w.int("second_repl_offset", -1)
	if ri.on {
		w.int("repl_backlog_active", 1)
		w.int("repl_backlog_size", backlog)
		w.int("repl_backlog_first_byte_offset", ri.start+1)
		w.int("repl_backlog_histlen", min(ri.offset-ri.start, backlog))
	} else {
		w.int("repl_backlog_active", 0)
		w.int("repl_backlog_size", backlog)
		w.int("repl_backlog_first_byte_offset", 0)
		w.int("repl_backlog_histlen", 0)
	}
}

// ---- CPU ----

func appendTimeval(b []byte, tv syscall.Timeval) []byte {
	b = strconv.AppendInt(b, int64(tv.Sec), 10)
	b = append(b, '.')
	us := strconv.AppendInt(nil, int64(tv.Usec), 10)
	for i := len(us); i < 6; i++ {
		b = append(b, '0')
	}
	return append(b, us...)
}

func (s *Server) infoCPU(w *infoWriter) {
	var self, children syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &self)
	_ = syscall.Getrusage(syscall.RUSAGE_CHILDREN, &children)
	tv := func(t syscall.Timeval) string { return string(appendTimeval(nil, t)) }
	w.section("CPU")
	w.str("used_cpu_sys", tv(self.Stime))
	w.str("used_cpu_user", tv(self.Utime))
	w.str("used_cpu_sys_children", tv(children.Stime))
	w.str("used_cpu_user_children", tv(children.Utime))
	// Petrel has no main thread: commands run on every thread, so these
	// are the whole process's figures.
	w.str("used_cpu_sys_main_thread", tv(self.Stime))
	w.str("used_cpu_user_main_thread", tv(self.Utime))
}

// ---- Modules, Cluster ----

func (s *Server) infoModules(w *infoWriter) { w.section("Modules") }

func (s *Server) infoCluster(w *infoWriter) {
	w.section("Cluster")
	w.int("cluster_enabled", 0)
}

// ---- Commandstats, Errorstats, Latencystats ----

// safeInfoName replaces the characters INFO cannot show in a field name
// (# : CR LF) with '_', as getSafeInfoString.
func safeInfoName(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case '#', ':', '\r', '\n':
			return '_'
		}
		return r
	}, s)
}

// commandsInOrder returns the registered commands sorted by name, each
// followed by its subcommands sorted by name.
func (s *Server) commandsInOrder() []*command {
	names := make([]string, 0, len(s.reg.cmds))
	for n := range s.reg.cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	var out []*command
	for _, n := range names {
		c := s.reg.cmds[n]
		out = append(out, c)
		subs := make([]string, 0, len(c.subs))
		for sn := range c.subs {
			subs = append(subs, sn)
		}
		sort.Strings(subs)
		for _, sn := range subs {
			out = append(out, c.subs[sn])
		}
	}
	return out
}

func (s *Server) infoCommandstats(w *infoWriter) {
	w.section("Commandstats")
	for _, c := range s.commandsInOrder() {
		calls, usec := c.calls.Load(), c.usec.Load()
		rejected, failed := c.rejected.Load(), c.failed.Load()
		if calls == 0 && rejected == 0 && failed == 0 {
			continue
		}
		perCall := 0.0
		if calls > 0 {
			perCall = float64(float32(usec) / float32(calls))
		}
		b := w.b
		b = append(b, "cmdstat_"...)
		b = append(b, safeInfoName(c.spec.Name)...)
		b = append(b, ":calls="...)
		b = strconv.AppendInt(b, calls, 10)
		b = append(b, ",usec="...)
		b = strconv.AppendInt(b, usec, 10)
		b = append(b, ",usec_per_call="...)
		b = strconv.AppendFloat(b, perCall, 'f', 2, 64)
		b = append(b, ",rejected_calls="...)
		b = strconv.AppendInt(b, rejected, 10)
		b = append(b, ",failed_calls="...)
		b = strconv.AppendInt(b, failed, 10)
		w.b = append(b, "\r\n"...)
	}
}

func (s *Server) infoErrorstats(w *infoWriter) {
	s.info.mu.Lock()
	codes := make([]string, 0, len(s.info.errors))
	counts := make(map[string]int64, len(s.info.errors))
	for code, n := range s.info.errors {
		codes = append(codes, code)
		counts[code] = n
	}
	s.info.mu.Unlock()
	sort.Strings(codes)
	w.section("Errorstats")
	for _, code := range codes {
		w.str("errorstat_"+safeInfoName(code), "count="+strconv.FormatInt(counts[code], 10))
	}
}

// latencyPercentiles reads latency-tracking-info-percentiles.
func (s *Server) latencyPercentiles() []float64 {
	var out []float64
	for _, f := range strings.Fields(s.configValue("latency-tracking-info-percentiles", "50 99 99.9")) {
		if p, err := strconv.ParseFloat(f, 64); err == nil {
			out = append(out, p)
		}
	}
	return out
}

// infoLatencystats prints, for each command with recorded calls, the
// latency at each configured percentile in microseconds. The histograms
// (latency.go) count calls in Valkey's LATENCY HISTOGRAM buckets, powers
// of two from 1 us; a percentile reads as the highest value of the bucket
// it falls in, an upper bound where Valkey's 2-digit HDR histogram gives
// the value within 1%.
func (s *Server) infoLatencystats(w *infoWriter) {
	w.section("Latencystats")
	if !s.Settings().LatencyTracking {
		return
	}
	pcts := s.latencyPercentiles()
	for _, c := range s.commandsInOrder() {
		h := s.obs.hist.get(s, c.spec)
		if h == nil {
			continue
		}
		var counts [len(histLabel)]int64
		var total int64
		for k := range counts {
			counts[k] = h.buckets[k].Load()
			total += counts[k]
		}
		if total == 0 {
			continue
		}
		b := append(w.b, "latency_percentiles_usec_"...)
		b = append(b, safeInfoName(c.spec.Name)...)
		b = append(b, ':')
		for i, p := range pcts {
			if i > 0 {
				b = append(b, ',')
			}
			// hdr_value_at_percentile: the first bucket whose cumulative
			// count reaches p% of the total (rounded, at least 1).
			want := max(int64(p/100*float64(total)+0.5), 1)
			k, cum := 0, int64(0)
			for ; k < len(counts)-1; k++ {
				if cum += counts[k]; cum >= want {
					break
				}
			}
			ns := int64(1032)<<k - 1
			if k == len(counts)-1 {
				ns = 1<<30 - 1
			}
			b = append(b, 'p')
			b = strconv.AppendFloat(b, p, 'f', -1, 64)
			b = append(b, '=')
			b = strconv.AppendFloat(b, float64(ns)/1000, 'f', 3, 64)
		}
		w.b = append(b, "\r\n"...)
	}
}

// ---- Keyspace ----

func (s *Server) infoKeyspace(w *infoWriter) {
	w.section("Keyspace")
	for db := 0; db < s.ks.NumDBs(); db++ {
		keys, expires := s.ks.KeyCounts(db)
		if keys == 0 && expires == 0 {
			continue
		}
		b := append(w.b, "db"...)
		b = strconv.AppendInt(b, int64(db), 10)
		b = append(b, ":keys="...)
		b = strconv.AppendInt(b, int64(keys), 10)
		b = append(b, ",expires="...)
		b = strconv.AppendInt(b, int64(expires), 10)
		// The keyspace keeps no running estimate of the TTLs yet.
		b = append(b, ",avg_ttl=0,keys_with_volatile_items="...)
		b = strconv.AppendInt(b, int64(s.ks.KeysWithVolatileItems(db)), 10)
		b = append(b, "\r\n"...)
		w.b = b
	}
}
