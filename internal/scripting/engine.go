package scripting

import (
	"bytes"
	"container/list"
	"crypto/rand"
	"encoding/binary"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	lua "github.com/yuin/gopher-lua"

	"petrel/internal/errs"
	"petrel/internal/resp"
)

// Host is what a running script needs from the server. The engine calls
// it only from the goroutine running the script.
type Host interface {
	// Start is called once the script or function to run is known, with
	// the engine's lock held, before any Lua code runs. It checks the
	// script's flags against the server state and the command (EVAL_RO,
	// FCALL_RO...), writing the error and returning false to refuse.
	Start(run RunInfo) bool
	// Call runs one command for the script (server.call/pcall) and
	// returns its reply in RESP version proto, or the text of the
	// rejection ("Unknown command called from script", "-CODE msg", ...)
	// when the command may not run.
	Call(args [][]byte, proto int) (reply []byte, reject string)
	// CommandExists reports whether args name a command
	// (server.acl_check_cmd).
	CommandExists(args [][]byte) bool
}

// RunInfo describes the script about to run.
type RunInfo struct {
	Name  string // the EVAL script's SHA1, or the function's name
	Flags Flags
	Eval  bool // EVAL/EVALSHA (else FCALL)
}

// Invocation is one EVAL or FCALL.
type Invocation struct {
	Host Host
	Keys [][]byte
	Args [][]byte
}

// Result says how a run ended.
type Result struct {
	// ErrorCounted: the reply is an error a server.call already counted
	// in the error statistics; the caller must not count it again
	// (Valkey's ERR_REPLY_FLAG_NO_STATS_UPDATE).
	ErrorCounted bool
	// Repl is the last server.set_repl value (REPL_ALL unless changed).
	Repl int
}

// Options configure an engine.
type Options struct {
	// Log receives server.log lines (level LogDebug..LogWarning); the
	// server filters them by its verbosity.
	Log func(level int, msg string)
	// Version fields of the server object.
	RedisVersion, ValkeyVersion, ServerName string
}

// Engine is the scripting engine: the EVAL VM with its script cache and
// the function VM with its libraries. Its methods may be called from any
// goroutine; one script runs at a time (the server also holds every
// shard lock while one runs).
type Engine struct {
	opts    Options
	log     func(level int, msg string)
	started time.Time

	mu sync.Mutex
	// Guarded by mu:
	eval    *vm
	fvm     *vm
	scripts map[string]*Script // SHA1 (lower case hex) -> script
	lru     *list.List         // EVAL-loaded scripts, oldest first (values: *Script)
	libs    *libraryCtx
	rng     rand48

	kill *killSwitch // the runs' context: Interrupt trips it

	// Figures INFO and FUNCTION STATS read without waiting for a script.
	numScripts   atomic.Int64
	scriptsBytes atomic.Int64 // bodies of the cached scripts
	evicted      atomic.Int64
	numFunctions atomic.Int64
	numLibraries atomic.Int64
	libBytes     atomic.Int64 // library code
	evalVMMem    atomic.Int64
	funcVMMem    atomic.Int64
}

// Script is a cached EVAL script.
type Script struct {
	SHA   string
	Body  []byte
	Flags Flags
	fn    *lua.LFunction // compiled in the eval VM
	lru   *list.Element  // EVAL-loaded: its place in the eviction list; nil once SCRIPT LOAD-ed
}

// maxEvalScripts is how many EVAL-loaded scripts the cache keeps (Valkey's
// LRU_LIST_LENGTH); SCRIPT LOAD-ed scripts are never evicted.
const maxEvalScripts = 500

// New creates an engine with fresh VMs.
func New(opts Options) *Engine {
	if opts.RedisVersion == "" {
		opts.RedisVersion = "7.2.4"
	}
	if opts.ValkeyVersion == "" {
		opts.ValkeyVersion = "9.0.4"
	}
	if opts.ServerName == "" {
		opts.ServerName = "valkey"
	}
	e := &Engine{opts: opts, log: opts.Log, started: time.Now(), kill: newKillSwitch()}
	var seed [4]byte
	_, _ = rand.Read(seed[:])
	e.rng.seed(int32(binary.LittleEndian.Uint32(seed[:])))
	e.mu.Lock()
	e.resetEvalLocked()
	e.resetFunctionsLocked()
	e.mu.Unlock()
	return e
}

func (e *Engine) resetEvalLocked() {
	if e.eval != nil {
		e.eval.L.Close()
	}
	e.eval = newVM(e, evalVM)
	e.scripts = map[string]*Script{}
	e.lru = list.New()
	e.numScripts.Store(0)
	e.scriptsBytes.Store(0)
	e.evalVMMem.Store(e.eval.memoryEstimate())
}

func (e *Engine) resetFunctionsLocked() {
	if e.fvm != nil {
		e.fvm.L.Close()
	}
	e.fvm = newVM(e, functionVM)
	e.setLibs(newLibraryCtx())
}

// ---------------------------------------------------------------------
// Killing a running script.

// Interrupt ends the script running now, if any: it fails at its next Lua
// instruction with msg ("Script killed by user with SCRIPT KILL."), which
// pcall cannot catch for good (every instruction fails again). It reports
// whether a script was running. It never waits for the engine's lock.
func (e *Engine) Interrupt(msg string) bool { return e.kill.trip(msg) }

func (e *Engine) killReason() string { return e.kill.reason() }

// ---------------------------------------------------------------------
// EVAL and the script cache.

// Eval runs an EVAL (body is the script) or EVALSHA (body is the SHA1,
// 40 characters) and writes the reply to w.
func (e *Engine) Eval(inv *Invocation, w *resp.Writer, body []byte, isSHA bool) Result {
	e.mu.Lock()
	defer e.mu.Unlock()
	var sc *Script
	if isSHA {
		sc = e.lookupLocked(body)
		if sc == nil {
			w.Error(errs.Text(errs.NoScript))
			return Result{}
		}
	} else {
		sha := sha1hex(body)
		sc = e.scripts[sha]
		if sc == nil {
			var errText string
			sc, errText = e.registerLocked(body, sha, true)
			if sc == nil {
				w.Error("ERR " + errText)
				return Result{}
			}
		}
	}
	if !inv.Host.Start(RunInfo{Name: sc.SHA, Flags: sc.Flags, Eval: true}) {
		return Result{}
	}
	res := e.eval.call(sc.fn, inv, sc.SHA, w)
	if sc.lru != nil {
		e.lru.MoveToBack(sc.lru)
	}
	return res
}

// Load compiles a script into the cache (SCRIPT LOAD) and returns its
// SHA1, or an error text (code included). A script first seen by EVAL is
// promoted: it will no longer be evicted.
func (e *Engine) Load(body []byte) (sha string, errText string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	sha = sha1hex(body)
	if sc := e.scripts[sha]; sc != nil {
		if sc.lru != nil {
			e.lru.Remove(sc.lru)
			sc.lru = nil
		}
		return sha, ""
	}
	if _, errText := e.registerLocked(body, sha, false); errText != "" {
		return "", "ERR " + errText
	}
	return sha, ""
}

// registerLocked compiles body and caches it (evalRegisterNewScript);
// fromEval scripts join the eviction list, evicting the oldest beyond
// maxEvalScripts.
func (e *Engine) registerLocked(body []byte, sha string, fromEval bool) (*Script, string) {
	engine, flags, skip, errText := parseShebang(body)
	if errText != "" {
		return nil, errText
	}
	if !strings.EqualFold(engine, "lua") {
		return nil, "Could not find scripting engine '" + engine + "'"
	}
	fn, errText := compileChunk(e.eval.L, string(body[skip:]), "@user_script")
	if fn == nil {
		return nil, "Error compiling script (new function): " + errText
	}
	fn.Env = e.eval.globalsProxy
	sc := &Script{SHA: sha, Body: bytes.Clone(body), Flags: flags, fn: fn}
	if fromEval {
		for e.lru.Len() >= maxEvalScripts {
			old := e.lru.Remove(e.lru.Front()).(*Script)
			old.lru = nil
			e.forgetLocked(old)
			e.evicted.Add(1)
		}
		sc.lru = e.lru.PushBack(sc)
	}
	e.scripts[sha] = sc
	e.numScripts.Add(1)
	e.scriptsBytes.Add(int64(len(body)))
	e.eval.codeBytes += int64(len(body))
	e.evalVMMem.Store(e.eval.memoryEstimate())
	return sc, ""
}

func (e *Engine) forgetLocked(sc *Script) {
	delete(e.scripts, sc.SHA)
	e.numScripts.Add(-1)
	e.scriptsBytes.Add(-int64(len(sc.Body)))
	e.eval.codeBytes -= int64(len(sc.Body))
	e.evalVMMem.Store(e.eval.memoryEstimate())
}

// Exists reports whether a script is cached (SCRIPT EXISTS). The SHA1 is
// matched case-insensitively, as Valkey's dictionary does.
func (e *Engine) Exists(sha []byte) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.lookupLocked(sha) != nil
}

// Show returns a cached script's body (SCRIPT SHOW).
func (e *Engine) Show(sha []byte) ([]byte, bool) {
	if len(sha) != 40 {
		return nil, false
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	sc := e.lookupLocked(sha)
	if sc == nil {
		return nil, false
	}
	return sc.Body, true
}

// Flush empties the script cache and starts a fresh EVAL VM (SCRIPT
// FLUSH). The old VM is left to the garbage collector, so SYNC and ASYNC
// differ only in name.
func (e *Engine) Flush() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.resetEvalLocked()
}

// lookupLocked finds a cached script by SHA1, case-insensitively,
// without allocating.
func (e *Engine) lookupLocked(sha []byte) *Script {
	var buf [40]byte
	if len(sha) > len(buf) {
		return e.scripts[strings.ToLower(string(sha))]
	}
	for i, c := range sha {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	return e.scripts[string(buf[:len(sha)])]
}

// ---------------------------------------------------------------------
// Statistics.

// Stats are the INFO figures of the engine (approximate where gopher-lua
// cannot measure: the VM sizes).
type Stats struct {
	CachedScripts    int64 // number_of_cached_scripts
	EvictedScripts   int64 // evicted_scripts
	ScriptsMemory    int64 // used_memory_scripts_eval
	EvalVMMemory     int64 // used_memory_vm_eval
	FunctionVMMemory int64 // used_memory_vm_functions
	Functions        int64 // number_of_functions
	Libraries        int64 // number_of_libraries
	FunctionsMemory  int64 // used_memory_functions
}

// Stats reads the figures without waiting for a running script. The
// memory figures are estimates: the code held, plus a fixed overhead per
// cached script, library and function (Valkey counts its allocations).
func (e *Engine) Stats() Stats {
	const perScript, perLibrary, perFunction, functionsBase = 128, 96, 120, 240
	n := e.numScripts.Load()
	return Stats{
		CachedScripts:    n,
		EvictedScripts:   e.evicted.Load(),
		ScriptsMemory:    e.scriptsBytes.Load() + n*perScript,
		EvalVMMemory:     e.evalVMMem.Load(),
		FunctionVMMemory: e.funcVMMem.Load(),
		Functions:        e.numFunctions.Load(),
		Libraries:        e.numLibraries.Load(),
		FunctionsMemory:  functionsBase + e.libBytes.Load() + e.numLibraries.Load()*perLibrary + e.numFunctions.Load()*perFunction,
	}
}
