package scripting

import (
	"strings"
	"testing"

	"petrel/internal/resp"
)

// fakeHost answers server.call with canned replies.
type fakeHost struct {
	replies map[string]string // command name -> raw RESP reply
	calls   [][]string
	refuse  bool
}

func (h *fakeHost) Start(RunInfo) bool { return !h.refuse }

func (h *fakeHost) Call(args [][]byte, proto int) ([]byte, string) {
	var c []string
	for _, a := range args {
		c = append(c, string(a))
	}
	h.calls = append(h.calls, c)
	r, ok := h.replies[strings.ToLower(c[0])]
	if !ok {
		return nil, "Unknown command called from script"
	}
	return []byte(r), ""
}

func (h *fakeHost) CommandExists(args [][]byte) bool {
	_, ok := h.replies[strings.ToLower(string(args[0]))]
	return ok
}

func evalReply(t *testing.T, e *Engine, h *fakeHost, proto int, script string, keys ...string) string {
	t.Helper()
	var w resp.Writer
	w.Proto = proto
	inv := &Invocation{Host: h}
	for _, k := range keys {
		inv.Keys = append(inv.Keys, []byte(k))
	}
	e.Eval(inv, &w, []byte(script), false)
	return string(w.Buf)
}

func TestEvalConversions(t *testing.T) {
	e := New(Options{})
	h := &fakeHost{replies: map[string]string{
		"get":     "$3\r\nbar\r\n",
		"nil":     "$-1\r\n",
		"incr":    ":5\r\n",
		"set":     "+OK\r\n",
		"bad":     "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
		"hgetall": "%1\r\n$1\r\nf\r\n$1\r\nv\r\n",
	}}
	cases := []struct{ script, want string }{
		{"return 1", ":1\r\n"},
		{"return 3.99", ":3\r\n"},
		{"return -3.99", ":-3\r\n"},
		{"return 'x'", "$1\r\nx\r\n"},
		{"return true", ":1\r\n"},
		{"return false", "$-1\r\n"},
		{"return nil", "$-1\r\n"},
		{"return {1,2,nil,4}", "*2\r\n:1\r\n:2\r\n"},
		{"return {ok='fine'}", "+fine\r\n"},
		{"return {err='My Error'}", "-My Error\r\n"},
		{"return redis.error_reply('My Error')", "-My Error\r\n"},
		{"return redis.status_reply('hi')", "+hi\r\n"},
		{"return redis.call('get','foo')", "$3\r\nbar\r\n"},
		{"return redis.call('nil')", "$-1\r\n"},
		{"return redis.call('set','a','b')", "+OK\r\n"},
		{"return redis.pcall('bad')", "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
		{"return type(redis.call('nil'))", "$7\r\nboolean\r\n"},
		{"return redis.call('hgetall', 'h')", "*2\r\n$1\r\nf\r\n$1\r\nv\r\n"},
		{"return redis.sha1hex('')", "$40\r\nda39a3ee5e6b4b0d3255bfef95601890afd80709\r\n"},
		{"return KEYS[1]", "$1\r\nk\r\n"},
		{"return {double=3.5}", "$3\r\n3.5\r\n"},
		{"return tostring(0.1+0.2)", "$3\r\n0.3\r\n"},
		{"return redis.REDIS_VERSION", "$5\r\n7.2.4\r\n"},
	}
	for _, c := range cases {
		if got := evalReply(t, e, h, 2, c.script, "k"); got != c.want {
			t.Errorf("%s: got %q want %q", c.script, got, c.want)
		}
	}
}

func TestEvalErrors(t *testing.T) {
	e := New(Options{})
	h := &fakeHost{replies: map[string]string{"bad": "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"}}
	cases := []struct{ script, want string }{
		{"error('boom')", "-ERR user_script:1: boom script: %s, on @user_script:1.\r\n"},
		{"a=1", "-ERR user_script:1: Attempt to modify a readonly table script: %s, on @user_script:1.\r\n"},
		{"return a", "-ERR user_script:1: Script attempted to access nonexistent global variable 'a' script: %s, on @user_script:1.\r\n"},
		{"return redis.call('nosuch')", "-ERR Unknown command called from script script: %s, on @user_script:1.\r\n"},
		{"\nreturn redis.call('bad')", "-WRONGTYPE Operation against a key holding the wrong kind of value script: %s, on @user_script:2.\r\n"},
		{"redis.call = 1", "-ERR user_script:1: Attempt to modify a readonly table script: %s, on @user_script:1.\r\n"},
		{"setmetatable(_G, {})", "-ERR Attempt to modify a readonly table script: %s, on @user_script:1.\r\n"},
		{"string.len = 1", "-ERR user_script:1: Attempt to modify a readonly table script: %s, on @user_script:1.\r\n"},
		{"getmetatable('').__index = 1", "-ERR user_script:1: Attempt to modify a readonly table script: %s, on @user_script:1.\r\n"},
		{"rawset(_G, 'x', 1)", "-ERR Attempt to modify a readonly table script: %s, on @user_script:1.\r\n"},
		{"local g = getmetatable(_G); g.__index = {}", "-ERR user_script:1: Attempt to modify a readonly table script: %s, on @user_script:1.\r\n"},
		{"return 'a", "-ERR Error compiling script (new function): user_script:1: unfinished string near '<eof>'\r\n"},
		{"return redis.call()", "-ERR Please specify at least one argument for this call script: %s, on @user_script:1.\r\n"},
		{"print('x')", "-ERR user_script:1: Script attempted to access nonexistent global variable 'print' script: %s, on @user_script:1.\r\n"},
		{"error({err='My Error'})", "-My Error script: %s, on @user_script:1.\r\n"},
		{"assert(false, 'x')", "-ERR user_script:1: x script: %s, on @user_script:1.\r\n"},
	}
	for _, c := range cases {
		want := c.want
		if strings.Contains(want, "%s") {
			want = strings.Replace(want, "%s", sha1hex([]byte(c.script)), 1)
		}
		if got := evalReply(t, e, h, 2, c.script); got != want {
			t.Errorf("%s:\n got %q\nwant %q", c.script, got, want)
		}
	}
}

func TestRuntimeErrorNames(t *testing.T) {
	e := New(Options{})
	h := &fakeHost{}
	for _, c := range []struct{ script, want string }{
		{"os.execute()", "attempt to call field 'execute' (a nil value)"},
		{"nosuch()", "Script attempted to access nonexistent global variable 'nosuch'"},
		{"local f\nf()", "attempt to call local 'f' (a nil value)"},
		{"local t = {}\nreturn t.x.y", "attempt to index field 'x' (a nil value)"},
		{"local t\nreturn t.x", "attempt to index local 't' (a nil value)"},
		{"local t = {}\nt.a.b = 1", "attempt to index field 'a' (a nil value)"},
		{"local x\nreturn x + 1", "attempt to perform arithmetic on local 'x' (a nil value)"},
		{"local t = {}\nreturn 1 + t.n", "attempt to perform arithmetic on field 'n' (a nil value)"},
		{"local x\nreturn 'a' .. x", "attempt to concatenate local 'x' (a nil value)"},
		{"local s = 'x'\nreturn s:nosuch()", "attempt to call method 'nosuch' (a nil value)"},
		{"return {} + 1", "attempt to perform arithmetic on a table value"},
	} {
		got := evalReply(t, e, h, 2, c.script)
		if !strings.Contains(got, c.want) {
			t.Errorf("%q: got %q, want it to contain %q", c.script, got, c.want)
		}
	}
}
