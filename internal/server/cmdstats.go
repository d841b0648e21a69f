package server

import (
	"petrel/internal/cmdspec"
)

// Per-command statistics, published per run of one command.
//
// Every command that runs to completion adds to its command's calls and
// usec, to the client's tot-cmds, to total_commands_processed and, with
// latency-tracking, to its latency histogram: six atomic additions per
// command, a measurable part of a pipelined GET. A client running the same
// keyed command again and again (a pipeline of SETs) instead sums them in
// its pendingStats and publishes the sums once the run ends: when another
// command comes (before it runs, so INFO, CLIENT INFO, EXEC or a script
// always see every earlier command of their own client), when the command
// blocks, and when the batch ends, which is before its replies are written
// (so whoever saw a reply sees its command counted).
//
// Only commands with keys, other than scripts, are summed: they cannot
// read statistics themselves.
type pendingStats struct {
	cmd   *command // the command summed; nil when nothing is pending
	calls int64
	usec  int64
	// The histogram bucket of the run (fast commands all land in one),
	// and the histogram looked up for cmd.
	bucket  int
	bucketN int64
	hist    *cmdHist
	histFor *cmdspec.Spec
}

// summable reports whether the statistics of cmd may be summed.
func summable(spec *cmdspec.Spec) bool {
	return spec.Categories&cmdspec.CatScripting == 0 && spec.HasKeys()
}

// countCommand accounts for one run of cmd by c that took us microseconds.
func (s *Server) countCommand(c *Client, cmd *command, us int64) {
	p := &c.pending
	if p.cmd != cmd {
		s.publishPending(c)
		if !summable(cmd.spec) {
			cmd.calls.Add(1)
			cmd.usec.Add(us)
			c.totCmds.Add(1)
			s.stats.commandsProcessed.Add(1)
			return
		}
		p.cmd = cmd
	}
	p.calls++
	p.usec += us
}

// recordLatency adds a call of us microseconds to the latency histogram of
// c's pending command, or directly to spec's when it is not the pending one.
func (s *Server) recordLatency(c *Client, spec *cmdspec.Spec, us int64) {
	p := &c.pending
	if p.cmd == nil || p.cmd.spec != spec {
		s.obs.hist.record(s, spec, us)
		return
	}
	if p.histFor != spec {
		if p.bucketN > 0 {
			p.hist.buckets[p.bucket].Add(p.bucketN)
			p.hist.total.Add(p.bucketN)
			p.bucketN = 0
		}
		p.hist, p.histFor = s.obs.hist.lookup(s, spec), spec
		if p.hist == nil {
			p.histFor = nil
			return
		}
	}
	k := histBucket(us)
	if p.bucketN > 0 && k != p.bucket {
		p.hist.buckets[p.bucket].Add(p.bucketN)
		p.hist.total.Add(p.bucketN)
		p.bucketN = 0
	}
	p.bucket = k
	p.bucketN++
}

// publishPending adds c's pending statistics to the shared counters.
// Only c's owner calls it.
func (s *Server) publishPending(c *Client) {
	p := &c.pending
	if p.bucketN > 0 {
		p.hist.buckets[p.bucket].Add(p.bucketN)
		p.hist.total.Add(p.bucketN)
		p.bucketN = 0
	}
	if p.cmd == nil {
		return
	}
	p.cmd.calls.Add(p.calls)
	p.cmd.usec.Add(p.usec)
	c.totCmds.Add(p.calls)
	s.stats.commandsProcessed.Add(p.calls)
	p.cmd, p.calls, p.usec = nil, 0, 0
}
