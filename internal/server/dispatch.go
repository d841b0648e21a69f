package server

import (
	"time"

	"petrel/internal/cmdspec"
	"petrel/internal/config"
	"petrel/internal/errs"
	"petrel/internal/keyspace"
	"petrel/internal/resp"
)

// execute runs one command: look it up, check authentication, existence
// and arity (in Valkey's order), wait out a CLIENT PAUSE, lock the shards
// of its keys in ascending order, run the handler, unlock, account.
func (s *Server) execute(c *Client, args [][]byte) {
	start := c.commandStart()
	if ms := start.UnixMilli(); ms != c.lastActiveMs { // an atomic store at most once a millisecond
		c.lastActiveMs = ms
		c.lastActive.Store(ms)
	}
	if !c.inCommand.Load() {
		c.inCommand.Store(true) // until the batch ends (endBatch)
	}

	if c.hasPushes() {
		c.takePushes() // output pushed before this command precedes its reply (outbuf.go)
	}
	c.pushReply = false
	replyStart := len(c.w.Buf)
	cmd := s.resolve(c, args)
	if c.pending.cmd != cmd && c.pending.cmd != nil {
		s.publishPending(c) // before anything else runs (cmdstats.go)
	}
	if cmd != nil && s.scripting.active.Load() && !s.scriptGate(c, cmd, args) {
		cmd = nil // a script runs: -BUSY was the reply (scripting.go)
	}
	if cmd != nil && s.pause.active.Load() && c.inLoop.Load() && s.pauseBlocks(c.pausedAsWrite(cmd)) {
		// The command must wait: an event loop cannot, so the client
		// leaves it and runs this command again in its own goroutine.
		c.detached = args
		return
	}
	if c.replyMode == replySkipNext {
		c.replyMode = replySkip
	}
	if cmd != nil {
		s.run(c, cmd, args, start, replyStart)
	}
	if c.blocked() { // the command waits for keys (blocking.go)
		s.publishPending(c)
		if c.inLoop.Load() {
			c.detached = args // an event loop cannot wait: leave it first
			return
		}
		s.completeBlocked(c)
		return
	}
	switch c.replyMode {
	case replyOff:
		if !c.pushReply { // (un)subscribe confirmations are pushes: always sent
			c.w.Buf = c.w.Buf[:replyStart]
		}
	case replySkip:
		if !c.pushReply {
			c.w.Buf = c.w.Buf[:replyStart]
		}
		c.replyMode = replyOn
	}
}

// keysIncomplete reports whether a command may access keys that its key
// extraction does not report: a key spec flagged incomplete (MIGRATE), or
// one whose keys cannot be located from the arguments at all (SORT and
// SORT_RO: the BY/GET patterns name keys derived from the sorted values).
// The dispatcher locks every shard for such commands.
func keysIncomplete(spec *cmdspec.Spec) bool {
	if spec.Categories&cmdspec.CatScripting != 0 && spec.HasKeys() {
		return true // EVAL, FCALL: a script may touch keys it did not declare (scripting.go)
	}
	for i := range spec.KeySpecs {
		ks := &spec.KeySpecs[i]
		if ks.Flags&cmdspec.KeyIncomplete != 0 || ks.BeginSearch.Kind == cmdspec.SearchUnknown {
			return true
		}
	}
	return false
}

func isWrite(spec *cmdspec.Spec) bool {
	return spec.Flags&(cmdspec.FlagWrite|cmdspec.FlagMayReplicate) != 0
}

// pauseBlocks reports whether a pause in force now holds back a command.
func (s *Server) pauseBlocks(write bool) bool {
	on, all, _ := s.pauseInfo()
	return on && (all || write)
}

// resolve finds the command to run, or writes the rejection and returns nil.
func (s *Server) resolve(c *Client, args [][]byte) *command {
	cmd := c.lookupCommand(s.reg, args[0])
	if cmd == nil && (EqualFold(args[0], "host:") || EqualFold(args[0], "post")) {
		// An HTTP request: likely cross-protocol scripting. Valkey logs it
		// (at most once a minute) and drops the connection without a reply.
		s.securityWarning(c)
		return nil
	}
	if !c.authed && (cmd == nil || cmd.spec.Flags&cmdspec.FlagNoAuth == 0) {
		var known *command // counted as rejected, as Valkey (an EXEC so rejected aborts: multi.go)
		if cmd != nil && cmd.subs == nil && cmd.implemented() {
			known = cmd
		}
		s.reject(c, known, errs.NoAuth.Error())
		return nil
	}
	if cmd == nil || !cmd.implemented() {
		if refusedInMulti(c, cmd, args) { // multi.go
			s.reject(c, cmd, errs.NotInMulti(cmd.spec.Name).Error())
			return nil
		}
		s.reject(c, nil, cmdspec.UnknownCommandNameError(args))
		return nil
	}
	if cmd.subs != nil && len(args) >= 2 {
		sub := cmd.lookupSub(args[1])
		if sub == nil || sub.handler == nil {
			s.reject(c, cmd, cmdspec.UnknownCommandError(args))
			return nil
		}
		cmd = sub
	}
	if !cmd.spec.CheckArity(len(args)) {
		s.reject(c, cmd, cmdspec.ArityError(cmd.spec))
		return nil
	}
	if cmd.handler == nil { // container called without a subcommand
		s.reject(c, cmd, cmdspec.ArityError(cmd.spec))
		return nil
	}
	if c.tx.active && cmd.spec.Flags&cmdspec.FlagNoMulti != 0 {
		s.reject(c, cmd, errs.NotInMulti(cmd.spec.Name).Error())
		return nil
	}
	if msg := s.contextError(c, cmd); msg != "" {
		s.reject(c, cmd, msg)
		return nil
	}
	return cmd
}

func (s *Server) reject(c *Client, cmd *command, msg string) {
	msg = s.rejectInMulti(c, cmd, msg) // multi.go
	if cmd != nil {
		cmd.rejected.Add(1)
	}
	s.stats.totalErrorReplies.Add(1)
	s.countError([]byte(msg))
	c.w.Error(msg)
}

func (s *Server) run(c *Client, cmd *command, args [][]byte, start time.Time, replyStart int) {
	spec := cmd.spec
	if name := spec.Name; c.lastCmd.Load() == nil || *c.lastCmd.Load() != name {
		c.lastCmd.Store(&spec.Name)
	}
	now := start // the command's one clock reading
	if s.pause.active.Load() {
		if !s.waitPauseClient(c, c.pausedAsWrite(cmd)) {
			return // killed while waiting: the command never runs
		}
		now = time.Now()
	}
	if c.inMulti(cmd) {
		s.queueCommand(c, cmd, args) // multi.go
		return
	}

	// Lock the shards of the command's keys. If the keys cannot be found
	// (malformed arguments the handler will reject), or the command may
	// touch keys its key specs cannot name (SORT's BY/GET patterns), lock
	// everything.
	var mask keyspace.Mask
	var kbuf [8]cmdspec.KeyPos
	keys, err := spec.KeyIndexes(args, kbuf[:0])
	wholeDB := false
	if err != nil || keysIncomplete(spec) {
		mask = keyspace.AllShards
	} else if len(keys) == 0 && spec.Flags&cmdspec.FlagWrite != 0 {
		// A keyless write (FLUSHALL, SWAPDB, FUNCTION LOAD) changes the
		// whole keyspace: it runs, and is propagated, with every shard
		// held, so the stream orders it against every key's changes.
		mask, wholeDB = keyspace.AllShards, true
	} else {
		for _, k := range keys {
			mask |= keyspace.MaskOf(args[k.Pos])
		}
	}

	ctx := &c.ctx
	*ctx = Ctx{
		Srv:    s,
		Client: c,
		Args:   args,
		W:      &c.w,
		DB:     s.ks.View(c.DB(), now.UnixMilli()),
		Spec:   spec,
		Now:    now,
		locked: mask,
	}
	ctx.DB.NoTouch = c.noTouch
	ctx.DB.ImportSource = c.importSource
	ctx.DB.Held = wholeDB
	propagating := s.repl.on.Load()
	if propagating {
		ctx.DB.Expired = c.expirySink()
	}
	s.ks.Lock(mask)
	cmd.handler(ctx)
	if err == nil && c.Flags()&ClientTracking != 0 {
		s.trackRead(c, spec, args, keys) // before the locks go (tracking.go)
	}
	if propagating {
		ctx.propagateCommand() // before the locks go (propagate.go)
		s.endUnit(c, noTxUnit(spec.Name))
	}
	s.ks.Unlock(ctx.locked)
	s.feedMonitorsAfter(c, spec, c.DB(), args) // monitor.go
	ctx.Args = nil
	if c.blocked() {
		return // counted when it completes (blocking.go)
	}

	dur := c.commandEnd().Sub(start)
	s.countCommand(c, cmd, dur.Microseconds()) // calls, usec, tot-cmds (cmdstats.go)
	if len(c.w.Buf) > replyStart && c.w.Buf[replyStart] == '-' {
		cmd.failed.Add(1)
		if !s.takeUncountedError(c) { // a script's error counted by its command (scripting.go)
			s.stats.totalErrorReplies.Add(1)
			s.countError(c.w.Buf[replyStart:])
		}
	}
	s.observeCommand(c, spec, args, dur, len(c.w.Buf)-replyStart, true)
	if s.ks.HasReady() {
		s.serveReadyKeys() // clients blocked on keys this command filled (blocking.go)
	}
	s.trackingAfterRun(c, spec) // CLIENT CACHING used up, BCAST invalidations (tracking.go)
}

// callHeld runs a resolved command for a caller that already holds the
// shard locks held: EXEC for its queued commands, a script for each
// redis.call. It takes no lock, does not wait out a pause, and does not
// serve blocked clients (the caller runs serveReadyKeys once it released
// its locks). The reply is appended to w. held must be
// keyspace.AllShards when the command may touch the whole keyspace
// (keyless commands such as FLUSHALL, DBSIZE, KEYS, SCAN): their handlers
// then run with the view's Held set and take no locks. The command's
// statistics (calls, time, failures) are counted as run counts them.
//
// A blocking command run this way must not block: Ctx.Block refuses while
// the client has the multi flag (blocking.go), which the caller sets.
func (s *Server) callHeld(c *Client, cmd *command, args [][]byte, w *resp.Writer, now time.Time, held keyspace.Mask) {
	start := time.Now()
	replyStart := len(w.Buf)
	ctx := &Ctx{
		Srv:    s,
		Client: c,
		Args:   args,
		W:      w,
		DB:     s.ks.View(c.DB(), now.UnixMilli()),
		Spec:   cmd.spec,
		Now:    now,
		held:   held,
	}
	ctx.DB.NoTouch = c.noTouch
	ctx.DB.ImportSource = c.importSource
	ctx.DB.Held = held == keyspace.AllShards
	if s.repl.on.Load() {
		ctx.DB.Expired = c.expirySink()
		defer ctx.propagateCommand() // into the caller's unit (propagate.go)
	}
	cmd.handler(ctx)
	if c.runningScript || c.Flags()&ClientTracking != 0 {
		s.trackReadArgs(c, cmd.spec, args) // tracking.go
	}
	s.feedMonitorsAfter(c, cmd.spec, c.DB(), args) // monitor.go
	cmd.calls.Add(1)
	cmd.usec.Add(time.Since(start).Microseconds())
	s.stats.commandsProcessed.Add(1)
	if len(w.Buf) > replyStart && w.Buf[replyStart] == '-' {
		cmd.failed.Add(1)
		if !s.takeUncountedError(c) {
			s.stats.totalErrorReplies.Add(1)
			s.countError(w.Buf[replyStart:])
		}
	}
}

// securityWarning logs a suspected cross-protocol attack, at most once a
// minute, and closes the connection without replying.
func (s *Server) securityWarning(c *Client) {
	now := time.Now().Unix()
	if last := s.securityLogged.Load(); now-last > 60 && s.securityLogged.CompareAndSwap(last, now) {
		s.Logf("Possible SECURITY ATTACK detected. It looks like somebody is sending POST or Host: commands to Petrel. This is likely due to an attacker attempting to use Cross Protocol Scripting to compromise your Petrel instance. Connection from %s aborted.", c.addr)
	}
	c.closeAfterReply = true
}

// Hot returns the live values of the directives command families read on
// their hot paths (the encoding thresholds: list-max-listpack-size, ...),
// or nil if the server has no configuration. A server created from bare
// Settings (tests) gets one built from them on first use.
func (s *Server) Hot() *config.Hot {
	if cfg := s.adm.cfg.Load(); cfg != nil {
		return &cfg.Hot
	}
	s.configBackend()
	if cfg := s.adm.cfg.Load(); cfg != nil {
		return &cfg.Hot
	}
	return nil
}
