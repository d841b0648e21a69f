package server_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"petrel/internal/commands"
	"petrel/internal/server"
	"petrel/internal/servertest"
)

// Keyspace notifications over real sockets: a raw connection subscribes,
// go-redis (or a raw connection) changes keys.

// notifyEnv is a server with every family and a PSUBSCRIBE * subscriber.
type notifyEnv struct {
	t   *testing.T
	srv *server.Server
	cmd *servertest.Raw // the connection that runs commands
	sub *servertest.Raw // subscribed to every channel
}

func newNotifyEnv(t *testing.T, classes string) *notifyEnv {
	t.Helper()
	srv := servertest.Start(t, func(st *server.Settings) { st.EnableDebugCommand = "yes" }, commands.Register)
	e := &notifyEnv{t: t, srv: srv, cmd: servertest.Dial(t, srv), sub: servertest.Dial(t, srv)}
	e.do("+OK\r\n", "CONFIG", "SET", "notify-keyspace-events", classes)
	if got, want := e.sub.Do("PSUBSCRIBE", "*"), "*3\r\n$10\r\npsubscribe\r\n$1\r\n*\r\n:1\r\n"; got != want {
		t.Fatalf("PSUBSCRIBE: got %q, want %q", got, want)
	}
	return e
}

// do runs a command on the command connection and checks its reply.
func (e *notifyEnv) do(want string, args ...string) {
	e.t.Helper()
	if got := e.cmd.Do(args...); got != want {
		e.t.Fatalf("%v: got %q, want %q", args, got, want)
	}
}

// expect reads the next messages of the subscriber: each want is
// "channel payload".
func (e *notifyEnv) expect(wants ...string) {
	e.t.Helper()
	for _, w := range wants {
		ch, payload, _ := strings.Cut(w, " ")
		got := e.sub.ReadReply()
		want := "*4\r\n$8\r\npmessage\r\n$1\r\n*\r\n" + bulk(ch) + bulk(payload)
		if got != want {
			e.t.Fatalf("message: got %q, want %q", got, want)
		}
	}
}

// expectNone checks that nothing more was published: the subscriber's
// PING is answered before any message.
func (e *notifyEnv) expectNone() {
	e.t.Helper()
	if got, want := e.sub.Do("PING"), "*2\r\n$4\r\npong\r\n$0\r\n\r\n"; got != want {
		e.t.Fatalf("expected no more messages, got %q", got)
	}
}

func TestNotifyKeyspaceAndKeyevent(t *testing.T) {
	e := newNotifyEnv(t, "KEA")
	e.do("+OK\r\n", "SET", "foo", "bar")
	e.expect("__keyspace@0__:foo set", "__keyevent@0__:set foo")
	e.do("+OK\r\n", "SET", "foo", "bar", "EX", "100")
	e.expect("__keyspace@0__:foo set", "__keyevent@0__:set foo",
		"__keyspace@0__:foo expire", "__keyevent@0__:expire foo")
	e.do("+OK\r\n", "SELECT", "5")
	e.do(":1\r\n", "LPUSH", "l", "a")
	e.expect("__keyspace@5__:l lpush", "__keyevent@5__:lpush l")
	e.do(":1\r\n", "DEL", "l")
	e.expect("__keyspace@5__:l del", "__keyevent@5__:del l")
	e.expectNone()
}

func TestNotifyClassMask(t *testing.T) {
	e := newNotifyEnv(t, "Kl")
	e.do("+OK\r\n", "SET", "foo", "bar")
	e.do(":1\r\n", "SADD", "s", "a")
	e.do(":1\r\n", "LPUSH", "l", "a")
	e.expect("__keyspace@0__:l lpush")
	e.do("$1\r\na\r\n", "LPOP", "l") // lpop (l) and del (g): only lpop
	e.expect("__keyspace@0__:l lpop")
	e.expectNone()
}

func TestNotifyTwoEventsOneChange(t *testing.T) {
	e := newNotifyEnv(t, "KEA")
	e.do(":2\r\n", "ZADD", "z", "1", "a", "2", "b")
	e.expect("__keyspace@0__:z zadd", "__keyevent@0__:zadd z")
	e.do(":2\r\n", "ZREM", "z", "a", "b")
	e.expect("__keyspace@0__:z zrem", "__keyevent@0__:zrem z",
		"__keyspace@0__:z del", "__keyevent@0__:del z")
	e.do(":1\r\n", "RPUSH", "src", "x")
	e.expect("__keyspace@0__:src rpush", "__keyevent@0__:rpush src")
	e.do("$1\r\nx\r\n", "LMOVE", "src", "dst", "LEFT", "RIGHT")
	// Valkey reports the push before the pop.
	e.expect("__keyspace@0__:dst rpush", "__keyevent@0__:rpush dst",
		"__keyspace@0__:src lpop", "__keyevent@0__:lpop src",
		"__keyspace@0__:src del", "__keyevent@0__:del src")
	e.expectNone()
}

func TestNotifyKeyMissAndNewKey(t *testing.T) {
	e := newNotifyEnv(t, "Emn")
	e.do("$-1\r\n", "GET", "nokey")
	e.expect("__keyevent@0__:keymiss nokey")
	e.do("+OK\r\n", "SET", "foo", "bar")
	e.expect("__keyevent@0__:new foo")
	e.do("+OK\r\n", "SET", "foo", "baz") // an overwrite is no new key
	e.do("$3\r\nbaz\r\n", "GET", "foo")  // a hit is no miss
	e.do(":1\r\n", "HSET", "h", "f", "v")
	e.expect("__keyevent@0__:new h")
	e.expectNone()

	// Turned off again, neither fires.
	e.do("+OK\r\n", "CONFIG", "SET", "notify-keyspace-events", "E$")
	e.do("$-1\r\n", "GET", "nokey")
	e.do("+OK\r\n", "SET", "bar", "1")
	e.expect("__keyevent@0__:set bar")
	e.expectNone()
}

func TestNotifyExpired(t *testing.T) {
	e := newNotifyEnv(t, "Ex")
	// Lazily: the active cycle is off, a read finds the key expired.
	e.do("+OK\r\n", "DEBUG", "SET-ACTIVE-EXPIRE", "0")
	e.do("+OK\r\n", "SET", "foo", "bar", "PX", "1")
	time.Sleep(5 * time.Millisecond)
	e.do("$-1\r\n", "GET", "foo")
	e.expect("__keyevent@0__:expired foo")
	// An EXPIRE in the past deletes at once, as "expired".
	e.do("+OK\r\n", "SET", "foo", "bar")
	e.do(":1\r\n", "EXPIRE", "foo", "-1")
	e.expect("__keyevent@0__:expired foo")
	// By the active cycle.
	e.do("+OK\r\n", "DEBUG", "SET-ACTIVE-EXPIRE", "1")
	e.do("+OK\r\n", "SET", "bar", "x", "PX", "1")
	e.expect("__keyevent@0__:expired bar")
	e.expectNone()
}

func TestNotifyConfigFlags(t *testing.T) {
	srv := servertest.Start(t, nil, commands.Register)
	rdb := servertest.Client(t, srv, 3)
	bg := context.Background()
	for _, tc := range []struct{ set, get string }{
		{"gKE", "gKE"},
		{"$lshzxeKE", "$lshzxeKE"},
		{"KA", "AK"},
		{"EA", "AE"},
		{"nm", "nm"},
		{"AnKEm", "AKEm"}, // A hides n, as in Valkey
		{"tdK", "tdK"},
		{"", ""},
	} {
		if err := rdb.ConfigSet(bg, "notify-keyspace-events", tc.set).Err(); err != nil {
			t.Fatalf("CONFIG SET %q: %v", tc.set, err)
		}
		got, err := rdb.ConfigGet(bg, "notify-keyspace-events").Result()
		if err != nil || got["notify-keyspace-events"] != tc.get {
			t.Fatalf("CONFIG GET after %q: %v %v, want %q", tc.set, got, err, tc.get)
		}
	}
	err := rdb.ConfigSet(bg, "notify-keyspace-events", "KEq").Err()
	if err == nil || !strings.Contains(err.Error(), "Invalid event class character") {
		t.Fatalf("CONFIG SET KEq: %v", err)
	}
}

// A client subscribed in RESP3 gets its own events as pushes after the
// reply of the command that caused them.
func TestNotifyResp3SelfSubscriber(t *testing.T) {
	srv := servertest.Start(t, nil, commands.Register)
	r := servertest.Dial(t, srv)
	if got := r.Do("HELLO", "3"); !strings.HasPrefix(got, "%") {
		t.Fatalf("HELLO 3: %q", got)
	}
	r.Do("CONFIG", "SET", "notify-keyspace-events", "E$")
	if got, want := r.Do("SUBSCRIBE", "__keyevent@0__:set"), ">3\r\n$9\r\nsubscribe\r\n$18\r\n__keyevent@0__:set\r\n:1\r\n"; got != want {
		t.Fatalf("SUBSCRIBE: got %q, want %q", got, want)
	}
	if got := r.Do("SET", "k", "v"); got != "+OK\r\n" {
		t.Fatalf("SET: %q", got)
	}
	if got, want := r.ReadReply(), ">3\r\n$7\r\nmessage\r\n$18\r\n__keyevent@0__:set\r\n$1\r\nk\r\n"; got != want {
		t.Fatalf("push: got %q, want %q", got, want)
	}
}
