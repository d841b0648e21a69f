package server

// Scripting glue: EVAL EVALSHA EVAL_RO EVALSHA_RO, SCRIPT, FUNCTION, FCALL
// and FCALL_RO on top of the Lua engine (internal/scripting), which knows
// nothing of sockets, locks or clients.
//
// Atomicity. A script may touch any key (Valkey does not enforce declared
// keys outside cluster mode), so the dispatcher locks every shard for
// EVAL and FCALL (keysIncomplete, dispatch.go), and so does EXEC for a
// queued one. Each server.call runs its command with callHeld under those
// locks, as the script client: a client of its own, so that SELECT in a
// script changes only the script's database, with the multi flag set so
// blocking commands do not block (Ctx.Block), and MONITOR shows its
// commands as "lua". Every command of a script sees the script's start
// time (expiry included), as in Valkey.
//
// Busy scripts. Other clients' commands would simply wait on the shard
// locks; Valkey instead serves them, once the script has run for
// busy-reply-threshold (lua-time-limit), with -BUSY, except the commands
// flagged allow-busy (SCRIPT KILL, FUNCTION KILL, FUNCTION STATS,
// SHUTDOWN NOSAVE, ...). So while a script runs, the dispatcher sends
// every command through scriptGate first (one atomic load when no script
// runs): before the threshold the command waits for the script to end (a
// condition variable, not the locks, so that it can wake at the
// threshold); after it, it gets -BUSY or, if allowed, runs. A timer armed
// when the script starts marks it busy.
//
// A script runs on the goroutine serving its caller. If that is an event
// loop (eventloop_linux.go), the loop's other clients would never be
// read while the script runs, and SCRIPT KILL could never arrive from
// them. The loop's goroutine therefore lends the loop out for the length
// of every script (serveMu: unlocked when the script starts, locked again
// when it ends, an uncontended pair on the fast path), and when the
// script turns busy a stand-in goroutine takes the loop over, serving its
// other clients (the caller's socket is left out) until the script ends.
// Rejected: running every script on a goroutine of its own (a handoff
// per EVAL, measurable on short EVALSHAs), or detaching every script
// client from its loop (the loop's other clients would still wait).
//
// SCRIPT KILL and FUNCTION KILL interrupt the engine (its Lua state's
// context), refusing with -UNKILLABLE once the script wrote. SHUTDOWN
// kills a running script so the server can stop; SHUTDOWN without NOSAVE
// during a busy script is refused with -BUSY, as in Valkey.
//
// Propagation: a script's effects would reach AOF and replicas as the
// write commands it ran, wrapped in MULTI/EXEC (Valkey 7+ effects
// replication, honouring server.set_repl). Neither exists yet; the place
// is marked in scriptRun.Call and endScript.

import (
	"sync"
	"sync/atomic"
	"time"

	"petrel/internal/cmdspec"
	"petrel/internal/errs"
	"petrel/internal/glob"
	"petrel/internal/keyspace"
	"petrel/internal/num"
	"petrel/internal/resp"
	"petrel/internal/scripting"
)

// scriptingState is the server's part of scripting (Server.scripting).
type scriptingState struct {
	initOnce sync.Once
	eng      *scripting.Engine

	// active: a script is running. The dispatcher's fast check.
	active atomic.Bool

	mu   sync.Mutex
	cond sync.Cond // L is &mu: broadcast when a run ends or turns busy
	// Guarded by mu:
	run   *scriptRun
	timer *time.Timer // busy-reply-threshold of the run in progress

	// runMu is the run slot: held from a script command's start to its
	// end (see newScriptRun for the lock order). It guards slot, client
	// and scratch.
	runMu   sync.Mutex
	slot    scriptRun
	client  *Client     // the script client
	scratch resp.Writer // server.call replies

	// uncounted is the client whose script just replied with an error a
	// server.call already counted (dispatch.go skips counting it again).
	uncounted atomic.Pointer[Client]
}

// scriptingEngine returns the engine, creating it on first use.
func (s *Server) scriptingEngine() *scripting.Engine {
	st := &s.scripting
	st.initOnce.Do(func() {
		st.cond.L = &st.mu
		st.eng = scripting.New(scripting.Options{
			Log:           s.scriptLog,
			RedisVersion:  RedisVersion,
			ValkeyVersion: ValkeyVersion,
			ServerName:    "valkey",
		})
		st.client = &Client{srv: s, sysfd: -1, authed: true, runningScript: true}
		st.client.SetFlag(ClientMulti, true) // blocking commands do not block (Ctx.Block)
		st.client.proto.Store(2)
		st.timer = time.AfterFunc(time.Hour, s.scriptBusyTimer)
		st.timer.Stop()
		go func() { // a shutdown ends a running script, so the server can stop
			<-s.done
			st.mu.Lock()
			if st.run != nil {
				st.eng.Interrupt(st.run.killText())
			}
			st.mu.Unlock()
		}()
	})
	return st.eng
}

// scriptLog is server.log: lines below the configured loglevel are dropped.
func (s *Server) scriptLog(level int, msg string) {
	if h := s.Hot(); h != nil && int64(level) < h.Loglevel.Load() {
		return
	}
	s.Logf("%s", msg)
}

// RegisterScripting registers the scripting commands (the commands
// package calls it with the data families).
func RegisterScripting(r *Registry) {
	r.Handle("eval", func(c *Ctx) { cmdEval(c, false, false) })
	r.Handle("evalsha", func(c *Ctx) { cmdEval(c, true, false) })
	r.Handle("eval_ro", func(c *Ctx) { cmdEval(c, false, true) })
	r.Handle("evalsha_ro", func(c *Ctx) { cmdEval(c, true, true) })
	r.Handle("fcall", func(c *Ctx) { cmdFCall(c, false) })
	r.Handle("fcall_ro", func(c *Ctx) { cmdFCall(c, true) })
	r.Handle("script|load", cmdScriptLoad)
	r.Handle("script|exists", cmdScriptExists)
	r.Handle("script|flush", cmdScriptFlush)
	r.Handle("script|kill", func(c *Ctx) { killScript(c, true) })
	r.Handle("script|show", cmdScriptShow)
	r.Handle("script|help", func(c *Ctx) { writeSubcommandHelp(c, scriptHelp) })
	r.Handle("function|load", cmdFunctionLoad)
	r.Handle("function|delete", cmdFunctionDelete)
	r.Handle("function|flush", cmdFunctionFlush)
	r.Handle("function|list", cmdFunctionList)
	r.Handle("function|stats", cmdFunctionStats)
	r.Handle("function|dump", cmdFunctionDump)
	r.Handle("function|restore", cmdFunctionRestore)
	r.Handle("function|kill", func(c *Ctx) { killScript(c, false) })
	r.Handle("function|help", func(c *Ctx) { writeSubcommandHelp(c, functionHelp) })
}

// ---------------------------------------------------------------------
// Running scripts.

// scriptRun is one EVAL or FCALL in progress; it is the engine's Host.
type scriptRun struct {
	s      *Server
	st     *scriptingState
	ctx    *Ctx
	caller *Client
	ro     bool // started by a *_RO command

	// Set by Start, before the script runs.
	started  bool
	readOnly bool
	name     string
	eval     bool
	start    time.Time
	loop     *eventLoop // the event loop lent out while the script runs

	inv   scripting.Invocation
	wrote atomic.Bool // a write command ran: the script can no longer be killed

	// Guarded by st.mu:
	busy        bool
	callerArgs  [][]byte      // a copy of the caller's command, taken when busy (FUNCTION STATS)
	standInStop chan struct{} // closed when the script ends
	standInDone chan struct{} // closed when the stand-in has given the loop back
}

// scriptArgs splits EVAL/FCALL arguments: numkeys, then keys, then args.
func scriptArgs(c *Ctx, fcall bool) (keys, argv [][]byte, ok bool) {
	n, isInt := num.ParseInt(c.Args[2])
	switch {
	case !isInt && fcall:
		c.Error(errs.BadNumKeys)
	case !isInt:
		c.Error(errs.NotInteger)
	case n > int64(len(c.Args)-3):
		c.Error(errs.NumKeysTooMany)
	case n < 0:
		c.Error(errs.NumKeysNegative)
	default:
		return c.Args[3 : 3+n], c.Args[3+n:], true
	}
	return nil, nil, false
}

func cmdEval(c *Ctx, isSHA, ro bool) {
	eng := c.Srv.scriptingEngine()
	c.FeedMonitors() // the script's commands follow it (monitor.go)
	if isSHA && len(c.Args[1]) != 40 {
		c.Error(errs.NoScript)
		return
	}
	keys, argv, ok := scriptArgs(c, false)
	if !ok {
		return
	}
	r := c.Srv.newScriptRun(c, ro, keys, argv)
	if r == nil {
		return
	}
	var res scripting.Result
	defer func() { r.finish(res) }() // even if a bug panics: the server must not stay busy
	res = eng.Eval(&r.inv, c.W, c.Args[1], isSHA)
}

func cmdFCall(c *Ctx, ro bool) {
	eng := c.Srv.scriptingEngine()
	c.FeedMonitors()
	if !eng.HasFunction(c.Args[1]) {
		c.Error(errs.FunctionNotFound)
		return
	}
	keys, argv, ok := scriptArgs(c, true)
	if !ok {
		return
	}
	r := c.Srv.newScriptRun(c, ro, keys, argv)
	if r == nil {
		return
	}
	var res scripting.Result
	defer func() { r.finish(res) }()
	res = eng.FCall(&r.inv, c.W, c.Args[1])
}

// newScriptRun prepares a run, or writes -BUSY and returns nil.
//
// Lock order: shards, the run slot (runMu), the engine. The dispatcher
// (or EXEC) holds every shard for EVAL and FCALL, so runs are serialized
// by the shards already and runMu is free. The exception is a script
// that released its shards for INFO (Call, statsCommands): a command
// already waiting for a shard then gets them all, and an EVAL among
// them must not wait for the run slot holding them (the script needs
// them back): it lets them go, waits for the slot, and locks again. An
// EVAL inside EXEC cannot let EXEC's locks go: it gets -BUSY.
func (s *Server) newScriptRun(c *Ctx, ro bool, keys, argv [][]byte) *scriptRun {
	st := &s.scripting
	if !st.runMu.TryLock() {
		if c.held != 0 {
			st.mu.Lock()
			msg := errs.BusyEval.Error()
			if r := st.run; r != nil {
				msg = s.busyError(r)
			}
			st.mu.Unlock()
			c.W.Error(msg)
			return nil
		}
		s.ks.Unlock(c.locked)
		st.runMu.Lock()
		s.ks.Lock(keyspace.AllShards)
		c.locked = keyspace.AllShards
	} else if c.held == 0 && c.locked != keyspace.AllShards {
		s.ks.Unlock(c.locked)
		s.ks.Lock(keyspace.AllShards)
		c.locked = keyspace.AllShards
	}
	r := &st.slot // guarded by runMu
	r.s, r.st, r.ctx, r.caller, r.ro = s, st, c, c.Client, ro
	r.started, r.readOnly, r.name, r.eval, r.loop = false, false, "", false, nil
	r.wrote.Store(false)
	r.busy, r.callerArgs, r.standInStop, r.standInDone = false, nil, nil, nil
	r.inv = scripting.Invocation{Host: r, Keys: keys, Args: argv}
	return r
}

// Start checks the script's flags (Valkey's scriptPrepareForRun) and
// marks the script running. Replicas, cluster mode, disk errors and
// maxmemory do not exist yet, so of those checks only *_RO remains.
func (r *scriptRun) Start(info scripting.RunInfo) bool {
	f := info.Flags
	if f&scripting.FlagEvalCompat == 0 && f&scripting.FlagNoWrites == 0 && r.ro {
		r.ctx.Error(errs.ScriptWriteInRO)
		return false
	}
	r.readOnly = f.ReadOnly(r.ro)
	r.name, r.eval = info.Name, info.Eval
	r.started = true
	r.start = time.Now()
	st := r.st
	cl := st.client
	cl.SetDB(r.caller.DB())
	cl.noTouch = r.caller.noTouch
	if r.caller.inLoop.Load() {
		r.loop = r.caller.loop.Load()
	}

	st.mu.Lock()
	st.run = r
	st.active.Store(true)
	if h := r.s.Hot(); h != nil {
		if ms := h.BusyReplyThreshold.Load(); ms > 0 {
			st.timer.Reset(time.Duration(ms) * time.Millisecond)
		}
	}
	st.mu.Unlock()
	if r.loop != nil {
		r.loop.lend()
	}
	return true
}

// finish ends a run: the loop comes back, waiting commands go on.
func (r *scriptRun) finish(res scripting.Result) {
	st := r.st
	if r.started {
		st.mu.Lock()
		st.timer.Stop()
		st.run = nil
		st.active.Store(false)
		stop, done := r.standInStop, r.standInDone
		st.cond.Broadcast()
		st.mu.Unlock()
		if r.loop != nil {
			if stop != nil {
				close(stop)
				r.loop.poke()
				<-done
			}
			r.loop.reclaim()
		}
		if cap(st.scratch.Buf) > 1<<20 {
			st.scratch.Buf = nil
		}
		// Propagation (not built): the write commands the script ran
		// would be sent to AOF and replicas here, wrapped in MULTI/EXEC,
		// unless server.set_repl (res.Repl) turned them off.
	}
	if res.ErrorCounted {
		st.uncounted.Store(r.caller)
	}
	r.inv, r.ctx, r.callerArgs = scripting.Invocation{}, nil, nil
	st.runMu.Unlock()
}

// Call runs one command for the script (Valkey's scriptCall).
func (r *scriptRun) Call(args [][]byte, proto int) ([]byte, string) {
	s := r.s
	cmd := s.reg.lookup(args[0])
	if cmd != nil && cmd.subs != nil && len(args) >= 2 {
		cmd = cmd.lookupSub(args[1])
	}
	// A command Valkey has but Petrel lacks still gets Valkey's arity,
	// noscript and read-only answers before "unknown".
	if cmd == nil {
		return r.reject(nil, errs.ScriptUnknownCommand)
	}
	spec := cmd.spec
	if !spec.CheckArity(len(args)) {
		return r.reject(cmd, errs.ScriptWrongArity)
	}
	// DEBUG SET-DISABLE-DENY-SCRIPTS lifts the noscript ban (Valkey's
	// tests use it), except for the scripting commands themselves: a
	// script cannot run another.
	if spec.Flags&cmdspec.FlagNoscript != 0 && (!s.ScriptDenyDisabled() || spec.Categories&cmdspec.CatScripting != 0) {
		if s.Settings().ExtendedRedisCompat {
			return r.reject(cmd, errs.ScriptNoScriptCompat)
		}
		return r.reject(cmd, errs.ScriptNoScriptCmd)
	}
	if r.readOnly && spec.Flags&(cmdspec.FlagWrite|cmdspec.FlagMayReplicate) != 0 {
		return r.reject(cmd, errs.ScriptWriteInROCall)
	}
	if cmd.handler == nil {
		return r.reject(nil, errs.ScriptUnknownCommand)
	}
	if spec.Flags&cmdspec.FlagWrite != 0 {
		r.wrote.Store(true)
	}
	st := r.st
	st.client.unit = s.unitOf(r.ctx.Client) // the script's effects join its caller's unit (propagate.go)
	w := &st.scratch
	w.Buf = w.Buf[:0]
	w.Proto = proto
	st.client.proto.Store(int32(proto))
	if statsCommands[spec.Name] {
		// INFO, MEMORY STATS/DOCTOR and CONFIG RESETSTAT take every shard
		// lock themselves (multi.go): holding them would deadlock. They
		// run with the locks released for a moment, a hole in the
		// script's atomicity that only commands already waiting for a
		// lock before the script started (other event loops) can use.
		s.ks.Unlock(keyspace.AllShards)
		s.callHeld(st.client, cmd, args, w, r.ctx.Now, 0)
		s.ks.Lock(keyspace.AllShards)
		return w.Buf, ""
	}
	s.callHeld(st.client, cmd, args, w, r.ctx.Now, keyspace.AllShards)
	return w.Buf, ""
}

// reject refuses a command a script called, counting the error as
// Valkey does (an ERR in errorstats, a rejected call of the command).
func (r *scriptRun) reject(cmd *command, msg string) ([]byte, string) {
	if cmd != nil {
		cmd.rejected.Add(1)
	}
	r.s.stats.totalErrorReplies.Add(1)
	r.s.countError([]byte("ERR"))
	return nil, msg
}

// CommandExists is server.acl_check_cmd's lookup.
func (r *scriptRun) CommandExists(args [][]byte) bool {
	cmd := r.s.reg.lookup(args[0])
	if cmd != nil && cmd.subs != nil && len(args) >= 2 {
		cmd = cmd.lookupSub(args[1])
	}
	return cmd != nil && cmd.implemented()
}

// killText is the error a killed script ends with.
func (r *scriptRun) killText() string {
	if r.eval {
		return "Script killed by user with SCRIPT KILL."
	}
	return "Script killed by user with FUNCTION KILL."
}

// busyError is the -BUSY reply other clients get.
func (s *Server) busyError(r *scriptRun) string {
	compat := s.Settings().ExtendedRedisCompat
	switch {
	case r.eval && compat:
		return errs.BusyEvalCompat.Error()
	case r.eval:
		return errs.BusyEval.Error()
	case compat:
		return errs.BusyFunctionCompat.Error()
	}
	return errs.BusyFunction.Error()
}

// scriptBusyTimer fires busy-reply-threshold after a script started.
func (s *Server) scriptBusyTimer() {
	st := &s.scripting
	st.mu.Lock()
	defer st.mu.Unlock()
	r := st.run
	if r == nil || r.busy {
		return
	}
	h := s.Hot()
	if h == nil {
		return
	}
	limit := time.Duration(h.BusyReplyThreshold.Load()) * time.Millisecond
	if limit <= 0 {
		return
	}
	if el := time.Since(r.start); el < limit { // a late timer of an earlier run
		st.timer.Reset(limit - el)
		return
	}
	r.busy = true
	r.callerArgs = copyArgs(r.ctx.Args)
	cmdName := "FUNCTION KILL"
	if r.eval {
		cmdName = "SCRIPT KILL"
	}
	s.Logf("Slow script detected: still in execution after %d milliseconds. You can try killing the script using the %s command. Script name is: %s.",
		time.Since(r.start).Milliseconds(), cmdName, r.name)
	if r.loop != nil {
		r.standInStop = make(chan struct{})
		r.standInDone = make(chan struct{})
		go func(l *eventLoop, skip *Client, stop, done chan struct{}) {
			defer close(done)
			l.standIn(skip, stop)
		}(r.loop, r.caller, r.standInStop, r.standInDone)
	}
	st.cond.Broadcast()
}

// scriptGate is the dispatcher's check while a script runs: a command of
// another client waits for the script, or, once it is busy, gets -BUSY
// unless it is allowed then. It reports whether the command may run; if
// not, the rejection was written.
func (s *Server) scriptGate(c *Client, cmd *command, args [][]byte) bool {
	st := &s.scripting
	st.mu.Lock()
	defer st.mu.Unlock()
	for {
		r := st.run
		if r == nil || r.caller == c || c == st.client {
			return true
		}
		if r.busy {
			spec := cmd.spec
			// Allowed commands run, except those with keys: they would
			// wait for the shard locks, holding up the stand-in serving
			// this loop (WATCH gets -BUSY here, unlike in Valkey).
			if spec.Flags&cmdspec.FlagAllowBusy != 0 && !spec.HasKeys() {
				if spec.Name == "shutdown" && !hasArg(args[1:], "nosave") {
					s.reject(c, cmd, s.busyError(r))
					return false
				}
				return true
			}
			s.reject(c, cmd, s.busyError(r))
			return false
		}
		if c.killed.Load() {
			return true
		}
		st.cond.Wait()
	}
}

func hasArg(args [][]byte, word string) bool {
	for _, a := range args {
		if EqualFold(a, word) {
			return true
		}
	}
	return false
}

// takeUncountedError reports (once) whether c's script reply is an error
// already counted by the command that produced it.
func (s *Server) takeUncountedError(c *Client) bool {
	st := &s.scripting
	if st.uncounted.Load() != c {
		return false
	}
	st.uncounted.Store(nil)
	return true
}

// killScript is SCRIPT KILL (eval) and FUNCTION KILL.
func killScript(c *Ctx, eval bool) {
	s := c.Srv
	eng := s.scriptingEngine()
	st := &s.scripting
	st.mu.Lock()
	defer st.mu.Unlock()
	r := st.run
	switch {
	case r == nil:
		c.Error(errs.NotBusy)
	case r.wrote.Load():
		c.Error(errs.UnkillableWrote)
	case eval && !r.eval:
		c.W.Error(s.busyError(r)) // "... You can only call FUNCTION KILL ..."
	case !eval && r.eval:
		c.W.Error(s.busyError(r))
	default:
		eng.Interrupt(r.killText())
		c.W.OK()
	}
}

// ---------------------------------------------------------------------
// SCRIPT

var scriptHelp = []string{
	"DEBUG (YES|SYNC|NO)",
	"    Set the debug mode for subsequent scripts executed.",
	"EXISTS <sha1> [<sha1> ...]",
	"    Return information about the existence of the scripts in the script cache.",
	"FLUSH [ASYNC|SYNC]",
	"    Flush the Lua scripts cache. Very dangerous on replicas.",
	"    When called without the optional mode argument, the behavior is determined",
	"     by the lazyfree-lazy-user-flush configuration directive. Valid modes are:",
	"    * ASYNC: Asynchronously flush the scripts cache.",
	"    * SYNC: Synchronously flush the scripts cache.",
	"KILL",
	"    Kill the currently executing Lua script.",
	"LOAD <script>",
	"    Load a script into the scripts cache without executing it.",
	"SHOW <sha1>",
	"    Show a script from the scripts cache.",
}

func cmdScriptLoad(c *Ctx) {
	sha, errText := c.Srv.scriptingEngine().Load(c.Args[2])
	if errText != "" {
		c.W.Error(errText)
		return
	}
	c.W.BulkString(sha)
}

func cmdScriptExists(c *Ctx) {
	eng := c.Srv.scriptingEngine()
	c.W.Array(len(c.Args) - 2)
	for _, sha := range c.Args[2:] {
		if eng.Exists(sha) {
			c.W.Int(1)
		} else {
			c.W.Int(0)
		}
	}
}

// SCRIPT FLUSH [ASYNC|SYNC]: a fresh VM either way (the old one is left
// to the garbage collector).
func cmdScriptFlush(c *Ctx) {
	if len(c.Args) > 3 || (len(c.Args) == 3 && !EqualFold(c.Args[2], "sync") && !EqualFold(c.Args[2], "async")) {
		c.Error(errs.ScriptFlushOption)
		return
	}
	c.Srv.scriptingEngine().Flush()
	c.W.OK()
}

func cmdScriptShow(c *Ctx) {
	body, ok := c.Srv.scriptingEngine().Show(c.Args[2])
	if !ok {
		c.Error(errs.NoScript)
		return
	}
	c.W.Bulk(body)
}

// ---------------------------------------------------------------------
// FUNCTION

var functionHelp = []string{
	"LOAD [REPLACE] <FUNCTION CODE>",
	"    Create a new library with the given library name and code.",
	"DELETE <LIBRARY NAME>",
	"    Delete the given library.",
	"LIST [LIBRARYNAME PATTERN] [WITHCODE]",
	"    Return general information on all the libraries:",
	"    * Library name",
	"    * The engine used to run the Library",
	"    * Functions list",
	"    * Library code (if WITHCODE is given)",
	"    It also possible to get only function that matches a pattern using LIBRARYNAME argument.",
	"STATS",
	"    Return information about the current function running:",
	"    * Function name",
	"    * Command used to run the function",
	"    * Duration in MS that the function is running",
	"    If no function is running, return nil",
	"    In addition, returns a list of available engines.",
	"KILL",
	"    Kill the current running function.",
	"FLUSH [ASYNC|SYNC]",
	"    Delete all the libraries.",
	"    When called without the optional mode argument, the behavior is determined by the",
	"    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
	"    * ASYNC: Asynchronously flush the libraries.",
	"    * SYNC: Synchronously flush the libraries.",
	"DUMP",
	"    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command",
	"RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
	"    Restore the libraries represented by the given payload, it is possible to give a restore policy to",
	"    control how to handle existing libraries (default APPEND):",
	"    * FLUSH: delete all existing libraries.",
	"    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.",
	"    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old",
	"      libraries with the new libraries (notice that even on this option there is a chance of failure",
	"      in case of functions name collision with another library).",
}

// FUNCTION LOAD [REPLACE] <code>
func cmdFunctionLoad(c *Ctx) {
	replace := false
	i := 2
	for ; i < len(c.Args)-1; i++ {
		if !EqualFold(c.Args[i], "replace") {
			c.Error(errs.FunctionUnknownOption(cstr(c.Args[i])))
			return
		}
		replace = true
	}
	if i >= len(c.Args) {
		c.Error(errs.FunctionCodeMissing)
		return
	}
	name, errText := c.Srv.scriptingEngine().FunctionLoad(c.Args[i], replace)
	if errText != "" {
		c.W.Error(errText)
		return
	}
	c.ModifiedN(1)
	c.W.BulkString(name)
}

// cstr is what C's %s prints of an argument: up to its first NUL.
func cstr(b []byte) string {
	for i, ch := range b {
		if ch == 0 {
			return string(b[:i])
		}
	}
	return string(b)
}

func cmdFunctionDelete(c *Ctx) {
	if !c.Srv.scriptingEngine().FunctionDelete(c.Args[2]) {
		c.Error(errs.LibraryNotFound)
		return
	}
	c.ModifiedN(1)
	c.W.OK()
}

// FUNCTION FLUSH [ASYNC|SYNC]: a fresh function VM either way.
func cmdFunctionFlush(c *Ctx) {
	if len(c.Args) > 3 {
		c.W.Error(cmdspec.SubcommandSyntaxError(c.Args))
		return
	}
	if len(c.Args) == 3 && !EqualFold(c.Args[2], "sync") && !EqualFold(c.Args[2], "async") {
		c.Error(errs.FunctionFlushOption)
		return
	}
	c.Srv.scriptingEngine().FunctionFlush()
	c.ModifiedN(1)
	c.W.OK()
}

// FUNCTION LIST [LIBRARYNAME pattern] [WITHCODE]
func cmdFunctionList(c *Ctx) {
	withCode := false
	var pattern []byte
	hasPattern := false
	for i := 2; i < len(c.Args); i++ {
		a := c.Args[i]
		if !withCode && EqualFold(a, "withcode") {
			withCode = true
			continue
		}
		if !hasPattern && EqualFold(a, "libraryname") {
			if i >= len(c.Args)-1 {
				c.Error(errs.LibraryNameMissing)
				return
			}
			i++
			pattern, hasPattern = c.Args[i], true
			continue
		}
		c.Error(errs.FunctionUnknownArgument(cstr(a)))
		return
	}
	libs := c.Srv.scriptingEngine().Libraries()
	if hasPattern {
		kept := libs[:0]
		for _, l := range libs {
			if glob.Match(pattern, []byte(l.Name), true) {
				kept = append(kept, l)
			}
		}
		libs = kept
	}
	w := c.W
	w.Array(len(libs))
	for _, l := range libs {
		if withCode {
			w.Map(4)
		} else {
			w.Map(3)
		}
		w.BulkString("library_name")
		w.BulkString(l.Name)
		w.BulkString("engine")
		w.BulkString("LUA")
		w.BulkString("functions")
		w.Array(len(l.Functions))
		for _, f := range l.Functions {
			w.Map(3)
			w.BulkString("name")
			w.BulkString(f.Name)
			w.BulkString("description")
			if f.HasDesc {
				w.BulkString(f.Description)
			} else {
				w.Null()
			}
			w.BulkString("flags")
			names := f.Flags.Names()
			w.Set(len(names))
			for _, n := range names {
				w.Simple(n)
			}
		}
		if withCode {
			w.BulkString("library_code")
			w.Bulk(l.Code)
		}
	}
}

// FUNCTION STATS: the function running now (refused while an EVAL
// script runs) and the engines' library and function counts.
func cmdFunctionStats(c *Ctx) {
	s := c.Srv
	stats := s.scriptingEngine().Stats()
	st := &s.scripting
	st.mu.Lock()
	r := st.run
	var name string
	var args [][]byte
	var dur int64
	if r != nil {
		name, args, dur = r.name, r.callerArgs, time.Since(r.start).Milliseconds()
	}
	eval := r != nil && r.eval
	st.mu.Unlock()
	if eval {
		c.W.Error(s.busyError(r))
		return
	}
	w := c.W
	w.Map(2)
	w.BulkString("running_script")
	if r == nil {
		w.Null()
	} else {
		w.Map(3)
		w.BulkString("name")
		w.BulkString(name)
		w.BulkString("command")
		w.Array(len(args))
		for _, a := range args {
			w.Bulk(a)
		}
		w.BulkString("duration_ms")
		w.Int(dur)
	}
	w.BulkString("engines")
	w.Map(1)
	w.BulkString("LUA")
	w.Map(2)
	w.BulkString("libraries_count")
	w.Int(stats.Libraries)
	w.BulkString("functions_count")
	w.Int(stats.Functions)
}

func cmdFunctionDump(c *Ctx) {
	c.W.Bulk(c.Srv.scriptingEngine().FunctionDump())
}

// FUNCTION RESTORE <payload> [FLUSH|APPEND|REPLACE]
func cmdFunctionRestore(c *Ctx) {
	if len(c.Args) > 4 {
		c.W.Error(cmdspec.SubcommandSyntaxError(c.Args))
		return
	}
	policy := scripting.RestoreAppend
	if len(c.Args) == 4 {
		switch p := c.Args[3]; {
		case EqualFold(p, "append"):
		case EqualFold(p, "replace"):
			policy = scripting.RestoreReplace
		case EqualFold(p, "flush"):
			policy = scripting.RestoreFlush
		default:
			c.Error(errs.RestorePolicy)
			return
		}
	}
	if errText := c.Srv.scriptingEngine().FunctionRestore(c.Args[2], policy, c.Srv.SkipChecksumValidation()); errText != "" {
		c.W.Error(errText)
		return
	}
	c.ModifiedN(1)
	c.W.OK()
}

// ---------------------------------------------------------------------
// INFO

// scriptingInfo returns the engine's INFO figures (the engine is created
// on first use, as Valkey creates its VMs at start).
func (s *Server) scriptingInfo() scripting.Stats {
	return s.scriptingEngine().Stats()
}
