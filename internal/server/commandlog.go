package server

import (
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"petrel/internal/cmdspec"
	"petrel/internal/config"
)

// The command log (Valkey 8.1+) keeps the latest commands that were slow to
// execute, that arrived as large requests or that produced large replies:
// three logs, each with a threshold and a maximum length
// (commandlog-execution-slower-than / commandlog-slow-execution-max-len,
// whose old names slowlog-log-slower-than / slowlog-max-len are aliases;
// commandlog-request-larger-than / commandlog-large-request-max-len;
// commandlog-reply-larger-than / commandlog-large-reply-max-len). SLOWLOG
// is the slow log alone.
//
// Recording happens in afterCommand, which dispatch calls after every
// command that ran (commands rejected before running, for an unknown name
// or a wrong arity, are not logged, as in Valkey). The common case records
// nothing and must not allocate: it compares three numbers with the
// settings. Arguments are copied only into an entry that is kept. Each log
// has its own mutex; the latency monitor and histograms (latency.go) are
// fed from the same place.

// Command log types, in Valkey's order.
const (
	logSlow = iota
	logLargeRequest
	logLargeReply
	numLogTypes
)

// Limits on what an entry keeps of a command, as Valkey's
// COMMANDLOG_ENTRY_MAX_ARGC and COMMANDLOG_ENTRY_MAX_STRING.
const (
	logMaxArgc   = 32
	logMaxString = 128
)

// redacted replaces secrets (passwords, sensitive config values) in a
// logged command, as Valkey's shared.redacted.
const redacted = "(redacted)"

// observability is the per-server state of the command logs, the latency
// monitor and the per-command latency histograms. Its zero value is ready.
type observability struct {
	logs    [numLogTypes]commandLog
	latency latencyMonitor
	hist    histograms
}

// logEntry is one recorded command.
type logEntry struct {
	id    int64
	time  int64 // unix seconds
	value int64 // microseconds or bytes
	args  [][]byte
	peer  string
	name  string
}

// commandLog is one of the three logs.
type commandLog struct {
	n atomic.Int64 // len(mu.entries), read without the lock to decide on trimming

	mu struct {
		sync.Mutex
		// Guarded by mu:
		entries []logEntry // oldest first
		nextID  int64
	}
}

// push adds an entry and trims the log to max entries.
func (l *commandLog) push(e logEntry, max int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	e.id = l.mu.nextID
	l.mu.nextID++
	l.mu.entries = append(l.mu.entries, e)
	l.trimLocked(max)
}

// trim drops the oldest entries beyond max.
func (l *commandLog) trim(max int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.trimLocked(max)
}

func (l *commandLog) trimLocked(max int64) {
	if over := int64(len(l.mu.entries)) - max; over > 0 {
		// Clear the dropped entries so their arguments can be freed; the
		// backing array is reallocated (live entries only) as it fills.
		for i := int64(0); i < over; i++ {
			l.mu.entries[i] = logEntry{}
		}
		l.mu.entries = l.mu.entries[over:]
	}
	l.n.Store(int64(len(l.mu.entries)))
}

// reset removes every entry (ids keep counting, as in Valkey).
func (l *commandLog) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	clear(l.mu.entries)
	l.mu.entries = nil
	l.n.Store(0)
}

// length is the number of entries.
func (l *commandLog) length() int64 { return l.n.Load() }

// newest returns copies of up to count entries, newest first (count < 0:
// all of them).
func (l *commandLog) newest(count int64) []logEntry {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := int64(len(l.mu.entries))
	if count < 0 || count > n {
		count = n
	}
	out := make([]logEntry, 0, count)
	for i := n - 1; i >= n-count; i-- {
		out = append(out, l.mu.entries[i])
	}
	return out
}

// afterCommand records a finished command in the latency monitor, the
// latency histograms and the command log (slow, large-request and
// large-reply entries).
func (s *Server) afterCommand(c *Client, spec *cmdspec.Spec, args [][]byte, start time.Time, dur time.Duration, replyBytes int) {
	s.observeCommand(c, spec, args, dur, replyBytes, false)
}

// observeCommand is afterCommand; with pending, c's owner reports the
// command it just ran and counted with countCommand, whose histogram entry
// may then wait in c's pending statistics (cmdstats.go).
func (s *Server) observeCommand(c *Client, spec *cmdspec.Spec, args [][]byte, dur time.Duration, replyBytes int, pending bool) {
	st := s.Settings()
	us := dur.Microseconds()
	o := &s.obs

	if th := st.LatencyMonitorThreshold; th > 0 && us >= th*1000 {
		event := "command"
		if spec.Flags&cmdspec.FlagFast != 0 {
			event = "fast-command"
		}
		o.latency.add(event, us, time.Now().Unix())
	}
	if st.LatencyTracking {
		if pending {
			s.recordLatency(c, spec, us)
		} else {
			o.hist.record(s, spec, us)
		}
	}
	if spec.Flags&cmdspec.FlagSkipCommandlog != 0 {
		return
	}
	s.logIfNeeded(logSlow, c, spec, args, us, st.SlowlogSlowerThan, int64(st.SlowlogMaxLen))
	if th, max := st.CommandlogRequestLargerThan, st.CommandlogLargeRequestMaxLen; th >= 0 && max > 0 {
		s.logIfNeeded(logLargeRequest, c, spec, args, requestBytes(args), th, max)
	}
	s.logIfNeeded(logLargeReply, c, spec, args, int64(replyBytes), st.CommandlogReplyLargerThan, st.CommandlogLargeReplyMaxLen)
}

// logIfNeeded adds an entry to log typ if value reaches the threshold, and
// trims the log if its maximum length was lowered, as Valkey's
// commandlogPushEntryIfNeeded. A negative threshold or a zero length
// disables the log.
func (s *Server) logIfNeeded(typ int, c *Client, spec *cmdspec.Spec, args [][]byte, value, threshold, max int64) {
	if threshold < 0 || max == 0 {
		return
	}
	l := &s.obs.logs[typ]
	if value >= threshold {
		l.push(newLogEntry(c, spec, args, value), max)
	} else if l.length() > max {
		l.trim(max)
	}
}

// requestBytes is the size of a command as a RESP multibulk request, the
// figure Valkey compares with commandlog-request-larger-than.
func requestBytes(args [][]byte) int64 {
	n := int64(3 + digits(len(args)))
	for _, a := range args {
		n += int64(5 + digits(len(a)) + len(a))
	}
	return n
}

func digits(n int) int {
	d := 1
	for n >= 10 {
		n /= 10
		d++
	}
	return d
}

// newLogEntry copies what an entry keeps of a command: at most logMaxArgc
// arguments (the last one then says how many more there were), each cut
// to logMaxString bytes, secrets redacted.
func newLogEntry(c *Client, spec *cmdspec.Spec, args [][]byte, value int64) logEntry {
	argc := min(len(args), logMaxArgc)
	red := redactions(spec, args)
	out := make([][]byte, argc)
	for j := 0; j < argc; j++ {
		a := args[j]
		switch {
		case argc != len(args) && j == argc-1:
			out[j] = []byte("... (" + strconv.Itoa(len(args)-argc+1) + " more arguments)")
		case j < 64 && red&(1<<j) != 0:
			out[j] = []byte(redacted)
		case len(a) > logMaxString:
			b := make([]byte, 0, logMaxString+32)
			b = append(b, a[:logMaxString]...)
			b = append(b, "... ("...)
			b = strconv.AppendInt(b, int64(len(a)-logMaxString), 10)
			b = append(b, " more bytes)"...)
			out[j] = b
		default:
			out[j] = append([]byte(nil), a...)
		}
	}
	return logEntry{
		time:  time.Now().Unix(),
		value: value,
		args:  out,
		peer:  c.Addr(),
		name:  c.Name(),
	}
}

// redactions returns the set of argument positions that hold secrets, as
// Valkey's handlers mark them with redactClientCommandArgument: AUTH's
// arguments, HELLO's AUTH username and password, the values of sensitive
// directives in CONFIG SET, the arguments of ACL SETUSER/DELUSER/GETUSER
// and MIGRATE's AUTH/AUTH2 credentials.
func redactions(spec *cmdspec.Spec, args [][]byte) uint64 {
	var m uint64
	mark := func(i int) {
		if i < 64 && i < len(args) {
			m |= 1 << i
		}
	}
	switch spec.Name {
	case "auth":
		if len(args) <= 3 {
			mark(1)
			mark(2)
		}
	case "hello":
		for j := 2; j < len(args); j++ {
			more := len(args) - 1 - j
			switch {
			case EqualFold(args[j], "auth") && more >= 2:
				mark(j + 1)
				mark(j + 2)
				j += 2
			case EqualFold(args[j], "setname") && more >= 1:
				j++
			}
		}
	case "config|set":
		for j := 2; j+1 < len(args); j += 2 {
			if d, ok := config.Lookup(string(args[j])); ok && d.Flags&config.Sensitive != 0 {
				mark(j + 1)
			}
		}
	case "acl|setuser", "acl|deluser", "acl|getuser":
		for j := 2; j < len(args); j++ {
			mark(j)
		}
	case "migrate":
		for j := 6; j < len(args); j++ {
			switch {
			case EqualFold(args[j], "auth"):
				mark(j + 1)
				j++
			case EqualFold(args[j], "auth2"):
				mark(j + 1)
				mark(j + 2)
				j += 2
			case EqualFold(args[j], "keys"):
				j = len(args)
			}
		}
	}
	return m
}
