package scripting

// Conversions between RESP replies and Lua values, as Valkey documents
// them (script_lua.c):
//
//	RESP -> Lua (server.call's result)     Lua -> RESP (the script's reply)
//	integer        -> number               number        -> integer (truncated)
//	bulk string    -> string               string        -> bulk string
//	null bulk/array-> false                false         -> null (RESP2 script) / #f
//	array          -> table (array)        true          -> :1 (RESP2 script) / #t
//	status         -> {ok=s}               {ok=s}        -> status
//	error          -> {err=s}              {err=s}       -> error
//	RESP3 null     -> nil                  nil, others   -> null
//	map            -> {map={k=v}}          {map=t}       -> map
//	set            -> {set={k=true}}       {set=t}       -> set
//	double         -> {double=n}           {double=n}    -> double
//	big number     -> {big_number=s}       {big_number=s}-> big number
//	verbatim       -> {verbatim_string={format=f,string=s}}  (and back)
//	boolean        -> boolean              table         -> array up to the first nil
//
// The reply parser reads the bytes the server's own handlers produced for
// a server.call; it still checks every length, so a malformed reply (a
// bug) becomes an error rather than a crash (fuzzed in convert_test.go).

import (
	"errors"
	"math"
	"strconv"

	lua "github.com/yuin/gopher-lua"

	"petrel/internal/resp"
)

// maxReplyDepth bounds the nesting of replies in both directions. Valkey's
// limit is the Lua C stack (LUAI_MAXCSTACK, 8000 slots, about one per
// level): a script returning a self-referencing table gets nested arrays
// down to "reached lua stack limit".
const maxReplyDepth = 7994

var errMalformedReply = errors.New("malformed reply")

// replyParser turns one RESP reply into a Lua value.
type replyParser struct {
	L   *lua.LState
	b   []byte
	pos int
}

// parseReply converts the single reply in b.
func parseReply(L *lua.LState, b []byte) (lua.LValue, error) {
	p := replyParser{L: L, b: b}
	v, err := p.value(0)
	if err != nil {
		return lua.LNil, err
	}
	if p.pos != len(b) {
		return lua.LNil, errMalformedReply
	}
	return v, nil
}

// line returns the bytes up to the next CRLF and moves past it.
func (p *replyParser) line() ([]byte, error) {
	for i := p.pos; i+1 < len(p.b); i++ {
		if p.b[i] == '\r' && p.b[i+1] == '\n' {
			l := p.b[p.pos:i]
			p.pos = i + 2
			return l, nil
		}
	}
	return nil, errMalformedReply
}

func (p *replyParser) length() (int64, error) {
	l, err := p.line()
	if err != nil {
		return 0, err
	}
	n, err := strconv.ParseInt(string(l), 10, 64)
	if err != nil || n < -1 {
		return 0, errMalformedReply
	}
	return n, nil
}

// blob reads n bytes and their CRLF.
func (p *replyParser) blob(n int64) ([]byte, error) {
	if n < 0 || int64(len(p.b)-p.pos) < n+2 {
		return nil, errMalformedReply
	}
	end := p.pos + int(n)
	if p.b[end] != '\r' || p.b[end+1] != '\n' {
		return nil, errMalformedReply
	}
	s := p.b[p.pos:end]
	p.pos = end + 2
	return s, nil
}

// count reads an aggregate's element count, bounded by what the rest of
// the buffer could hold (every element takes at least 3 bytes).
func (p *replyParser) count() (int, error) {
	n, err := p.length()
	if err != nil {
		return 0, err
	}
	if n > int64(len(p.b)-p.pos)/3+1 {
		return 0, errMalformedReply
	}
	return int(n), nil
}

func (p *replyParser) value(depth int) (lua.LValue, error) {
	if depth > maxReplyDepth || p.pos >= len(p.b) {
		return lua.LNil, errMalformedReply
	}
	L := p.L
	kind := p.b[p.pos]
	p.pos++
	switch kind {
	case '+':
		l, err := p.line()
		if err != nil {
			return lua.LNil, err
		}
		t := L.CreateTable(0, 1)
		t.RawSetString("ok", lua.LString(l))
		return t, nil
	case '-':
		l, err := p.line()
		if err != nil {
			return lua.LNil, err
		}
		t := errorTable(L, "-"+string(l))
		// The command counted this error already: the script's own
		// reply, if it passes the error on, must not count it again.
		t.RawSetString("ignore_error_stats_update", lua.LTrue)
		return t, nil
	case ':':
		l, err := p.line()
		if err != nil {
			return lua.LNil, err
		}
		n, err := strconv.ParseInt(string(l), 10, 64)
		if err != nil {
			return lua.LNil, errMalformedReply
		}
		return lua.LNumber(n), nil
	case '$':
		n, err := p.length()
		if err != nil {
			return lua.LNil, err
		}
		if n == -1 {
			return lua.LFalse, nil
		}
		s, err := p.blob(n)
		if err != nil {
			return lua.LNil, err
		}
		return lua.LString(s), nil
	case '*', '>':
		n, err := p.length()
		if err != nil {
			return lua.LNil, err
		}
		if n == -1 {
			return lua.LFalse, nil
		}
		if n > int64(len(p.b)-p.pos)/3+1 {
			return lua.LNil, errMalformedReply
		}
		t := L.CreateTable(int(n), 0)
		for i := 1; i <= int(n); i++ {
			v, err := p.value(depth + 1)
			if err != nil {
				return lua.LNil, err
			}
			t.RawSetInt(i, v)
		}
		return t, nil
	case '%':
		n, err := p.count()
		if err != nil {
			return lua.LNil, err
		}
		inner := L.CreateTable(0, n)
		for i := 0; i < n; i++ {
			k, err := p.value(depth + 1)
			if err != nil {
				return lua.LNil, err
			}
			v, err := p.value(depth + 1)
			if err != nil {
				return lua.LNil, err
			}
			rawSetKey(inner, k, v)
		}
		t := L.CreateTable(0, 1)
		t.RawSetString("map", inner)
		return t, nil
	case '~':
		n, err := p.count()
		if err != nil {
			return lua.LNil, err
		}
		inner := L.CreateTable(0, n)
		for i := 0; i < n; i++ {
			k, err := p.value(depth + 1)
			if err != nil {
				return lua.LNil, err
			}
			rawSetKey(inner, k, lua.LTrue)
		}
		t := L.CreateTable(0, 1)
		t.RawSetString("set", inner)
		return t, nil
	case '|': // attributes are not shown to scripts: skip them
		n, err := p.count()
		if err != nil {
			return lua.LNil, err
		}
		for i := 0; i < 2*n; i++ {
			if _, err := p.value(depth + 1); err != nil {
				return lua.LNil, err
			}
		}
		return p.value(depth + 1)
	case '_':
		if _, err := p.line(); err != nil {
			return lua.LNil, err
		}
		return lua.LNil, nil
	case '#':
		l, err := p.line()
		if err != nil || len(l) != 1 || (l[0] != 't' && l[0] != 'f') {
			return lua.LNil, errMalformedReply
		}
		return lua.LBool(l[0] == 't'), nil
	case ',':
		l, err := p.line()
		if err != nil {
			return lua.LNil, err
		}
		d, err := strconv.ParseFloat(string(l), 64)
		if err != nil && !errors.Is(err, strconv.ErrRange) {
			return lua.LNil, errMalformedReply
		}
		t := L.CreateTable(0, 1)
		t.RawSetString("double", lua.LNumber(d))
		return t, nil
	case '(':
		l, err := p.line()
		if err != nil {
			return lua.LNil, err
		}
		t := L.CreateTable(0, 1)
		t.RawSetString("big_number", lua.LString(l))
		return t, nil
	case '=':
		n, err := p.length()
		if err != nil {
			return lua.LNil, err
		}
		s, err := p.blob(n)
		if err != nil || len(s) < 4 || s[3] != ':' {
			return lua.LNil, errMalformedReply
		}
		inner := L.CreateTable(0, 2)
		inner.RawSetString("string", lua.LString(s[4:]))
		inner.RawSetString("format", lua.LString(s[:3]))
		t := L.CreateTable(0, 1)
		t.RawSetString("verbatim_string", inner)
		return t, nil
	}
	return lua.LNil, errMalformedReply
}

// rawSetKey stores k=v unless k cannot be a table key (nil, NaN).
func rawSetKey(t *lua.LTable, k, v lua.LValue) {
	if k == lua.LNil {
		return
	}
	if n, ok := k.(lua.LNumber); ok && math.IsNaN(float64(n)) {
		return
	}
	t.RawSet(k, v)
}

// errorTable builds the {err=...} table server.pcall returns and
// server.call raises (Valkey's luaPushErrorBuff): "-CODE message" keeps its
// code, a bare "message" gets ERR; trailing CR/LF are trimmed.
func errorTable(L *lua.LState, msg string) *lua.LTable {
	code := "ERR"
	if len(msg) > 0 && msg[0] == '-' {
		rest := msg[1:]
		if i := indexByte(rest, ' '); i >= 0 {
			code, msg = rest[:i], rest[i+1:]
		} else {
			msg = rest
		}
	}
	msg = trimCRLF(msg)
	t := L.CreateTable(0, 2)
	t.RawSetString("err", lua.LString(code+" "+msg))
	return t
}

func indexByte(s string, c byte) int {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return i
		}
	}
	return -1
}

// trimCRLF is sdstrim(s, "\r\n"): CR and LF removed from both ends.
func trimCRLF(s string) string {
	for len(s) > 0 && (s[0] == '\r' || s[0] == '\n') {
		s = s[1:]
	}
	for len(s) > 0 && (s[len(s)-1] == '\r' || s[len(s)-1] == '\n') {
		s = s[:len(s)-1]
	}
	return s
}

// errorInfo is what an error value carries (luaExtractErrorInformation).
type errorInfo struct {
	msg          string
	source, line string
	hasPos       bool
	ignoreStats  bool
}

func extractErrorInfo(v lua.LValue) errorInfo {
	if s, ok := v.(lua.LString); ok {
		return errorInfo{msg: "ERR " + string(s)}
	}
	if n, ok := v.(lua.LNumber); ok {
		return errorInfo{msg: "ERR " + n.String()}
	}
	var ei errorInfo
	t, ok := v.(*lua.LTable)
	if !ok {
		return errorInfo{msg: "ERR unknown error"}
	}
	if s, ok := luaString(t.RawGetString("err")); ok {
		ei.msg = s
	} else {
		ei.msg = "ERR unknown error"
	}
	src, okSrc := luaString(t.RawGetString("source"))
	line, okLine := luaString(t.RawGetString("line"))
	if okSrc && okLine {
		ei.source, ei.line, ei.hasPos = src, line, true
	}
	if b, ok := t.RawGetString("ignore_error_stats_update").(lua.LBool); ok {
		ei.ignoreStats = bool(b)
	}
	return ei
}

// luaString is lua_isstring + lua_tostring: strings, and numbers in Lua's
// %.14g form.
func luaString(v lua.LValue) (string, bool) {
	switch x := v.(type) {
	case lua.LString:
		return string(x), true
	case lua.LNumber:
		return formatNumber(float64(x)), true
	}
	return "", false
}

// replyWriter converts a script's return value to the caller's reply.
type replyWriter struct {
	w          *resp.Writer
	scriptResp int // the protocol the script chose with setresp (2 or 3)
	// errCounted: the reply is an error a server.call already counted.
	errCounted bool
}

func (r *replyWriter) write(v lua.LValue, depth int) {
	w := r.w
	if depth > maxReplyDepth {
		w.Error("ERR reached lua stack limit")
		return
	}
	switch x := v.(type) {
	case lua.LString:
		w.BulkString(string(x))
	case lua.LBool:
		switch {
		case r.scriptResp == 2 && bool(x):
			w.Int(1)
		case r.scriptResp == 2:
			w.Null()
		default:
			w.Bool(bool(x))
		}
	case lua.LNumber:
		w.Int(truncate(float64(x)))
	case *lua.LTable:
		r.table(x, depth)
	default:
		w.Null()
	}
}

// truncate is C's (long long) cast of a double as x86-64 does it: out of
// range and NaN give LLONG_MIN.
func truncate(f float64) int64 {
	if math.IsNaN(f) || f >= 9223372036854775808.0 || f < -9223372036854775808.0 {
		return math.MinInt64
	}
	return int64(f)
}

func (r *replyWriter) table(t *lua.LTable, depth int) {
	w := r.w
	if _, ok := t.RawGetString("err").(lua.LString); ok {
		ei := extractErrorInfo(t)
		w.Error(ei.msg)
		if depth == 0 && ei.ignoreStats {
			r.errCounted = true
		}
		return
	}
	if s, ok := t.RawGetString("ok").(lua.LString); ok {
		w.Simple(mapCRLF(string(s)))
		return
	}
	if d, ok := t.RawGetString("double").(lua.LNumber); ok {
		w.Double(float64(d))
		return
	}
	if s, ok := t.RawGetString("big_number").(lua.LString); ok {
		w.BigNumber(mapCRLF(string(s)))
		return
	}
	if vt, ok := t.RawGetString("verbatim_string").(*lua.LTable); ok {
		format, okF := vt.RawGetString("format").(lua.LString)
		str, okS := vt.RawGetString("string").(lua.LString)
		if okF && okS {
			f := string(format) + "\x00\x00\x00"
			w.Verbatim(f[:3], []byte(str))
			return
		}
	}
	// Aggregates are counted first and written with a known length: a
	// deferred header would move the body once per nesting level.
	if m, ok := t.RawGetString("map").(*lua.LTable); ok {
		n := 0
		for k, _ := m.Next(lua.LNil); k != lua.LNil; k, _ = m.Next(k) {
			n++
		}
		w.Map(n)
		for k, v := m.Next(lua.LNil); k != lua.LNil; k, v = m.Next(k) {
			r.write(k, depth+1)
			r.write(v, depth+1)
		}
		return
	}
	if s, ok := t.RawGetString("set").(*lua.LTable); ok {
		n := 0
		for k, _ := s.Next(lua.LNil); k != lua.LNil; k, _ = s.Next(k) {
			n++
		}
		w.Set(n)
		for k, _ := s.Next(lua.LNil); k != lua.LNil; k, _ = s.Next(k) {
			r.write(k, depth+1)
		}
		return
	}
	n := 0
	for t.RawGetInt(n+1) != lua.LNil {
		n++
	}
	w.Array(n)
	for j := 1; j <= n; j++ {
		r.write(t.RawGetInt(j), depth+1)
	}
}

// mapCRLF replaces CR and LF with spaces (sdsmapchars "\r\n" -> "  ").
func mapCRLF(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] == '\r' || s[i] == '\n' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if b[j] == '\r' || b[j] == '\n' {
					b[j] = ' '
				}
			}
			return string(b)
		}
	}
	return s
}
