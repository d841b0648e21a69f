package scripting

import (
	"errors"
	"math"
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"

	"petrel/internal/resp"
	"petrel/internal/scripting/lualib"
)

// vmKind tells the two Lua worlds apart: Valkey keeps one VM for EVAL
// scripts and one for function libraries.
type vmKind int

const (
	evalVM vmKind = iota
	functionVM
)

// Replication flags of server.set_repl (Valkey's PROPAGATE_*).
const (
	replNone    = 0
	replAOF     = 1
	replReplica = 2
	replAll     = 3
)

// Log levels of server.log (Valkey's LL_*).
const (
	LogDebug   = 0
	LogVerbose = 1
	LogNotice  = 2
	LogWarning = 3
)

// Approximate memory of a fresh VM, as Valkey reports its Lua states
// (used_memory_vm_eval, used_memory_vm_functions): gopher-lua does not
// count its allocations, so INFO shows these plus an estimate per
// compiled script.
const (
	evalVMBase     = 32768
	functionVMBase = 35840
)

// vm is one Lua state with its sandbox, the server object, and the state
// of the script it is running. Only the engine, holding its mutex, uses it.
type vm struct {
	e    *Engine
	kind vmKind
	L    *lua.LState
	sb   *sandbox

	globals      *lua.LTable // the real globals table
	globalsProxy *lua.LTable // what scripts see as _G
	globalsMeta  *lua.LTable // the proxy's metatable: __index is switched during FUNCTION LOAD
	libraryAPI   *lua.LTable // function VM: the globals seen while a library loads (proxy)
	handler      *lua.LFunction

	run     *runState // the run in progress (&rs), nil between runs
	rs      runState
	loading *loadState // function VM: the FUNCTION LOAD in progress

	// server.call's reusable argument buffers.
	argv  [][]byte
	argb  []byte
	argix []int

	codeBytes int64 // sum of the compiled sources, for the memory estimate

	// sources maps the name loadstring chunks are compiled under (their
	// short_src, `[string "..."]`) to their chunkname, which is what an
	// error's "on <source>:<line>" shows.
	sources map[string]string
}

func (v *vm) rememberSource(short, chunk string) {
	if short == chunk {
		return
	}
	if v.sources == nil {
		v.sources = map[string]string{}
	}
	if len(v.sources) > 1024 {
		clear(v.sources) // bounded: it only improves error texts
	}
	v.sources[short] = chunk
}

// runState is what the server object needs while a script runs.
type runState struct {
	inv  *Invocation
	name string // the script's SHA1 or the function's name
	resp int    // protocol of server.call replies (server.setresp)
	repl int    // server.set_repl flags
}

// newVM builds a sandboxed Lua state (Valkey's initializeLuaState).
func newVM(e *Engine, kind vmKind) *vm {
	L := lua.NewState(lua.Options{
		SkipOpenLibs:     true,
		CallStackSize:    callStackSize,
		RegistrySize:     1024,
		RegistryMaxSize:  256 * 1024,
		RegistryGrowStep: 1024,
	})
	v := &vm{e: e, kind: kind, L: L}
	v.globals = L.G.Global
	v.sb = newSandbox(L)

	for _, lib := range []struct {
		name string
		open lua.LGFunction
	}{
		{lua.BaseLibName, lua.OpenBase},
		{lua.TabLibName, lua.OpenTable},
		{lua.StringLibName, lua.OpenString},
		{lua.MathLibName, lua.OpenMath},
		{lua.CoroutineLibName, lua.OpenCoroutine},
	} {
		L.Push(L.NewFunction(lib.open))
		L.Push(lua.LString(lib.name))
		L.Call(1, 0)
	}
	g := v.globals
	v.installBase()
	if t, ok := g.RawGetString("table").(*lua.LTable); ok {
		v.wrapTableLib(t)
	}
	// Strings index the string library through their own metatable, not
	// the library table itself (gopher-lua makes them one table).
	if str, ok := g.RawGetString("string").(*lua.LTable); ok {
		str.RawSetString("__index", lua.LNil)
		// A huge string.rep would kill the server (Go cannot survive
		// running out of memory): results are bounded.
		str.RawSetString("rep", L.NewFunction(func(L *lua.LState) int {
			s := L.CheckString(1)
			n := checkInt(L, 2, "rep")
			if n <= 0 || len(s) == 0 {
				L.Push(lua.LString(""))
				return 1
			}
			if int64(len(s))*int64(n) > maxStringBytes {
				L.RaiseError("resulting string too large")
			}
			L.Push(lua.LString(strings.Repeat(s, n)))
			return 1
		}))
		// Valkey's string.dump works, but its bytecode cannot be loaded
		// back; gopher-lua has no bytecode, so dump returns a stand-in
		// that loadstring refuses the same way.
		str.RawSetString("dump", L.NewFunction(func(L *lua.LState) int {
			L.CheckFunction(1)
			L.Push(lua.LString("\x1bLuaQ"))
			return 1
		}))
		strMeta := L.CreateTable(0, 1)
		strMeta.RawSetString("__index", str)
		L.SetMetatable(lua.LString(""), strMeta)
	}
	if m, ok := g.RawGetString("math").(*lua.LTable); ok {
		m.RawSetString("huge", lua.LNumber(math.Inf(1)))
		m.RawSetString("random", L.NewFunction(e.mathRandom))
		m.RawSetString("randomseed", L.NewFunction(e.mathRandomSeed))
	}
	// Of os, only os.clock (Valkey 8+).
	osLib := L.CreateTable(0, 1)
	osLib.RawSetString("clock", L.NewFunction(func(L *lua.LState) int {
		L.Push(lua.LNumber(e.processClock()))
		return 1
	}))
	g.RawSetString("os", osLib)
	v.openExtraLibraries()

	server := v.serverAPI()
	g.RawSetString("server", server)
	g.RawSetString("redis", server)
	v.handler = L.NewFunction(v.errorHandler)
	if kind == evalVM {
		server.RawSetString("breakpoint", L.NewFunction(func(L *lua.LState) int {
			L.Push(lua.LFalse) // no debugging session (SCRIPT DEBUG) exists
			return 1
		}))
		server.RawSetString("debug", L.NewFunction(func(L *lua.LState) int { return 0 }))
		server.RawSetString("replicate_commands", L.NewFunction(func(L *lua.LState) int {
			L.Push(lua.LTrue) // deprecated: effects replication is the only mode
			return 1
		}))
		g.RawSetString("__server__err__handler", v.handler)
		g.RawSetString("__redis__err__handler", v.handler)
	}

	// Reading a global that does not exist is an error.
	gmeta := L.CreateTable(0, 1)
	gmeta.RawSetString("__index", L.NewFunction(noSuchGlobal))
	g.Metatable = gmeta

	v.globalsProxy = v.sb.protect(L, g)
	v.globalsMeta = v.globalsProxy.Metatable.(*lua.LTable)
	// Basic types' metatables (only strings have one) are locked too.
	v.sb.protect(L, L.GetMetatable(lua.LString("")).(*lua.LTable))
	if kind == functionVM {
		v.libraryAPI = v.newLibraryAPI()
	}
	L.Env = v.globalsProxy
	return v
}

// callStackSize bounds Lua call depth ("stack overflow" beyond it).
const callStackSize = 1000

// maxStringBytes bounds string.rep's result (1 GiB, the largest string
// Valkey's own tests build).
const maxStringBytes = 1 << 30

// openExtraLibraries is the one place where the libraries Valkey bundles
// beyond Lua's own are opened (cjson, struct, cmsgpack, bit: package
// lualib), as globals, before the globals are locked. They see protected
// tables through their proxies (cjson.encode(string) encodes the string
// library's contents, as in Valkey).
func (v *vm) openExtraLibraries() {
	lualib.OpenWith(v.L, lualib.Options{Unwrap: v.sb.real})
}

func noSuchGlobal(L *lua.LState) int {
	name, _ := luaString(L.Get(2))
	L.RaiseError(errNoSuchGlobal, name)
	return 0
}

// serverAPI builds the server object (server.* / redis.*) shared by both
// VMs (Valkey's luaRegisterServerAPI).
func (v *vm) serverAPI() *lua.LTable {
	L := v.L
	t := L.CreateTable(0, 32)
	fn := func(name string, f lua.LGFunction) { t.RawSetString(name, L.NewFunction(f)) }
	fn("call", func(L *lua.LState) int { return v.serverCall(L, true) })
	fn("pcall", func(L *lua.LState) int { return v.serverCall(L, false) })
	v.addLog(t)
	v.addVersion(t)
	fn("setresp", func(L *lua.LState) int {
		if L.GetTop() != 1 {
			raise(L, "server.setresp() requires one argument.")
		}
		n := int(toNumber(L.Get(1)))
		if n != 2 && n != 3 {
			raise(L, "RESP version must be 2 or 3.")
		}
		if v.run != nil {
			v.run.resp = n
		}
		return 0
	})
	fn("sha1hex", func(L *lua.LState) int {
		if L.GetTop() != 1 {
			raise(L, "wrong number of arguments")
		}
		s, _ := luaString(L.Get(1))
		L.Push(lua.LString(sha1hex([]byte(s))))
		return 1
	})
	fn("error_reply", func(L *lua.LState) int {
		s, ok := L.Get(1).(lua.LString)
		if L.GetTop() != 1 || !ok {
			L.Push(errorTable(L, "wrong number or type of arguments"))
			return 1
		}
		msg := string(s)
		if len(msg) == 0 || msg[0] != '-' {
			msg = "-" + msg
		}
		L.Push(errorTable(L, msg))
		return 1
	})
	fn("status_reply", func(L *lua.LState) int {
		s, ok := L.Get(1).(lua.LString)
		if L.GetTop() != 1 || !ok {
			L.Push(errorTable(L, "wrong number or type of arguments"))
			return 1
		}
		r := L.CreateTable(0, 1)
		r.RawSetString("ok", s)
		L.Push(r)
		return 1
	})
	fn("set_repl", func(L *lua.LState) int {
		if L.GetTop() != 1 {
			raise(L, "server.set_repl() requires one argument.")
		}
		flags := int(toNumber(L.Get(1)))
		if flags&^replAll != 0 {
			raise(L, "Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.")
		}
		if v.run != nil {
			v.run.repl = flags
		}
		return 0
	})
	for name, val := range map[string]int{"REPL_NONE": replNone, "REPL_AOF": replAOF,
		"REPL_SLAVE": replReplica, "REPL_REPLICA": replReplica, "REPL_ALL": replAll} {
		t.RawSetString(name, lua.LNumber(val))
	}
	fn("acl_check_cmd", func(L *lua.LState) int {
		args, errText := v.callArgs(L)
		if errText != "" {
			raise(L, errText)
		}
		if v.run == nil || !v.run.inv.Host.CommandExists(args) {
			raise(L, "Invalid command passed to server.acl_check_cmd()")
		}
		// One user (default, all permissions) until ACLs exist.
		L.Push(lua.LTrue)
		return 1
	})
	return t
}

// addLog adds server.log and its level constants.
func (v *vm) addLog(t *lua.LTable) {
	L := v.L
	t.RawSetString("log", L.NewFunction(func(L *lua.LState) int {
		argc := L.GetTop()
		if argc < 2 {
			raise(L, "server.log() requires two arguments or more.")
		}
		if !isNumber(L.Get(1)) {
			raise(L, "First argument must be a number (log level).")
		}
		level := int(toNumber(L.Get(1)))
		if level < LogDebug || level > LogWarning {
			raise(L, "Invalid log level.")
		}
		var msg []byte
		for j := 2; j <= argc; j++ {
			s, ok := luaString(L.Get(j))
			if !ok {
				continue
			}
			if j != 2 {
				msg = append(msg, ' ')
			}
			msg = append(msg, s...)
		}
		if v.e.log != nil {
			v.e.log(level, string(msg))
		}
		return 0
	}))
	for name, val := range map[string]int{"LOG_DEBUG": LogDebug, "LOG_VERBOSE": LogVerbose,
		"LOG_NOTICE": LogNotice, "LOG_WARNING": LogWarning} {
		t.RawSetString(name, lua.LNumber(val))
	}
}

// addVersion adds the version fields (luaRegisterVersion).
func (v *vm) addVersion(t *lua.LTable) {
	o := v.e.opts
	t.RawSetString("REDIS_VERSION_NUM", lua.LNumber(versionNum(o.RedisVersion)))
	t.RawSetString("REDIS_VERSION", lua.LString(o.RedisVersion))
	t.RawSetString("VALKEY_VERSION_NUM", lua.LNumber(versionNum(o.ValkeyVersion)))
	t.RawSetString("VALKEY_VERSION", lua.LString(o.ValkeyVersion))
	t.RawSetString("SERVER_NAME", lua.LString(o.ServerName))
}

// versionNum encodes "major.minor.patch" as 0x00MMmmpp.
func versionNum(v string) int {
	n, part, shift := 0, 0, 16
	for i := 0; i <= len(v); i++ {
		if i == len(v) || v[i] == '.' {
			n |= (part & 0xff) << shift
			part, shift = 0, shift-8
			if shift < 0 {
				break
			}
			continue
		}
		if v[i] >= '0' && v[i] <= '9' {
			part = part*10 + int(v[i]-'0')
		}
	}
	return n
}

// raise throws an error table (luaPushError + lua_error).
func raise(L *lua.LState, msg string) {
	L.Error(errorTable(L, msg), 0)
}

func isNumber(v lua.LValue) bool {
	switch x := v.(type) {
	case lua.LNumber:
		return true
	case lua.LString:
		_, err := strconv.ParseFloat(trimSpace(string(x)), 64)
		return err == nil
	}
	return false
}

// toNumber is lua_tonumber: numbers, numeric strings, else 0.
func toNumber(v lua.LValue) float64 {
	switch x := v.(type) {
	case lua.LNumber:
		return float64(x)
	case lua.LString:
		if f, err := strconv.ParseFloat(trimSpace(string(x)), 64); err == nil {
			return f
		}
		if n, err := strconv.ParseInt(trimSpace(string(x)), 0, 64); err == nil {
			return float64(n)
		}
	}
	return 0
}

func trimSpace(s string) string {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t' || s[0] == '\n' || s[0] == '\r' || s[0] == '\f' || s[0] == '\v') {
		s = s[1:]
	}
	for len(s) > 0 && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t' || s[len(s)-1] == '\n' || s[len(s)-1] == '\r' || s[len(s)-1] == '\f' || s[len(s)-1] == '\v') {
		s = s[:len(s)-1]
	}
	return s
}

// callArgs converts server.call's Lua arguments into a command's
// arguments (luaArgsToServerArgv). The slices alias v's buffers, valid
// until the next call.
func (v *vm) callArgs(L *lua.LState) ([][]byte, string) {
	argc := L.GetTop()
	if argc == 0 {
		return nil, "Please specify at least one argument for this call"
	}
	b := v.argb[:0]
	ix := v.argix[:0]
	for j := 1; j <= argc; j++ {
		switch x := L.Get(j).(type) {
		case lua.LNumber:
			b = argString(b, float64(x))
		case lua.LString:
			b = append(b, x...)
		default:
			return nil, "Command arguments must be strings or integers"
		}
		ix = append(ix, len(b))
	}
	args := v.argv[:0]
	start := 0
	for _, end := range ix {
		args = append(args, b[start:end:end])
		start = end
	}
	v.argb, v.argix, v.argv = b, ix, args
	return args, ""
}

// serverCall is server.call (raise) and server.pcall.
func (v *vm) serverCall(L *lua.LState, raiseErr bool) int {
	fail := func(msg string) int {
		t := errorTable(L, msg)
		t.RawSetString("ignore_error_stats_update", lua.LTrue)
		if raiseErr {
			L.Error(t, 0)
		}
		L.Push(t)
		return 1
	}
	if v.run == nil {
		return fail("server.call can only be called inside a script invocation")
	}
	args, errText := v.callArgs(L)
	if errText != "" {
		return fail(errText)
	}
	L.SetTop(0)
	reply, reject := v.run.inv.Host.Call(args, v.run.resp)
	if reject != "" {
		return fail(reject)
	}
	val, err := parseReply(L, reply)
	if err != nil {
		return fail("Petrel could not read the reply of '" + cstring(args[0]) + "': " + err.Error())
	}
	if raiseErr && len(reply) > 0 && reply[0] == '-' {
		L.Error(val, 0)
	}
	L.Push(val)
	return 1
}

// errorHandler completes a script error with where it happened, as
// Valkey's Lua error handler does: {err=..., source=..., line=...}. It runs
// before the stack unwinds: level 1 raised the error; if that is a Go
// function (server.call, error), the Lua code that called it is level 2.
func (v *vm) errorHandler(L *lua.LState) int {
	errv := L.Get(1)
	if reason := v.e.killReason(); reason != "" {
		errv = errorTable(L, reason)
	} else if v.loading != nil && v.loading.timedOut() {
		errv = errorTable(L, "FUNCTION LOAD timeout")
	}
	if str, isStr := errv.(lua.LString); isStr {
		errv = lua.LString(luaMessage(L, string(str)))
	}
	t, ok := errv.(*lua.LTable)
	if ok && v.sb.isProxy(t) {
		ok = false
	}
	if !ok {
		s := "nil"
		if errv != lua.LNil {
			s = L.ToStringMeta(errv).String()
			if n, isNum := errv.(lua.LNumber); isNum {
				s = formatNumber(float64(n))
			}
		}
		t = L.CreateTable(0, 3)
		t.RawSetString("err", lua.LString("ERR "+s))
	}
	if dbg, found := v.errorFrame(L); found {
		src := chunkSource(dbg.Source)
		if chunk, ok := v.sources[dbg.Source]; ok {
			src = chunk
		}
		t.RawSetString("source", lua.LString(src))
		t.RawSetString("line", lua.LNumber(dbg.CurrentLine))
	}
	L.Push(t)
	return 1
}

func (v *vm) errorFrame(L *lua.LState) (*lua.Debug, bool) {
	for level := 1; level <= 2; level++ {
		dbg, ok := L.GetStack(level)
		if !ok {
			return nil, false
		}
		if _, err := L.GetInfo("Sl", dbg, lua.LNil); err != nil {
			return nil, false
		}
		if dbg.What != "G" {
			return dbg, true
		}
	}
	return nil, false
}

// chunkSource is Lua's ar.source for a chunk: "@name" for the script
// chunks, the text itself for loadstring chunks.
func chunkSource(name string) string {
	switch name {
	case "user_script", "user_function":
		return "@" + name
	}
	return name
}

// luaMessage words an error raised by the running Lua function as Lua 5.1
// would, naming the variable involved when the failing instruction tells
// it (names.go).
func luaMessage(L *lua.LState, msg string) string {
	dbg, ok := L.GetStack(1)
	if !ok {
		return lua51Message(msg)
	}
	if _, err := L.GetInfo("Sl", dbg, lua.LNil); err != nil || dbg.What == "G" {
		return lua51Message(msg)
	}
	p, pc, ok := frameOf(dbg)
	if !ok {
		return lua51Message(msg)
	}
	prefix := dbg.Source + ":" + strconv.Itoa(dbg.CurrentLine) + ": "
	if !strings.HasPrefix(msg, prefix) {
		return lua51Message(msg)
	}
	return prefix + nameRuntimeError(p, pc, msg[len(prefix):])
}

// newArray makes a Lua array of strings (KEYS, ARGV).
func newArray(L *lua.LState, items [][]byte) *lua.LTable {
	t := L.CreateTable(len(items), 0)
	for i, it := range items {
		t.RawSetInt(i+1, lua.LString(it))
	}
	return t
}

// call runs fn (a compiled script, or a registered function) for inv and
// writes its reply to w (Valkey's luaCallFunction).
func (v *vm) call(fn *lua.LFunction, inv *Invocation, name string, w *resp.Writer) Result {
	L := v.L
	rs := &v.rs
	*rs = runState{inv: inv, name: name, resp: 2, repl: replAll}
	v.run = rs
	v.e.kill.arm()
	L.SetContext(v.e.kill)
	defer func() {
		v.e.kill.disarm()
		L.RemoveContext()
		v.run = nil
		rs.inv = nil
	}()

	keys := newArray(L, inv.Keys)
	args := newArray(L, inv.Args)
	L.Push(fn)
	nargs := 0
	if v.kind == evalVM {
		// On EVAL, KEYS and ARGV are globals (set behind the lock).
		v.globals.RawSetString("KEYS", keys)
		v.globals.RawSetString("ARGV", args)
	} else {
		L.Push(keys)
		L.Push(args)
		nargs = 2
	}
	var res Result
	if err := L.PCall(nargs, 1, v.handler); err != nil {
		var obj lua.LValue = lua.LString(err.Error())
		var aerr *lua.ApiError
		if errors.As(err, &aerr) {
			obj = aerr.Object
		}
		if _, isTable := obj.(*lua.LTable); !isTable {
			s := L.ToStringMeta(obj).String()
			if len(s) > 100 {
				s = s[:100]
			}
			w.Error("ERR Error running script " + name + ", " + s)
			return res
		}
		ei := extractErrorInfo(obj)
		msg := ei.msg
		if ei.hasPos {
			msg += " script: " + name + ", on " + ei.source + ":" + ei.line + "."
		}
		w.Error(msg)
		res.ErrorCounted = ei.ignoreStats
		return res
	}
	ret := L.Get(-1)
	L.Pop(1)
	rw := replyWriter{w: w, scriptResp: rs.resp}
	rw.write(ret, 0)
	res.ErrorCounted = rw.errCounted
	res.Repl = rs.repl
	return res
}

// memoryEstimate approximates the VM's memory (collectgarbage("count"),
// INFO used_memory_vm_*).
func (v *vm) memoryEstimate() int64 {
	base := int64(evalVMBase)
	if v.kind == functionVM {
		base = functionVMBase
	}
	return base + 4*v.codeBytes
}

// mathRandom is Valkey's math.random: Lua's, over a PRNG that gives the
// same sequence for a seed on every platform (rand48).
func (e *Engine) mathRandom(L *lua.LState) int {
	r := float64(e.rng.next()%math.MaxInt32) / float64(math.MaxInt32)
	switch L.GetTop() {
	case 0:
		L.Push(lua.LNumber(r))
	case 1:
		u := checkInt(L, 1, "random")
		if u < 1 {
			argError(L, 1, "random", "interval is empty")
		}
		L.Push(lua.LNumber(math.Floor(r*float64(u)) + 1))
	case 2:
		l, u := checkInt(L, 1, "random"), checkInt(L, 2, "random")
		if l > u {
			argError(L, 2, "random", "interval is empty")
		}
		L.Push(lua.LNumber(math.Floor(r*float64(u-l+1)) + float64(l)))
	default:
		L.RaiseError("wrong number of arguments")
	}
	return 1
}

func (e *Engine) mathRandomSeed(L *lua.LState) int {
	e.rng.seed(int32(checkInt(L, 1, "randomseed")))
	return 0
}

// checkInt is luaL_checkint: a number or a numeric string, truncated.
func checkInt(L *lua.LState, n int, fname string) int {
	v := L.Get(n)
	if !isNumber(v) {
		got := "no value"
		if n <= L.GetTop() {
			got = v.Type().String()
		}
		argError(L, n, fname, "number expected, got "+got)
	}
	return int(int64(toNumber(v)))
}

// argError is luaL_argerror's message.
func argError(L *lua.LState, n int, fname, msg string) {
	L.RaiseError("bad argument #%d to '%s' (%s)", n, fname, msg)
}

// rand48 is the drand48 family's generator (Valkey's rand.c):
// x = (0x5DEECE66D*x + 0xB) mod 2^48, lrand48 = the top 31 bits.
type rand48 struct{ x uint64 }

func (r *rand48) seed(s int32) { r.x = uint64(uint32(s))<<16 | 0x330E }

func (r *rand48) next() int32 {
	r.x = (0x5DEECE66D*r.x + 0xB) & (1<<48 - 1)
	return int32(r.x >> 17)
}
