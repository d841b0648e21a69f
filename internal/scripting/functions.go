package scripting

// Function libraries (Valkey's functions.c and function_lua.c): FUNCTION
// LOAD compiles a library in the function VM and runs its top level,
// during which the only globals are the library API (server.
// register_function, server.log, the version fields); each registered
// function keeps a reference to its Lua callback. Function names are
// unique across libraries, compared case-insensitively, as Valkey's
// function dictionary does; library names are case-sensitive.

import (
	"bytes"
	"context"
	"errors"
	"sort"
	"strings"
	"time"

	lua "github.com/yuin/gopher-lua"

	"petrel/internal/errs"
	"petrel/internal/resp"
)

// loadTimeout bounds a library's top-level code (LOAD_TIMEOUT_MS).
const loadTimeout = 500 * time.Millisecond

// Library is a loaded function library.
type Library struct {
	Name      string
	Code      []byte      // the whole library code, shebang included
	Functions []*Function // in registration order
}

// Function is a registered function.
type Function struct {
	Name        string
	Description string
	HasDesc     bool
	Flags       Flags
	lib         *Library
	fn          *lua.LFunction
}

// libraryCtx is a set of libraries (Valkey's functionsLibCtx).
type libraryCtx struct {
	libraries map[string]*Library  // by name
	functions map[string]*Function // by lower-case name
}

func newLibraryCtx() *libraryCtx {
	return &libraryCtx{libraries: map[string]*Library{}, functions: map[string]*Function{}}
}

func (lc *libraryCtx) link(lib *Library) {
	lc.libraries[lib.Name] = lib
	for _, f := range lib.Functions {
		lc.functions[strings.ToLower(f.Name)] = f
	}
}

func (lc *libraryCtx) unlink(lib *Library) {
	delete(lc.libraries, lib.Name)
	for _, f := range lib.Functions {
		delete(lc.functions, strings.ToLower(f.Name))
	}
}

// setLibs installs lc as the current libraries and publishes the counts.
func (e *Engine) setLibs(lc *libraryCtx) {
	e.libs = lc
	e.updateLibStats()
}

func (e *Engine) updateLibStats() {
	var code int64
	for _, l := range e.libs.libraries {
		code += int64(len(l.Code))
	}
	e.numLibraries.Store(int64(len(e.libs.libraries)))
	e.numFunctions.Store(int64(len(e.libs.functions)))
	e.libBytes.Store(code)
	e.fvm.codeBytes = code
	e.funcVMMem.Store(e.fvm.memoryEstimate())
}

// loadState collects what server.register_function registers while a
// library's top level runs.
type loadState struct {
	functions []*Function
	ctx       context.Context
}

func (ls *loadState) timedOut() bool {
	return ls.ctx != nil && errors.Is(ls.ctx.Err(), context.DeadlineExceeded)
}

// newLibraryAPI builds the globals a library sees while it loads: server
// (and redis) with register_function, log and the version fields, and an
// error for anything else.
func (v *vm) newLibraryAPI() *lua.LTable {
	L := v.L
	server := L.CreateTable(0, 16)
	server.RawSetString("register_function", L.NewFunction(v.registerFunction))
	v.addLog(server)
	v.addVersion(server)
	errMeta := L.CreateTable(0, 1)
	errMeta.RawSetString("__index", L.NewFunction(noSuchGlobal))
	server.Metatable = errMeta
	api := L.CreateTable(0, 2)
	api.RawSetString("server", server)
	api.RawSetString("redis", server)
	api.Metatable = errMeta
	return v.sb.protect(L, api)
}

// registerFunction is server.register_function (positional: name,
// callback; or one table of named arguments).
func (v *vm) registerFunction(L *lua.LState) int {
	if v.loading == nil {
		raise(L, "server.register_function can only be called on FUNCTION LOAD command")
	}
	f := &Function{}
	switch L.GetTop() {
	case 1:
		t, ok := L.Get(1).(*lua.LTable)
		if !ok {
			raise(L, "calling server.register_function with a single argument is only applicable to Lua table (representing named arguments).")
		}
		t = v.sb.real(t)
		hasName := false
		for k, val := t.Next(lua.LNil); k != lua.LNil; k, val = t.Next(k) {
			key, ok := luaString(k)
			if !ok {
				raise(L, "named argument key given to server.register_function is not a string")
			}
			switch strings.ToLower(key) {
			case "function_name":
				s, ok := luaString(val)
				if !ok {
					raise(L, "function_name argument given to server.register_function must be a string")
				}
				f.Name, hasName = s, true
			case "description":
				s, ok := luaString(val)
				if !ok {
					raise(L, "description argument given to server.register_function must be a string")
				}
				f.Description, f.HasDesc = s, true
			case "callback":
				fn, ok := val.(*lua.LFunction)
				if !ok {
					raise(L, "callback argument given to server.register_function must be a function")
				}
				f.fn = fn
			case "flags":
				ft, ok := val.(*lua.LTable)
				if !ok {
					raise(L, "flags argument to server.register_function must be a table representing function flags")
				}
				flags, ok := v.readFlags(L, ft)
				if !ok {
					raise(L, "unknown flag given")
				}
				f.Flags = flags
			default:
				raise(L, "unknown argument given to server.register_function")
			}
		}
		if !hasName {
			raise(L, "server.register_function must get a function name argument")
		}
		if f.fn == nil {
			raise(L, "server.register_function must get a callback argument")
		}
	case 2:
		name, ok := luaString(L.Get(1))
		if !ok {
			raise(L, "first argument to server.register_function must be a string")
		}
		fn, ok := L.Get(2).(*lua.LFunction)
		if !ok {
			raise(L, "second argument to server.register_function must be a function")
		}
		f.Name, f.fn = name, fn
	default:
		raise(L, "wrong number of arguments to server.register_function")
	}
	v.loading.functions = append(v.loading.functions, f)
	return 0
}

// readFlags reads a flags array (t[1], t[2], ... up to the first nil,
// metamethods honoured as lua_gettable does).
func (v *vm) readFlags(L *lua.LState, t *lua.LTable) (Flags, bool) {
	var flags Flags
	for j := 1; ; j++ {
		val := L.GetTable(t, lua.LNumber(j))
		if val == lua.LNil {
			return flags, true
		}
		s, ok := luaString(val)
		if !ok {
			return 0, false
		}
		f, ok := flagByName(s, true)
		if !ok {
			return 0, false
		}
		flags |= f
	}
}

// loadLibraryCode runs a library's code (after its shebang line) and
// returns the functions it registered, or an error text.
func (v *vm) loadLibraryCode(code string, timeout time.Duration) ([]*Function, string) {
	L := v.L
	fn, errText := compileChunk(L, code, "@user_function")
	if fn == nil {
		return nil, "Error compiling function: " + errText
	}
	fn.Env = v.globalsProxy

	var ctx context.Context
	var cancel context.CancelFunc
	if timeout > 0 {
		ctx, cancel = context.WithTimeout(context.Background(), timeout)
	} else {
		ctx, cancel = context.WithCancel(context.Background())
	}
	ls := &loadState{ctx: ctx}
	v.loading = ls
	v.globalsMeta.RawSetString("__index", v.libraryAPI)
	L.SetContext(ctx)
	defer func() {
		cancel()
		L.RemoveContext()
		v.globalsMeta.RawSetString("__index", v.globals)
		v.loading = nil
	}()

	L.Push(fn)
	if err := L.PCall(0, 0, nil); err != nil {
		var obj lua.LValue = lua.LString(err.Error())
		var aerr *lua.ApiError
		if errors.As(err, &aerr) {
			obj = aerr.Object
		}
		if str, ok := obj.(lua.LString); ok {
			obj = lua.LString(lua51Message(string(str)))
		}
		msg := extractErrorInfo(obj).msg
		if ls.timedOut() {
			msg = "ERR FUNCTION LOAD timeout"
		}
		return nil, "Error registering functions: " + msg
	}
	return ls.functions, ""
}

// libMetadata is a library's shebang: engine and name.
type libMetadata struct {
	engine, name string
	code         []byte // the code after the shebang, from its newline on
}

// parseLibMetadata reads "#!<engine> name=<name>" (functionExtractLibMetaData).
func parseLibMetadata(code []byte) (libMetadata, string) {
	var md libMetadata
	if !bytes.HasPrefix(code, []byte("#!")) {
		return md, "Missing library metadata"
	}
	end := bytes.IndexByte(code, '\n')
	if end < 0 {
		return md, "Invalid library metadata"
	}
	parts, ok := resp.SplitArgs(code[:end])
	if !ok || len(parts) == 0 {
		return md, "Invalid library metadata"
	}
	md.engine = cstring(parts[0][2:])
	hasName := false
	for _, p := range parts[1:] {
		if len(p) >= 5 && strings.EqualFold(string(p[:5]), "name=") {
			if hasName {
				return md, "Invalid metadata value, name argument was given multiple times"
			}
			md.name, hasName = cstring(p[5:]), true
			continue
		}
		return md, "Invalid metadata value given: " + cstring(p)
	}
	if !hasName {
		return md, "Library name was not given"
	}
	md.code = code[end:]
	return md, ""
}

// validName: letters, digits and underscores, at least one.
func validName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// createLibraryLocked compiles code into lc (functionsCreateWithLibraryCtx)
// and returns the library's name, or an error text without its code.
func (e *Engine) createLibraryLocked(code []byte, replace bool, lc *libraryCtx, timeout time.Duration) (string, string) {
	md, errText := parseLibMetadata(code)
	if errText != "" {
		return "", errText
	}
	if !validName(md.name) {
		return "", "Library names can only contain letters, numbers, or underscores(_) and must be at least one character long"
	}
	if !strings.EqualFold(md.engine, "lua") {
		return "", "Engine '" + md.engine + "' not found"
	}
	old := lc.libraries[md.name]
	if old != nil && !replace {
		return "", "Library '" + md.name + "' already exists"
	}
	if old != nil {
		lc.unlink(old)
	}
	fail := func(msg string) (string, string) {
		if old != nil {
			lc.link(old)
		}
		return "", msg
	}
	fns, errText := e.fvm.loadLibraryCode(string(md.code), timeout)
	if errText != "" {
		return fail(errText)
	}
	lib := &Library{Name: md.name, Code: bytes.Clone(code)}
	seen := map[string]bool{}
	for _, f := range fns {
		if !validName(f.Name) {
			return fail("Function names can only contain letters, numbers, or underscores(_) and must be at least one character long")
		}
		if seen[f.Name] {
			return fail("Function already exists in the library")
		}
		seen[f.Name] = true
		f.lib = lib
		lib.Functions = append(lib.Functions, f)
	}
	if len(lib.Functions) == 0 {
		return fail("No functions registered")
	}
	for _, f := range lib.Functions {
		if lc.functions[strings.ToLower(f.Name)] != nil {
			return fail("Function " + f.Name + " already exists")
		}
	}
	lc.link(lib)
	return lib.Name, ""
}

// FunctionLoad loads a library (FUNCTION LOAD [REPLACE]) and returns its
// name, or an error text with its code.
func (e *Engine) FunctionLoad(code []byte, replace bool) (string, string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	name, errText := e.createLibraryLocked(code, replace, e.libs, loadTimeout)
	if errText != "" {
		return "", "ERR " + errText
	}
	e.updateLibStats()
	return name, ""
}

// FunctionDelete deletes a library (FUNCTION DELETE).
func (e *Engine) FunctionDelete(name []byte) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	lib := e.libs.libraries[string(name)]
	if lib == nil {
		return false
	}
	e.libs.unlink(lib)
	e.updateLibStats()
	return true
}

// FunctionFlush deletes every library and starts a fresh function VM.
func (e *Engine) FunctionFlush() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.resetFunctionsLocked()
}

// HasFunction reports whether a function exists (FCALL checks it before
// its other arguments).
func (e *Engine) HasFunction(name []byte) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.libs.functions[strings.ToLower(string(name))] != nil
}

// FCall runs a function (FCALL, FCALL_RO) and writes its reply to w.
func (e *Engine) FCall(inv *Invocation, w *resp.Writer, name []byte) Result {
	e.mu.Lock()
	defer e.mu.Unlock()
	f := e.libs.functions[strings.ToLower(string(name))]
	if f == nil {
		w.Error(errs.Text(errs.FunctionNotFound))
		return Result{}
	}
	if !inv.Host.Start(RunInfo{Name: f.Name, Flags: f.Flags}) {
		return Result{}
	}
	return e.fvm.call(f.fn, inv, f.Name, w)
}

// LibraryInfo is one library as FUNCTION LIST shows it.
type LibraryInfo struct {
	Name      string
	Code      []byte
	Functions []FunctionInfo
}

// FunctionInfo is one function as FUNCTION LIST shows it.
type FunctionInfo struct {
	Name        string
	Description string
	HasDesc     bool
	Flags       Flags
}

// Libraries lists the libraries, ordered by name.
func (e *Engine) Libraries() []LibraryInfo {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]LibraryInfo, 0, len(e.libs.libraries))
	for _, l := range e.libs.libraries {
		li := LibraryInfo{Name: l.Name, Code: l.Code}
		for _, f := range l.Functions {
			li.Functions = append(li.Functions, FunctionInfo{Name: f.Name, Description: f.Description, HasDesc: f.HasDesc, Flags: f.Flags})
		}
		out = append(out, li)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Restore policies of FUNCTION RESTORE.
const (
	RestoreAppend = iota
	RestoreReplace
	RestoreFlush
)

// FunctionDump serializes every library as Valkey's FUNCTION DUMP does.
func (e *Engine) FunctionDump() []byte {
	var codes [][]byte
	for _, l := range e.Libraries() {
		codes = append(codes, l.Code)
	}
	return dumpFunctions(codes)
}

// FunctionRestore loads a FUNCTION DUMP payload with a policy; it returns
// an error text with its code, or "". skipChecksum is DEBUG
// SET-SKIP-CHECKSUM-VALIDATION.
func (e *Engine) FunctionRestore(payload []byte, policy int, skipChecksum bool) string {
	codes, errText := parseFunctionDump(payload, skipChecksum)
	if errText != "" {
		return errText
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	lc := newLibraryCtx()
	for _, code := range codes {
		if _, errText := e.createLibraryLocked(code, false, lc, 0); errText != "" {
			return "ERR " + errText
		}
	}
	if policy == RestoreFlush {
		e.setLibs(lc)
		return ""
	}
	if errText := e.joinLocked(lc, policy == RestoreReplace); errText != "" {
		return "ERR " + errText
	}
	e.updateLibStats()
	return ""
}

// joinLocked adds src's libraries to the current ones (libraryJoin): a
// library that exists already fails the join unless replace; a function
// name taken by another library always does.
func (e *Engine) joinLocked(src *libraryCtx, replace bool) string {
	dst := e.libs
	var replaced []*Library
	restore := func() {
		for _, l := range replaced {
			dst.link(l)
		}
	}
	names := make([]string, 0, len(src.libraries))
	for n := range src.libraries {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if old := dst.libraries[n]; old != nil {
			if !replace {
				restore()
				return "Library " + n + " already exists"
			}
			dst.unlink(old)
			replaced = append(replaced, old)
		}
	}
	for _, n := range names {
		for _, f := range src.libraries[n].Functions {
			if dst.functions[strings.ToLower(f.Name)] != nil {
				restore()
				return "Function " + f.Name + " already exists"
			}
		}
	}
	for _, n := range names {
		dst.link(src.libraries[n])
	}
	return ""
}
