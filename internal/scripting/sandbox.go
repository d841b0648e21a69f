package scripting

// The sandbox: what a script's Lua world contains and how it is locked.
//
// Valkey runs scripts in a Lua 5.1 whose tables carry a readonly bit
// checked by the VM itself; every table reachable from the globals (the
// libraries, the server object, the metatables of strings and other basic
// types) is marked readonly once the VM is set up, and the globals table
// gets a metatable whose __index raises "Script attempted to access
// nonexistent global variable". gopher-lua has no such bit, and it writes
// an existing key of a table without consulting any metamethod, so the
// lock is built from proxies instead:
//
//	script sees             proxy (empty table)        real table
//	_G, string, server ---> metatable{__index = real, ---> {call=..., ...}
//	                                  __newindex = refuse,
//	                                  __len = #real}
//
// Every protected table is replaced, wherever a script can reach it (as a
// global, a field of another protected table, a basic type's metatable),
// by its proxy: reads go through to the real table, writes of any key
// raise "Attempt to modify a readonly table". The built-in functions that
// bypass metamethods (rawset, rawget, next, pairs, ipairs, unpack,
// setmetatable, getmetatable, table.*) are replaced by versions that look
// through proxies for reads and refuse writes, so the proxies are
// invisible except for identity: `#string` and `pairs(_G)` see the real
// contents.
//
// Rejected alternative: forking gopher-lua to add the readonly bit. The
// proxies cost one extra table lookup per global access.

import (
	"crypto/sha1"
	"encoding/hex"
	"math"
	"strconv"
	"strings"
	"time"

	lua "github.com/yuin/gopher-lua"
	"github.com/yuin/gopher-lua/parse"

	"petrel/internal/num"
)

const (
	errReadonly     = "Attempt to modify a readonly table"
	errNoSuchGlobal = "Script attempted to access nonexistent global variable '%s'"
)

// sandbox records the proxies of one VM.
type sandbox struct {
	proxyOf map[*lua.LTable]*lua.LTable // real -> proxy
	realOf  map[*lua.LTable]*lua.LTable // proxy -> real
	metaOf  map[*lua.LTable]lua.LValue  // proxy -> what getmetatable shows
	refuse  *lua.LFunction              // __newindex of every proxy
	length  *lua.LFunction              // __len of every proxy
}

func newSandbox(L *lua.LState) *sandbox {
	sb := &sandbox{
		proxyOf: map[*lua.LTable]*lua.LTable{},
		realOf:  map[*lua.LTable]*lua.LTable{},
		metaOf:  map[*lua.LTable]lua.LValue{},
	}
	sb.refuse = L.NewFunction(func(L *lua.LState) int {
		L.RaiseError(errReadonly)
		return 0
	})
	sb.length = L.NewFunction(func(L *lua.LState) int {
		t := L.CheckTable(1)
		L.Push(lua.LNumber(sb.real(t).Len()))
		return 1
	})
	return sb
}

// protect returns the proxy of real, creating it (and the proxies of
// every table real holds, and of its metatable) on first use. The real
// table's fields that hold tables are rewritten to hold their proxies, so
// nothing read through a proxy is writable.
func (sb *sandbox) protect(L *lua.LState, real *lua.LTable) *lua.LTable {
	if p, ok := sb.proxyOf[real]; ok {
		return p
	}
	if _, isProxy := sb.realOf[real]; isProxy {
		return real
	}
	p := L.CreateTable(0, 0)
	mt := L.CreateTable(0, 3)
	mt.RawSetString("__index", real)
	mt.RawSetString("__newindex", sb.refuse)
	mt.RawSetString("__len", sb.length)
	p.Metatable = mt
	sb.proxyOf[real] = p
	sb.realOf[p] = real
	sb.metaOf[p] = lua.LNil

	var tables []lua.LValue
	real.ForEach(func(k, v lua.LValue) {
		if _, ok := v.(*lua.LTable); ok {
			tables = append(tables, k)
		}
	})
	for _, k := range tables {
		real.RawSet(k, sb.protect(L, real.RawGet(k).(*lua.LTable)))
	}
	if m, ok := real.Metatable.(*lua.LTable); ok {
		sb.metaOf[p] = sb.protect(L, m)
	}
	return p
}

// real returns the table a proxy stands for (t itself if t is no proxy).
func (sb *sandbox) real(t *lua.LTable) *lua.LTable {
	if r, ok := sb.realOf[t]; ok {
		return r
	}
	return t
}

func (sb *sandbox) isProxy(t *lua.LTable) bool {
	_, ok := sb.realOf[t]
	return ok
}

// checkTable is L.CheckTable seen through proxies, for reading.
func (sb *sandbox) readTable(L *lua.LState, n int) *lua.LTable {
	return sb.real(L.CheckTable(n))
}

// writeTable is L.CheckTable for functions that modify the table. The
// error has no position: Lua raises it inside a C function.
func (sb *sandbox) writeTable(L *lua.LState, n int) *lua.LTable {
	t := L.CheckTable(n)
	if sb.isProxy(t) {
		L.Error(lua.LString(errReadonly), 0)
	}
	return t
}

// installBase replaces the built-in functions that would see or change a
// proxy's raw contents, and those Valkey changes or removes.
func (v *vm) installBase() {
	L, sb, g := v.L, v.sb, v.globals
	set := func(name string, fn lua.LGFunction) { g.RawSetString(name, L.NewFunction(fn)) }

	for _, name := range []string{"dofile", "loadfile", "print", "getfenv", "setfenv",
		"newproxy", "module", "require", "_printregs", "_GOPHER_LUA_VERSION"} {
		g.RawSetString(name, lua.LNil)
	}

	set("rawget", func(L *lua.LState) int {
		L.Push(sb.readTable(L, 1).RawGet(L.CheckAny(2)))
		return 1
	})
	set("rawset", func(L *lua.LState) int {
		t := sb.writeTable(L, 1)
		k := L.CheckAny(2)
		checkKey(L, k)
		t.RawSet(k, L.CheckAny(3))
		L.SetTop(1)
		return 1
	})
	next := func(L *lua.LState) int {
		t := sb.readTable(L, 1)
		k, val := t.Next(L.Get(2))
		if k == lua.LNil {
			L.Push(lua.LNil)
			return 1
		}
		L.Push(k)
		L.Push(val)
		return 2
	}
	nextFn := L.NewFunction(next)
	g.RawSetString("next", nextFn)
	set("pairs", func(L *lua.LState) int {
		t := L.CheckTable(1)
		L.Push(nextFn)
		L.Push(t)
		L.Push(lua.LNil)
		return 3
	})
	ipairsAux := L.NewFunction(func(L *lua.LState) int {
		t := sb.readTable(L, 1)
		i := L.CheckInt(2) + 1
		val := t.RawGetInt(i)
		if val == lua.LNil {
			return 0
		}
		L.Push(lua.LNumber(i))
		L.Push(val)
		return 2
	})
	set("ipairs", func(L *lua.LState) int {
		t := L.CheckTable(1)
		L.Push(ipairsAux)
		L.Push(t)
		L.Push(lua.LNumber(0))
		return 3
	})
	set("unpack", func(L *lua.LState) int {
		t := sb.readTable(L, 1)
		i := L.OptInt(2, 1)
		e := L.OptInt(3, t.Len())
		if i > e {
			return 0
		}
		n := int64(e) - int64(i) + 1
		if n >= math.MaxInt32 || n > maxUnpack {
			L.RaiseError("too many results to unpack")
		}
		for j := i; j <= e; j++ {
			L.Push(t.RawGetInt(j))
		}
		return int(n)
	})
	set("getmetatable", func(L *lua.LState) int {
		obj := L.CheckAny(1)
		if t, ok := obj.(*lua.LTable); ok {
			if sb.isProxy(t) {
				L.Push(sb.metaOf[t])
				return 1
			}
			if mt, ok := t.Metatable.(*lua.LTable); ok {
				if protected := mt.RawGetString("__metatable"); protected != lua.LNil {
					L.Push(protected)
					return 1
				}
			}
			L.Push(t.Metatable)
			return 1
		}
		// Basic types share one metatable per type (strings: {__index =
		// string}); scripts only ever see its proxy. A userdata's
		// (cjson.null) may hide behind __metatable.
		mt := L.GetMetatable(obj)
		if t, ok := mt.(*lua.LTable); ok {
			if protected := t.RawGetString("__metatable"); protected != lua.LNil {
				L.Push(protected)
				return 1
			}
		}
		if t, ok := mt.(*lua.LTable); ok {
			L.Push(sb.protect(L, t))
			return 1
		}
		L.Push(mt)
		return 1
	})
	set("setmetatable", func(L *lua.LState) int {
		t := L.CheckTable(1)
		mt := L.Get(2)
		if mt != lua.LNil && mt.Type() != lua.LTTable {
			L.ArgError(2, "nil or table expected")
		}
		if sb.isProxy(t) {
			L.Error(lua.LString(errReadonly), 0)
		}
		if old, ok := t.Metatable.(*lua.LTable); ok && old.RawGetString("__metatable") != lua.LNil {
			L.RaiseError("cannot change a protected metatable")
		}
		t.Metatable = mt
		L.SetTop(1)
		return 1
	})
	set("tostring", func(L *lua.LState) int {
		val := L.CheckAny(1)
		if n, ok := val.(lua.LNumber); ok {
			L.Push(lua.LString(formatNumber(float64(n))))
			return 1
		}
		L.Push(L.ToStringMeta(val))
		return 1
	})
	set("collectgarbage", func(L *lua.LState) int {
		// Never a Go GC: that would stop the whole server.
		switch L.OptString(1, "collect") {
		case "count":
			L.Push(lua.LNumber(float64(v.memoryEstimate()) / 1024))
		case "step":
			L.Push(lua.LFalse)
		default:
			L.Push(lua.LNumber(0))
		}
		return 1
	})
	set("gcinfo", func(L *lua.LState) int {
		L.Push(lua.LNumber(v.memoryEstimate() / 1024))
		return 1
	})
	set("error", func(L *lua.LState) int {
		obj := L.Get(1)
		level := L.OptInt(2, 1)
		if n, ok := obj.(lua.LNumber); ok {
			obj = lua.LString(formatNumber(float64(n)))
		}
		L.Error(obj, level)
		return 0
	})
	set("assert", func(L *lua.LState) int {
		if !lua.LVAsBool(L.CheckAny(1)) {
			msg := "assertion failed!"
			if s, ok := luaString(L.Get(2)); ok {
				msg = s
			}
			L.RaiseError("%s", msg)
		}
		return L.GetTop()
	})
	load := func(L *lua.LState, src, chunk string) int {
		fn, errText := compileChunk(L, src, chunk)
		if fn == nil {
			L.Push(lua.LNil)
			L.Push(lua.LString(errText))
			return 2
		}
		fn.Env = v.globalsProxy
		v.rememberSource(fn.Proto.SourceName, chunk)
		L.Push(fn)
		return 1
	}
	set("loadstring", func(L *lua.LState) int {
		src := L.CheckString(1)
		return load(L, src, L.OptString(2, src))
	})
	set("load", func(L *lua.LState) int {
		fn := L.CheckFunction(1)
		chunk := L.OptString(2, "=(load)")
		var b strings.Builder
		for {
			L.Push(fn)
			L.Call(0, 1)
			piece := L.Get(-1)
			L.Pop(1)
			if piece == lua.LNil {
				break
			}
			s, ok := piece.(lua.LString)
			if !ok {
				L.Push(lua.LNil)
				L.Push(lua.LString("reader function must return a string"))
				return 2
			}
			if len(s) == 0 {
				break
			}
			b.WriteString(string(s))
		}
		return load(L, b.String(), chunk)
	})
	// pcall as Valkey wraps it: an error table caught from server.call is
	// returned as its message, as before Redis 7.
	// The handler words errors before the stack unwinds, while the
	// failing instruction can still name its variable.
	pcallHandler := L.NewFunction(func(L *lua.LState) int {
		if s, ok := L.Get(1).(lua.LString); ok {
			L.Push(lua.LString(luaMessage(L, string(s))))
			return 1
		}
		L.Push(L.Get(1))
		return 1
	})
	set("pcall", func(L *lua.LState) int {
		L.CheckAny(1)
		nargs := L.GetTop() - 1
		if err := L.PCall(nargs, lua.MultRet, pcallHandler); err != nil {
			obj := lua.LValue(lua.LString(err.Error()))
			if aerr, ok := err.(*lua.ApiError); ok {
				obj = aerr.Object
			}
			if t, ok := obj.(*lua.LTable); ok {
				if msg, ok := luaString(t.RawGetString("err")); ok {
					obj = lua.LString(msg)
				}
			} else if str, ok := obj.(lua.LString); ok {
				obj = lua.LString(lua51Message(string(str)))
			}
			L.Push(lua.LFalse)
			L.Push(obj)
			return 2
		}
		L.Insert(lua.LTrue, 1)
		return L.GetTop()
	})
}

// maxUnpack approximates Lua's stack limit (LUAI_MAXCSTACK) for unpack.
const maxUnpack = 7999

// checkKey refuses keys Lua refuses (nil, NaN).
func checkKey(L *lua.LState, k lua.LValue) {
	if k == lua.LNil {
		L.RaiseError("table index is nil")
	}
	if n, ok := k.(lua.LNumber); ok && math.IsNaN(float64(n)) {
		L.RaiseError("table index is NaN")
	}
}

// wrapTableLib makes the table library see through proxies for reading
// and refuse to modify them.
func (v *vm) wrapTableLib(tbl *lua.LTable) {
	L, sb := v.L, v.sb
	for _, name := range []string{"insert", "remove", "sort", "setn"} {
		orig, ok := tbl.RawGetString(name).(*lua.LFunction)
		if !ok {
			continue
		}
		tbl.RawSetString(name, L.NewFunction(func(L *lua.LState) int {
			sb.writeTable(L, 1)
			return callThrough(L, orig)
		}))
	}
	for _, name := range []string{"concat", "getn", "maxn"} {
		orig, ok := tbl.RawGetString(name).(*lua.LFunction)
		if !ok {
			continue
		}
		tbl.RawSetString(name, L.NewFunction(func(L *lua.LState) int {
			if t, ok := L.Get(1).(*lua.LTable); ok {
				L.Replace(1, sb.real(t))
			}
			return callThrough(L, orig)
		}))
	}
}

// callThrough calls a Go library function with this frame's arguments and
// returns all its results.
func callThrough(L *lua.LState, fn *lua.LFunction) int {
	n := L.GetTop()
	L.Insert(fn, 1)
	L.Call(n, lua.MultRet)
	return L.GetTop()
}

// formatNumber is Lua 5.1's number to string conversion ("%.14g").
func formatNumber(f float64) string {
	switch {
	case math.IsNaN(f):
		if math.Signbit(f) {
			return "-nan"
		}
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	return strconv.FormatFloat(f, 'g', 14, 64)
}

// argString converts a server.call argument as Valkey does: integers
// exactly (when the double holds one within ±LLONG_MAX/2), other numbers
// in fpconv's shortest form.
func argString(dst []byte, f float64) []byte {
	const half = float64(math.MaxInt64 / 2)
	if f >= -half && f <= half && f == math.Trunc(f) {
		return strconv.AppendInt(dst, int64(f), 10)
	}
	switch {
	case math.IsNaN(f):
		return append(dst, "nan"...)
	case math.IsInf(f, 1):
		return append(dst, "inf"...)
	case math.IsInf(f, -1):
		return append(dst, "-inf"...)
	}
	return num.AppendFpconv(dst, f)
}

// compileChunk parses and compiles Lua source, formatting a syntax error
// as Lua 5.1 does ("chunk:line: message near 'token'").
func compileChunk(L *lua.LState, src, chunk string) (*lua.LFunction, string) {
	name := chunk
	if strings.HasPrefix(name, "@") || strings.HasPrefix(name, "=") {
		name = name[1:]
	} else {
		name = `[string "` + firstLine(name) + `"]`
	}
	stmts, err := parse.Parse(strings.NewReader(src), name)
	if err != nil {
		if pe, ok := err.(*parse.Error); ok {
			return nil, syntaxError(name, src, pe)
		}
		return nil, name + ": " + err.Error()
	}
	proto, err := lua.Compile(stmts, name)
	if err != nil {
		return nil, name + ": " + strings.TrimSpace(err.Error())
	}
	// A Lua 5.1 main chunk is vararg without the 5.0 "arg" table
	// (scripts see arg as a nonexistent global); gopher-lua would build
	// one on every run.
	proto.IsVarArg &^= lua.VarArgNeedsArg
	return L.NewFunctionFromProto(proto), ""
}

func firstLine(s string) string {
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = s[:i] + "..."
	}
	if len(s) > 60 {
		s = s[:57] + "..."
	}
	return s
}

// syntaxError renders a gopher-lua parse error the way Lua 5.1 words the
// common ones ("chunk:line: message near 'token'"). gopher-lua reports
// little (a token and "syntax error"), so the wording is a best effort:
// unfinished strings and unclosed blocks match Lua's, other errors read
// "unexpected symbol".
func syntaxError(name, src string, pe *parse.Error) string {
	msg := strings.TrimSpace(pe.Message)
	line, token := pe.Pos.Line, "'"+pe.Token+"'"
	atEOF := line == parse.EOF
	lastLine := strings.Count(src, "\n") + 1
	switch {
	case msg == "unterminated string" && atEOF:
		msg, line, token = "unfinished string", lastLine, "'<eof>'"
	case msg == "unterminated string":
		// The lexer has consumed the newline: Lua reports the line the
		// string started on, and the token with its opening quote.
		msg, line = "unfinished string", line-1
		token = "'" + openingQuote(src, line, pe.Token) + pe.Token + "'"
	case msg == "unterminated multiline string":
		msg, line, token = "unfinished long string", lastLine, "'<eof>'"
	case atEOF:
		line, token = lastLine, "'<eof>'"
		msg = "unexpected symbol"
		if opener, at := unclosedBlock(src); opener != "" {
			msg = "'end' expected"
			if opener == "repeat" {
				msg = "'until' expected"
			}
			if at != lastLine {
				msg += " (to close '" + opener + "' at line " + strconv.Itoa(at) + ")"
			}
		}
	case msg == "parse error":
		msg = "'=' expected"
	default:
		msg = "unexpected symbol"
	}
	if line <= 0 {
		line = 1
	}
	return name + ":" + strconv.Itoa(line) + ": " + msg + " near " + token
}

// openingQuote finds which quote opened an unfinished string that holds
// text, on line n of src.
func openingQuote(src string, n int, text string) string {
	lines := strings.Split(src, "\n")
	if n < 1 || n > len(lines) {
		return "'"
	}
	l := lines[n-1]
	if i := strings.LastIndex(l, text); i > 0 && (l[i-1] == '"' || l[i-1] == '\'') {
		return l[i-1 : i]
	}
	if strings.LastIndexByte(l, '"') > strings.LastIndexByte(l, '\'') {
		return "\""
	}
	return "'"
}

// unclosedBlock finds the innermost block keyword (function, if, do,
// repeat) left open at the end of src, and its line: a rough scan that
// skips strings and comments.
func unclosedBlock(src string) (string, int) {
	type open struct {
		kw   string
		line int
	}
	var stack []open
	line := 1
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == '\n':
			line++
			i++
		case c == '-' && strings.HasPrefix(src[i:], "--"):
			for i < len(src) && src[i] != '\n' {
				i++
			}
		case c == '"' || c == '\'':
			i++
			for i < len(src) && src[i] != c && src[i] != '\n' {
				if src[i] == '\\' {
					i++
				}
				i++
			}
			i++
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			j := i
			for j < len(src) && (src[j] == '_' || src[j] >= 'a' && src[j] <= 'z' || src[j] >= 'A' && src[j] <= 'Z' || src[j] >= '0' && src[j] <= '9') {
				j++
			}
			switch w := src[i:j]; w {
			case "function", "if", "do", "repeat":
				stack = append(stack, open{w, line})
			case "while", "for":
				stack = append(stack, open{w, line})
			case "end", "until":
				// while/for open one block with their "do"
				if len(stack) > 0 && stack[len(stack)-1].kw == "do" && len(stack) > 1 &&
					(stack[len(stack)-2].kw == "while" || stack[len(stack)-2].kw == "for") {
					stack = stack[:len(stack)-1]
				}
				if len(stack) > 0 {
					stack = stack[:len(stack)-1]
				}
			}
			i = j
		default:
			i++
		}
	}
	if len(stack) == 0 {
		return "", 0
	}
	top := stack[len(stack)-1]
	if top.kw == "do" && len(stack) > 1 && (stack[len(stack)-2].kw == "while" || stack[len(stack)-2].kw == "for") {
		top = stack[len(stack)-2]
	}
	return top.kw, top.line
}

// sha1hex is the lowercase hex SHA1 of s (server.sha1hex, script names).
func sha1hex(s []byte) string {
	sum := sha1.Sum(s)
	return hex.EncodeToString(sum[:])
}

// processClock is os.clock: seconds since the engine started (Lua's
// clock() is CPU time; a multi-threaded server's CPU time would not
// measure the script).
func (e *Engine) processClock() float64 { return time.Since(e.started).Seconds() }
