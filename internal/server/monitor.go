package server

import (
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"petrel/internal/cmdspec"
	"petrel/internal/errs"
)

// MONITOR streams every command the server runs to the monitoring
// clients, one status line each, as Valkey's replicationFeedMonitors:
//
//	+1718000000.123456 [0 127.0.0.1:51234] "set" "foo" "bar"
//	+1718000000.123789 [0 lua] "get" "foo"
//
// The time is when the command finished; the bracket holds the database
// and the client's address, "lua" for commands a script runs, or
// "unix:<path>" for a unix socket client. Arguments are quoted as
// sdscatrepr and secrets are redacted as for the command log (AUTH, HELLO
// AUTH, ...). Commands flagged admin or skip-monitor are not shown (EVAL
// and FCALL feed themselves before their script runs: Ctx.FeedMonitors),
// nor are commands rejected before they run (unknown, wrong arity,
// NOAUTH), nor the re-run of a blocked command when it is served: it was
// shown when it blocked.
//
// Dispatch feeds run and callHeld (EXEC's queued commands, a script's
// calls) after the handler; the line is pushed to each monitor
// (Client.Push), so a slow monitor never slows the server down and is
// bounded by the normal class of client-output-buffer-limit.
//
// A MONITOR client is flagged replica+monitor (CLIENT LIST flag O, type
// normal); it may still run commands that do not touch the keyspace.
// RESET and disconnection stop the feed.

// monitorState is the list of monitoring clients, copied on write so the
// per-command check is one atomic load.
type monitorState struct {
	mu   sync.Mutex
	list atomic.Pointer[[]*Client] // guarded by mu for writers
}

func registerMonitor(r *Registry) { r.Handle("monitor", cmdMonitor) }

func cmdMonitor(c *Ctx) {
	cl := c.Client
	if cl.Flags()&ClientMulti != 0 {
		// Inside EXEC (deny-blocking): a monitor expects no reply per command.
		c.Error(errs.MonitorDenyBlocking)
		return
	}
	if cl.Flags()&ClientReplica != 0 {
		return // already a monitor (or a replica): no reply, as Valkey
	}
	c.Srv.addMonitor(cl)
	c.W.OK()
}

func (s *Server) addMonitor(c *Client) {
	m := &s.monitors
	m.mu.Lock()
	defer m.mu.Unlock()
	var list []*Client
	if p := m.list.Load(); p != nil {
		list = append(list, *p...)
	}
	list = append(list, c)
	m.list.Store(&list)
	c.SetFlag(ClientReplica|ClientMonitor, true)
}

// stopMonitor takes a client out of the monitors (RESET, disconnection).
func (s *Server) stopMonitor(c *Client) {
	if c.Flags()&ClientMonitor == 0 {
		return
	}
	m := &s.monitors
	m.mu.Lock()
	defer m.mu.Unlock()
	c.SetFlag(ClientReplica|ClientMonitor, false)
	p := m.list.Load()
	if p == nil {
		return
	}
	list := make([]*Client, 0, len(*p))
	for _, x := range *p {
		if x != c {
			list = append(list, x)
		}
	}
	m.list.Store(&list)
}

// monitoring reports whether some client runs MONITOR.
func (s *Server) monitoring() bool {
	p := s.monitors.list.Load()
	return p != nil && len(*p) > 0
}

// feedMonitorsAfter shows a command that ran to the monitors, unless its
// flags hide it. Dispatch calls it after the handler.
func (s *Server) feedMonitorsAfter(c *Client, spec *cmdspec.Spec, db int, args [][]byte) {
	if spec.Flags&(cmdspec.FlagSkipMonitor|cmdspec.FlagAdmin) != 0 || !s.monitoring() {
		return
	}
	s.feedMonitors(c, spec, db, args)
}

// FeedMonitors shows the running command to the monitors now, whatever its
// flags: EVAL, EVALSHA and FCALL (flagged skip-monitor) call it before
// their script runs, so that the script's commands follow their caller.
func (c *Ctx) FeedMonitors() {
	if c.Srv.monitoring() {
		c.Srv.feedMonitors(c.Client, c.Spec, c.DB.Index(), c.Args)
	}
}

// SetRunningScript marks the commands c runs from now on as a script's
// (MONITOR shows them as [db lua]) or, with false, as its own again. The
// scripting engine sets it around a script's run; only c's owner calls it.
func (c *Client) SetRunningScript(on bool) { c.runningScript = on }

// RunningScript reports whether the commands c runs now come from a
// script (SORT then sorts even BY a constant, as Valkey does).
func (c *Client) RunningScript() bool { return c.runningScript }

func (s *Server) feedMonitors(c *Client, spec *cmdspec.Spec, db int, args [][]byte) {
	p := s.monitors.list.Load()
	if p == nil || len(*p) == 0 {
		return
	}
	line := appendMonitorLine(nil, time.Now(), c, spec, db, args)
	for _, m := range *p {
		if m == c && c.closeAfterReply {
			continue // a monitor that QUITs gets nothing after the reply (c is ours: we run its command)
		}
		m.Push(line)
	}
}

// appendMonitorLine formats one MONITOR line.
func appendMonitorLine(b []byte, now time.Time, c *Client, spec *cmdspec.Spec, db int, args [][]byte) []byte {
	us := now.UnixMicro()
	b = append(b, '+')
	b = strconv.AppendInt(b, us/1e6, 10)
	b = append(b, '.')
	frac := us % 1e6
	for d := int64(100000); d > 1 && frac < d; d /= 10 {
		b = append(b, '0')
	}
	b = strconv.AppendInt(b, frac, 10)
	b = append(b, " ["...)
	b = strconv.AppendInt(b, int64(db), 10)
	b = append(b, ' ')
	switch {
	case c == nil || c.runningScript:
		b = append(b, "lua"...)
	case c.Flags()&ClientUnixSocket != 0:
		b = append(b, "unix:"...)
		b = append(b, c.LocalAddr()...)
	default:
		b = append(b, c.Addr()...)
	}
	b = append(b, "] "...)
	var red uint64
	if spec != nil {
		red = redactions(spec, args)
	}
	for j, a := range args {
		if j > 0 {
			b = append(b, ' ')
		}
		if j < 64 && red&(1<<j) != 0 {
			a = []byte(redacted)
		}
		b = appendRepr(b, a)
	}
	return append(b, '\r', '\n')
}

// appendRepr appends s double-quoted with Valkey's sdscatrepr escapes.
func appendRepr(b, s []byte) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for _, ch := range s {
		switch ch {
		case '\\', '"':
			b = append(b, '\\', ch)
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		case '\a':
			b = append(b, '\\', 'a')
		case '\b':
			b = append(b, '\\', 'b')
		default:
			if ch >= 0x20 && ch <= 0x7e {
				b = append(b, ch)
			} else {
				b = append(b, '\\', 'x', hex[ch>>4], hex[ch&15])
			}
		}
	}
	return append(b, '"')
}

// dropClientState ends what a closing or RESET client takes part in:
// its subscriptions, its MONITOR feed and its key tracking.
func (s *Server) dropClientState(c *Client) {
	s.unsubscribeAll(c)
	s.stopMonitor(c)
	s.dropReplica(c)     // replication.go
	s.disableTracking(c) // tracking.go
}
