package server

import (
	"bufio"
	"bytes"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"petrel/internal/cmdspec"
	"petrel/internal/errs"
	"petrel/internal/resp"
)

// The latency monitor and the per-command latency histograms.
//
// The monitor (LATENCY LATEST/HISTORY/GRAPH/DOCTOR/RESET) keeps, for each
// event class, the worst latency of each of the last 160 seconds in which
// the event went over latency-monitor-threshold (milliseconds; 0 turns it
// off). Commands report as "command", or "fast-command" for commands
// flagged fast, as in Valkey.
//
// The histograms (LATENCY HISTOGRAM, with latency-tracking yes) count every
// call of every command by duration. Valkey records nanoseconds in an HDR
// histogram (2 significant digits, 1 ns .. 1 s) and prints it by iterating
// logarithmically from 1024 ns in powers of two; each printed bucket is
// the highest value equivalent to 1024·2^k ns in that histogram, which is
// (1032·2^k - 1) ns, printed in whole microseconds: 1, 2, 4, 8, 16, 33, 66,
// 132, 264, ... Durations are whole microseconds there too (us·1000 ns), so
// Petrel keeps just one counter per printed bucket: bucket k holds the
// calls with us <= histLabel[k], and the last bucket (1073741) everything
// above 541065 us. The reply is cumulative, listing only buckets that add
// calls, exactly as Valkey prints it.

// latencyTSLen is the history length of each event (LATENCY_TS_LEN).
const latencyTSLen = 160

type latencySample struct {
	time    int64 // unix seconds; 0 = unused slot
	latency int64 // milliseconds
}

type latencySeries struct {
	idx     int // next slot to write
	max     int64
	sum     int64
	cnt     int64
	samples [latencyTSLen]latencySample
}

// latencyMonitor is the event time series.
type latencyMonitor struct {
	mu sync.Mutex
	// Guarded by mu:
	events map[string]*latencySeries
}

// add records a latency of us microseconds for event at unix time now.
func (m *latencyMonitor) add(event string, us, now int64) {
	ms := us / 1000
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.events == nil {
		m.events = map[string]*latencySeries{}
	}
	ts := m.events[event]
	if ts == nil {
		ts = &latencySeries{}
		m.events[event] = ts
	}
	if ms > ts.max {
		ts.max = ms
	}
	ts.sum += ms
	ts.cnt++
	// One sample per second: keep the worst.
	prev := &ts.samples[(ts.idx+latencyTSLen-1)%latencyTSLen]
	if prev.time == now {
		if ms > prev.latency {
			prev.latency = ms
		}
		return
	}
	ts.samples[ts.idx] = latencySample{time: now, latency: ms}
	ts.idx = (ts.idx + 1) % latencyTSLen
}

// AddLatencySample records a latency event other than commands (for
// instance "expire-cycle") if it reaches latency-monitor-threshold.
func (s *Server) AddLatencySample(event string, d time.Duration) {
	us := d.Microseconds()
	if th := s.Settings().LatencyMonitorThreshold; th > 0 && us >= th*1000 {
		s.obs.latency.add(event, us, time.Now().Unix())
	}
}

// reset removes the named event (any case), or every event when event is
// nil, and returns how many were removed.
func (m *latencyMonitor) reset(event []byte) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for name := range m.events {
		if event == nil || EqualFold(event, name) {
			delete(m.events, name)
			n++
		}
	}
	return n
}

// snapshot returns copies of the series, sorted by event name.
func (m *latencyMonitor) snapshot() ([]string, []latencySeries) {
	m.mu.Lock()
	defer m.mu.Unlock()
	names := make([]string, 0, len(m.events))
	for n := range m.events {
		names = append(names, n)
	}
	sort.Strings(names)
	out := make([]latencySeries, len(names))
	for i, n := range names {
		out[i] = *m.events[n]
	}
	return names, out
}

// get returns a copy of one event's series (exact name).
func (m *latencyMonitor) get(event string) (latencySeries, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	ts, ok := m.events[event]
	if !ok {
		return latencySeries{}, false
	}
	return *ts, true
}

// inOrder calls fn for each used sample, oldest first.
func (ts *latencySeries) inOrder(fn func(latencySample)) {
	for j := 0; j < latencyTSLen; j++ {
		smp := ts.samples[(ts.idx+j)%latencyTSLen]
		if smp.time != 0 {
			fn(smp)
		}
	}
}

// ---------------------------------------------------------------------------
// Histograms.

// histLabel[k] is the k-th printed bucket, in microseconds (see above).
var histLabel = func() (l [21]int64) {
	for k := 0; k < 20; k++ {
		l[k] = (1032<<k - 1) / 1000
	}
	l[20] = (1<<30 - 1) / 1000
	return l
}()

// cmdHist counts one command's calls by bucket.
type cmdHist struct {
	total   atomic.Int64
	buckets [len(histLabel)]atomic.Int64
}

func (h *cmdHist) record(us int64) {
	h.buckets[histBucket(us)].Add(1)
	h.total.Add(1)
}

// histBucket is the bucket of a call of us microseconds.
func histBucket(us int64) int {
	k := 0
	for k < len(histLabel)-1 && us > histLabel[k] {
		k++
	}
	return k
}

func (h *cmdHist) reset() {
	h.total.Store(0)
	for i := range h.buckets {
		h.buckets[i].Store(0)
	}
}

// histograms maps the spec of every command with a handler to its
// histogram. The map is built on first use, when registration is over, and
// never changes afterwards, so lookups take no lock.
type histograms struct {
	once sync.Once
	by   map[*cmdspec.Spec]*cmdHist
}

func (hs *histograms) init(s *Server) {
	hs.once.Do(func() {
		hs.by = map[*cmdspec.Spec]*cmdHist{}
		for _, c := range s.reg.cmds {
			if c.handler != nil {
				hs.by[c.spec] = &cmdHist{}
			}
			for _, sub := range c.subs {
				if sub.handler != nil {
					hs.by[sub.spec] = &cmdHist{}
				}
			}
		}
	})
}

func (hs *histograms) record(s *Server, spec *cmdspec.Spec, us int64) {
	hs.init(s)
	if h := hs.by[spec]; h != nil {
		h.record(us)
	}
}

// lookup returns spec's histogram, nil for a command without a handler.
func (hs *histograms) lookup(s *Server, spec *cmdspec.Spec) *cmdHist {
	hs.init(s)
	return hs.by[spec]
}

func (hs *histograms) get(s *Server, spec *cmdspec.Spec) *cmdHist {
	hs.init(s)
	h := hs.by[spec]
	if h == nil || h.total.Load() == 0 {
		return nil
	}
	return h
}

func (hs *histograms) reset(s *Server) {
	hs.init(s)
	for _, h := range hs.by {
		h.reset()
	}
}

// writeHistogram writes one command's {calls, histogram_usec} map.
func writeHistogram(w *resp.Writer, h *cmdHist) {
	w.Map(2)
	w.BulkString("calls")
	w.Int(h.total.Load())
	w.BulkString("histogram_usec")
	d := w.DeferMap()
	n := 0
	var cum int64
	for k := range h.buckets {
		if c := h.buckets[k].Load(); c > 0 {
			cum += c
			w.Int(histLabel[k])
			w.Int(cum)
			n++
		}
	}
	w.Finish(d, n)
}

// ---------------------------------------------------------------------------
// LATENCY.

func registerLatency(r *Registry) {
	r.Handle("latency|latest", cmdLatencyLatest)
	r.Handle("latency|history", cmdLatencyHistory)
	r.Handle("latency|reset", cmdLatencyReset)
	r.Handle("latency|histogram", cmdLatencyHistogram)
	r.Handle("latency|doctor", cmdLatencyDoctor)
	r.Handle("latency|graph", cmdLatencyGraph)
	r.Handle("latency|help", func(c *Ctx) { writeSubcommandHelp(c, helpLatency) })
}

var helpLatency = []string{
	"DOCTOR",
	"    Return a human readable latency analysis report.",
	"GRAPH <event>",
	"    Return an ASCII latency graph for the <event> class.",
	"HISTORY <event>",
	"    Return time-latency samples for the <event> class.",
	"LATEST",
	"    Return the latest latency samples for all events.",
	"RESET [<event> ...]",
	"    Reset latency data of one or more <event> classes.",
	"    (default: reset all data for all event classes)",
	"HISTOGRAM [COMMAND ...]",
	"    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.",
	"    If no commands are specified then all histograms are replied.",
}

func cmdLatencyLatest(c *Ctx) {
	names, series := c.Srv.obs.latency.snapshot()
	w := c.W
	w.Array(len(names))
	for i, name := range names {
		ts := &series[i]
		last := ts.samples[(ts.idx+latencyTSLen-1)%latencyTSLen]
		w.Array(6)
		w.BulkString(name)
		w.Int(last.time)
		w.Int(last.latency)
		w.Int(ts.max)
		w.Int(ts.sum)
		w.Int(ts.cnt)
	}
}

func cmdLatencyHistory(c *Ctx) {
	ts, ok := c.Srv.obs.latency.get(string(c.Args[2]))
	if !ok {
		c.W.Array(0)
		return
	}
	d := c.W.DeferArray()
	n := 0
	ts.inOrder(func(smp latencySample) {
		c.W.Array(2)
		c.W.Int(smp.time)
		c.W.Int(smp.latency)
		n++
	})
	c.W.Finish(d, n)
}

func cmdLatencyReset(c *Ctx) {
	m := &c.Srv.obs.latency
	if len(c.Args) == 2 {
		c.W.Int(int64(m.reset(nil)))
		return
	}
	n := 0
	for _, ev := range c.Args[2:] {
		n += m.reset(ev)
	}
	c.W.Int(int64(n))
}

func cmdLatencyHistogram(c *Ctx) {
	s := c.Srv
	w := c.W
	d := w.DeferMap()
	n := 0
	emit := func(spec *cmdspec.Spec) {
		if h := s.obs.hist.get(s, spec); h != nil {
			w.BulkString(spec.Name)
			writeHistogram(w, h)
			n++
		}
	}
	if len(c.Args) == 2 {
		for _, spec := range cmdspec.All() {
			emit(spec)
			for _, sub := range spec.Subcommands {
				emit(sub)
			}
		}
	} else {
		for _, name := range c.Args[2:] {
			spec := cmdspec.LookupFullName(name)
			if spec == nil {
				continue
			}
			emit(spec)
			for _, sub := range spec.Subcommands {
				emit(sub)
			}
		}
	}
	w.Finish(d, n)
}

func cmdLatencyDoctor(c *Ctx) {
	c.W.Verbatim("txt", []byte(c.Srv.latencyReport()))
}

func cmdLatencyGraph(c *Ctx) {
	event := string(c.Args[2])
	ts, ok := c.Srv.obs.latency.get(event)
	if !ok {
		c.Error(errs.NoLatencySamples(event))
		return
	}
	c.W.Verbatim("txt", []byte(latencyGraph(event, &ts, time.Now().Unix())))
}

// latencyGraph draws an event's samples as Valkey's LATENCY GRAPH: a
// header, a rule, and a sparkline of 4 rows per 80 samples with each
// sample's age written vertically below it.
func latencyGraph(event string, ts *latencySeries, now int64) string {
	var vals []float64
	var labels []string
	var lo, hi int64
	ts.inOrder(func(smp latencySample) {
		if len(vals) == 0 {
			lo, hi = smp.latency, smp.latency
		} else {
			lo, hi = min(lo, smp.latency), max(hi, smp.latency)
		}
		elapsed := now - smp.time
		var label string
		switch {
		case elapsed < 60:
			label = strconv.FormatInt(elapsed, 10) + "s"
		case elapsed < 3600:
			label = strconv.FormatInt(elapsed/60, 10) + "m"
		case elapsed < 3600*24:
			label = strconv.FormatInt(elapsed/3600, 10) + "h"
		default:
			label = strconv.FormatInt(elapsed/(3600*24), 10) + "d"
		}
		vals = append(vals, float64(smp.latency))
		labels = append(labels, label)
	})
	var b strings.Builder
	b.WriteString(event + " - high " + strconv.FormatInt(hi, 10) + " ms, low " + strconv.FormatInt(lo, 10) +
		" ms (all time high " + strconv.FormatInt(ts.max, 10) + " ms)\n")
	b.WriteString(strings.Repeat("-", 80) + "\n")
	sparkline(&b, vals, labels, 80, 4)
	return b.String()
}

// sparkline renders values as filled columns rows high, columns wide,
// wrapping onto further blocks, each column's label written downwards
// under a blank line.
func sparkline(b *strings.Builder, vals []float64, labels []string, columns, rows int) {
	if len(vals) == 0 {
		return
	}
	lo, hi := vals[0], vals[0]
	for _, v := range vals[1:] {
		lo, hi = min(lo, v), max(hi, v)
	}
	const fill = "_o#"
	span := hi - lo
	if span == 0 {
		span = 1
	}
	steps := len(fill) * rows
	for start := 0; start < len(vals); start += columns {
		if start != 0 {
			b.WriteByte('\n')
		}
		end := min(start+columns, len(vals))
		line := make([]byte, end-start)
		for row := 0; ; row++ {
			more := false
			for j := range line {
				line[j] = ' '
			}
			for j := start; j < end; j++ {
				if row < rows {
					step := int(float64(int((vals[j]-lo)*float64(steps))) / span)
					step = max(0, min(step, steps-1))
					idx := step - (rows-row-1)*len(fill)
					more = true
					if idx >= 0 && idx < len(fill) {
						line[j-start] = fill[idx]
					} else if idx >= len(fill) {
						line[j-start] = '|'
					}
					continue
				}
				if row == rows { // blank line between graph and labels
					more = true
					break
				}
				if k := row - rows - 1; k < len(labels[j]) {
					more = true
					line[j-start] = labels[j][k]
				}
			}
			if !more {
				break
			}
			b.Write(line)
			b.WriteByte('\n')
		}
	}
}

// latencyReport is LATENCY DOCTOR's text.
func (s *Server) latencyReport() string {
	st := s.Settings()
	names, series := s.obs.latency.snapshot()
	if len(names) == 0 && st.LatencyMonitorThreshold == 0 {
		return "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Valkey instance. " +
			"You may use \"CONFIG SET latency-monitor-threshold <milliseconds>.\" in order to enable it.\n"
	}
	var b strings.Builder
	var slowlogEnabled, slowlogTuning, slowlogInspect, scheduler, hz, largeObjects, massEviction bool
	advices := 0
	now := time.Now().Unix()
	for i, name := range names {
		ts := &series[i]
		if i == 0 {
			b.WriteString("Latency spikes are observed in this Valkey instance.\n\n")
		}
		var samples, lo, hi, sum, oldest int64
		ts.inOrder(func(smp latencySample) {
			samples++
			if samples == 1 {
				lo, hi = smp.latency, smp.latency
			} else {
				lo, hi = min(lo, smp.latency), max(hi, smp.latency)
			}
			sum += smp.latency
			if oldest == 0 || smp.time < oldest {
				oldest = smp.time
			}
		})
		var avg, mad, period int64
		if samples > 0 {
			avg = sum / samples
			period = max(now-oldest, 1)
			var dev int64
			ts.inOrder(func(smp latencySample) {
				d := avg - smp.latency
				if d < 0 {
					d = -d
				}
				dev += d
			})
			mad = dev / samples
		}
		perSpike := 0.0
		if samples > 0 {
			perSpike = float64(period) / float64(samples)
		}
		b.WriteString(strconv.Itoa(i+1) + ". " + name + ": " + strconv.FormatInt(samples, 10) +
			" latency spikes (average " + strconv.FormatInt(avg, 10) + "ms, mean deviation " +
			strconv.FormatInt(mad, 10) + "ms, period " + strconv.FormatFloat(perSpike, 'f', 2, 64) +
			" sec). Worst all time event " + strconv.FormatInt(ts.max, 10) + "ms.")
		switch strings.ToLower(name) {
		case "command":
			if st.SlowlogSlowerThan < 0 || st.SlowlogMaxLen == 0 {
				slowlogEnabled = true
				advices++
			} else if st.SlowlogSlowerThan/1000 > st.LatencyMonitorThreshold {
				slowlogTuning = true
				advices++
			}
			slowlogInspect, largeObjects = true, true
			advices += 2
		case "fast-command":
			scheduler = true
			advices++
		case "expire-cycle":
			hz, largeObjects = true, true
			advices += 2
		case "eviction-del":
			largeObjects = true
			advices++
		case "eviction-cycle":
			massEviction = true
			advices++
		}
		b.WriteString("\n")
	}
	thp := anonHugePages() > 0
	if thp {
		advices++
	}
	threshold := strconv.FormatInt(st.LatencyMonitorThreshold*1000, 10)
	switch {
	case len(names) == 0 && advices == 0:
		b.WriteString("No latency spike was observed during the lifetime of this Valkey instance, not in the slightest bit.\n")
	case len(names) > 0 && advices == 0:
		b.WriteString("\nThere are latency events logged that are not easy to fix. Please get some help from Valkey community, providing this report in your help request.\n")
	default:
		b.WriteString("\nHere is some advice for you:\n\n")
		if slowlogEnabled {
			b.WriteString("- There are latency issues with potentially slow commands you are using. Try to enable the Slow Log Valkey feature using the command 'CONFIG SET slowlog-log-slower-than " +
				threshold + "'. If the Slow log is disabled Valkey is not able to log slow commands execution for you.\n")
		}
		if slowlogTuning {
			b.WriteString("- Your current Slow Log configuration only logs events that are slower than your configured latency monitor threshold. Please use 'CONFIG SET slowlog-log-slower-than " +
				threshold + "'.\n")
		}
		if slowlogInspect {
			b.WriteString("- Check your Slow Log to understand what are the commands you are running which are too slow to execute. Please check https://valkey.io/commands/slowlog for more information.\n")
		}
		if scheduler {
			b.WriteString("- The system is slow to execute Valkey code paths not containing system calls. This usually means the system does not provide Valkey CPU time to run for long periods. You should try to:\n" +
				"  1) Lower the system load.\n" +
				"  2) Use a computer / VM just for Valkey if you are running other software in the same system.\n" +
				"  3) Check if you have a \"noisy neighbour\" problem.\n" +
				"  4) Check with 'valkey-cli --intrinsic-latency 100' what is the intrinsic latency in your system.\n" +
				"  5) Check if the problem is allocator-related by recompiling Valkey with MALLOC=libc, if you are using Jemalloc. However this may create fragmentation problems.\n")
		}
		if hz && st.Hz < 100 {
			b.WriteString("- In order to make the Valkey keys expiring process more incremental, try to set the 'hz' configuration parameter to 100 using 'CONFIG SET hz 100'.\n")
		}
		if largeObjects {
			b.WriteString("- Deleting, expiring or evicting (because of maxmemory policy) large objects is a blocking operation. If you have very large objects that are often deleted, expired, or evicted, try to fragment those objects into multiple smaller objects.\n")
		}
		if massEviction {
			b.WriteString("- Sudden changes to the 'maxmemory' setting via 'CONFIG SET', or allocation of large objects via sets or sorted sets intersections, STORE option of SORT, Valkey Cluster large keys migrations (RESTORE command), may create sudden memory pressure forcing the server to block trying to evict keys. \n")
		}
		if thp {
			b.WriteString("- I detected a non zero amount of anonymous huge pages used by your process. This creates very serious latency events in different conditions, especially when Valkey is persisting on disk. To disable THP support use the command 'echo never > /sys/kernel/mm/transparent_hugepage/enabled', make sure to also add it into /etc/rc.local so that the command will be executed again after a reboot. Note that even if you have already disabled THP, you still need to restart the Valkey process to get rid of the huge pages already created.\n")
		}
	}
	return b.String()
}

// anonHugePages sums the AnonHugePages of the process mappings, in bytes
// (0 where /proc is not available).
func anonHugePages() int64 {
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		return 0
	}
	defer f.Close()
	var total int64
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Bytes()
		if !bytes.HasPrefix(line, []byte("AnonHugePages:")) {
			continue
		}
		fields := bytes.Fields(line[len("AnonHugePages:"):])
		if len(fields) > 0 {
			if kb, err := strconv.ParseInt(string(fields[0]), 10, 64); err == nil {
				total += kb * 1024
			}
		}
	}
	return total
}
