package server_test

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"petrel/internal/server"
	"petrel/internal/servertest"
)

// Pub/sub through real sockets, in both connection models: event loops
// (the default on Linux) and one goroutine per connection.

var connModels = []struct {
	name  string
	tweak func(*server.Settings)
}{
	{"loops", func(st *server.Settings) { st.EventLoops = 1 }},
	{"goroutines", func(st *server.Settings) { st.EventLoops = 0 }},
}

// psEnv is a server with only the server package's own commands plus a
// fake SET/GET (enough for the tests; the data families are tested
// elsewhere).
type psEnv struct {
	t   *testing.T
	srv *server.Server
}

func registerFakeKV(r *server.Registry) {
	r.Handle("set", func(c *server.Ctx) { c.W.OK() })
	r.Handle("get", func(c *server.Ctx) { c.W.Null() })
}

func newPSEnv(t *testing.T, tweak func(*server.Settings)) *psEnv {
	t.Helper()
	return &psEnv{t: t, srv: servertest.Start(t, tweak, registerFakeKV)}
}

func (e *psEnv) dial() *servertest.Raw {
	e.t.Helper()
	r := servertest.Dial(e.t, e.srv)
	addr := r.Conn.LocalAddr().String()
	for deadline := time.Now().Add(2 * time.Second); ; time.Sleep(time.Millisecond) {
		for _, c := range e.srv.Clients() {
			if c.Addr() == addr {
				return r
			}
		}
		if time.Now().After(deadline) {
			e.t.Fatal("new connection never registered")
		}
	}
}

// expect sends a command and checks its complete raw reply.
func psExpect(t *testing.T, r *servertest.Raw, want string, args ...string) {
	t.Helper()
	if got := r.Do(args...); got != want {
		t.Fatalf("%s: got %q, want %q", strings.Join(args, " "), got, want)
	}
}

// expectRead checks the next raw reply.
func expectRead(t *testing.T, r *servertest.Raw, want string) {
	t.Helper()
	if got := r.ReadReply(); got != want {
		t.Fatalf("read: got %q, want %q", got, want)
	}
}

// expectSilence checks that nothing arrives for a short while.
func expectSilence(t *testing.T, r *servertest.Raw) {
	t.Helper()
	_ = r.Conn.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
	if b, err := r.R.Peek(1); err == nil {
		t.Fatalf("unexpected data: %q", b)
	}
	_ = r.Conn.SetReadDeadline(time.Time{})
}

func psArr(parts ...string) string {
	s := "*" + strconv.Itoa(len(parts)) + "\r\n"
	for _, p := range parts {
		s += p
	}
	return s
}

func psPush(parts ...string) string { return ">" + psArr(parts...)[1:] }

func psBulk(s string) string { return "$" + strconv.Itoa(len(s)) + "\r\n" + s + "\r\n" }

func psNum(n int) string { return ":" + strconv.Itoa(n) + "\r\n" }

func TestPubSubRESP2(t *testing.T) {
	for _, m := range connModels {
		t.Run(m.name, func(t *testing.T) {
			e := newPSEnv(t, m.tweak)
			sub, pub := e.dial(), e.dial()
			psExpect(t, sub, psArr(psBulk("subscribe"), psBulk("chan1"), psNum(1)), "SUBSCRIBE", "chan1")
			sub.Send("SUBSCRIBE", "chan2", "chan1")
			expectRead(t, sub, psArr(psBulk("subscribe"), psBulk("chan2"), psNum(2)))
			expectRead(t, sub, psArr(psBulk("subscribe"), psBulk("chan1"), psNum(2)))
			psExpect(t, pub, psNum(1), "PUBLISH", "chan1", "hello")
			psExpect(t, pub, psNum(0), "PUBLISH", "nobody", "x")
			expectRead(t, sub, psArr(psBulk("message"), psBulk("chan1"), psBulk("hello")))

			// Subscribed-mode restrictions and PING's shape.
			psExpect(t, sub, psArr(psBulk("pong"), psBulk("")), "PING")
			psExpect(t, sub, psArr(psBulk("pong"), psBulk("x")), "PING", "x")
			psExpect(t, sub, "-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n", "GET", "k")
			psExpect(t, sub, "-ERR Can't execute 'client|id': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n", "CLIENT", "ID")
			// Errors detected before the context check come first.
			psExpect(t, sub, "-ERR wrong number of arguments for 'get' command\r\n", "GET")

			psExpect(t, sub, psArr(psBulk("unsubscribe"), psBulk("chan1"), psNum(1)), "UNSUBSCRIBE", "chan1")
			psExpect(t, pub, psNum(0), "PUBLISH", "chan1", "hello")
			psExpect(t, sub, psArr(psBulk("unsubscribe"), psBulk("chan2"), psNum(0)), "UNSUBSCRIBE")
			psExpect(t, sub, psArr(psBulk("unsubscribe"), "$-1\r\n", psNum(0)), "UNSUBSCRIBE")
			psExpect(t, sub, psArr(psBulk("punsubscribe"), "$-1\r\n", psNum(0)), "PUNSUBSCRIBE")
			psExpect(t, sub, "+PONG\r\n", "PING")
			psExpect(t, sub, "$-1\r\n", "GET", "k")
		})
	}
}

func TestPubSubRESP3(t *testing.T) {
	for _, m := range connModels {
		t.Run(m.name, func(t *testing.T) {
			e := newPSEnv(t, m.tweak)
			sub, pub := e.dial(), e.dial()
			sub.Do("HELLO", "3")
			psExpect(t, sub, psPush(psBulk("subscribe"), psBulk("ch"), psNum(1)), "SUBSCRIBE", "ch")
			psExpect(t, sub, psPush(psBulk("psubscribe"), psBulk("c*"), psNum(2)), "PSUBSCRIBE", "c*")
			// Any command runs in RESP3; PING is the plain PONG.
			psExpect(t, sub, "+PONG\r\n", "PING")
			psExpect(t, sub, "_\r\n", "GET", "k")
			psExpect(t, pub, psNum(2), "PUBLISH", "ch", "m1")
			expectRead(t, sub, psPush(psBulk("message"), psBulk("ch"), psBulk("m1")))
			expectRead(t, sub, psPush(psBulk("pmessage"), psBulk("c*"), psBulk("ch"), psBulk("m1")))
			// Publishing to itself: the message follows the PUBLISH reply.
			psExpect(t, sub, psNum(2), "PUBLISH", "ch", "self")
			expectRead(t, sub, psPush(psBulk("message"), psBulk("ch"), psBulk("self")))
			expectRead(t, sub, psPush(psBulk("pmessage"), psBulk("c*"), psBulk("ch"), psBulk("self")))
			psExpect(t, sub, psPush(psBulk("unsubscribe"), psBulk("nothere"), psNum(2)), "UNSUBSCRIBE", "nothere")
			psExpect(t, sub, psPush(psBulk("punsubscribe"), psBulk("c*"), psNum(1)), "PUNSUBSCRIBE")
			psExpect(t, sub, psPush(psBulk("unsubscribe"), psBulk("ch"), psNum(0)), "UNSUBSCRIBE")
			psExpect(t, sub, psPush(psBulk("unsubscribe"), "_\r\n", psNum(0)), "UNSUBSCRIBE")
			// HELLO 2 with a subscription left: restricted again.
			psExpect(t, sub, psPush(psBulk("subscribe"), psBulk("x"), psNum(1)), "SUBSCRIBE", "x")
			sub.Do("HELLO", "2")
			psExpect(t, sub, psArr(psBulk("pong"), psBulk("")), "PING")
			psExpect(t, sub, "-ERR Can't execute 'hello': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n", "HELLO", "3")
			// RESET leaves pub/sub.
			psExpect(t, sub, "+RESET\r\n", "RESET")
			psExpect(t, pub, psNum(0), "PUBLISH", "x", "y")
			psExpect(t, sub, "+PONG\r\n", "PING")
		})
	}
}

func TestPubSubPatternsAndIntrospection(t *testing.T) {
	e := newPSEnv(t, nil)
	a, b, r := e.dial(), e.dial(), e.dial()
	a.Send("PSUBSCRIBE", "foo.*", "bar.?", "h[ae]llo")
	for i, p := range []string{"foo.*", "bar.?", "h[ae]llo"} {
		expectRead(t, a, psArr(psBulk("psubscribe"), psBulk(p), psNum(i+1)))
	}
	b.Send("SUBSCRIBE", "foo.1", "news")
	expectRead(t, b, psArr(psBulk("subscribe"), psBulk("foo.1"), psNum(1)))
	expectRead(t, b, psArr(psBulk("subscribe"), psBulk("news"), psNum(2)))
	psExpect(t, b, psArr(psBulk("psubscribe"), psBulk("foo.*"), psNum(3)), "PSUBSCRIBE", "foo.*")
	psExpect(t, b, psArr(psBulk("ssubscribe"), psBulk("foo.1"), psNum(1)), "SSUBSCRIBE", "foo.1")

	psExpect(t, r, psNum(3), "PUBLISH", "foo.1", "m") // a's pattern, b's channel and pattern
	expectRead(t, a, psArr(psBulk("pmessage"), psBulk("foo.*"), psBulk("foo.1"), psBulk("m")))
	expectRead(t, b, psArr(psBulk("message"), psBulk("foo.1"), psBulk("m")))
	expectRead(t, b, psArr(psBulk("pmessage"), psBulk("foo.*"), psBulk("foo.1"), psBulk("m")))
	psExpect(t, r, psNum(1), "PUBLISH", "hello", "m")
	psExpect(t, r, psNum(0), "PUBLISH", "bar.12", "m")
	psExpect(t, r, psNum(1), "PUBLISH", "bar.1", "m")
	expectRead(t, a, psArr(psBulk("pmessage"), psBulk("h[ae]llo"), psBulk("hello"), psBulk("m")))
	expectRead(t, a, psArr(psBulk("pmessage"), psBulk("bar.?"), psBulk("bar.1"), psBulk("m")))
	// Shard channels: their own namespace, no patterns.
	psExpect(t, r, psNum(1), "SPUBLISH", "foo.1", "s")
	expectRead(t, b, psArr(psBulk("smessage"), psBulk("foo.1"), psBulk("s")))
	psExpect(t, r, psNum(0), "SPUBLISH", "news", "s")

	psExpect(t, r, psArr(psBulk("foo.1"), psBulk("news")), "PUBSUB", "CHANNELS")
	psExpect(t, r, psArr(psBulk("news")), "PUBSUB", "CHANNELS", "n*")
	psExpect(t, r, psArr(psBulk("foo.1")), "PUBSUB", "SHARDCHANNELS")
	psExpect(t, r, psArr(psBulk("foo.1"), psNum(1), psBulk("zzz"), psNum(0)), "PUBSUB", "NUMSUB", "foo.1", "zzz")
	psExpect(t, r, psArr(), "PUBSUB", "NUMSUB")
	psExpect(t, r, psArr(psBulk("foo.1"), psNum(1)), "PUBSUB", "SHARDNUMSUB", "foo.1")
	psExpect(t, r, psNum(3), "PUBSUB", "NUMPAT")
	r.Do("HELLO", "3")
	psExpect(t, r, psArr(psBulk("foo.1"), psNum(1)), "PUBSUB", "NUMSUB", "foo.1") // an array in RESP3 too

	// CLIENT LIST: sub, psub, ssub and flag P.
	list := r.Do("CLIENT", "LIST")
	if !strings.Contains(list, "flags=P ") || !strings.Contains(list, "sub=2 psub=1 ssub=1 ") ||
		!strings.Contains(list, "sub=0 psub=3 ssub=0 ") {
		t.Fatalf("CLIENT LIST: %s", list)
	}
	if l := r.Do("CLIENT", "LIST", "TYPE", "pubsub"); strings.Count(l, "id=") != 2 {
		t.Fatalf("CLIENT LIST TYPE pubsub: %s", l)
	}
	info := r.Do("INFO")
	for _, f := range []string{"pubsub_channels:2\r\n", "pubsub_patterns:3\r\n", "pubsubshard_channels:1\r\n", "pubsub_clients:2\r\n"} {
		if !strings.Contains(info, f) {
			t.Fatalf("INFO lacks %q", f)
		}
	}

	// A client that goes away leaves every channel.
	_ = b.Conn.Close()
	psWaitFor(t, func() bool {
		return r.Do("PUBSUB", "NUMSUB", "news") == psArr(psBulk("news"), psNum(0)) && r.Do("PUBSUB", "NUMPAT") == psNum(3)
	})
	// CLIENT KILL unsubscribes at once, as Valkey frees the client.
	psExpect(t, r, psNum(1), "CLIENT", "KILL", "TYPE", "pubsub")
	psExpect(t, r, psNum(0), "PUBSUB", "NUMPAT")
	psExpect(t, r, psNum(0), "PUBLISH", "hello", "x")
}

func psWaitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("condition never met")
		}
	}
}

// slowSubscriber subscribes on a connection with a tiny receive buffer and
// then never reads.
func slowSubscriber(t *testing.T, e *psEnv, name, channel string) *servertest.Raw {
	t.Helper()
	r := e.dial()
	if tc, ok := r.Conn.(*net.TCPConn); ok {
		_ = tc.SetReadBuffer(4096)
	}
	psExpect(t, r, "+OK\r\n", "CLIENT", "SETNAME", name)
	psExpect(t, r, psArr(psBulk("subscribe"), psBulk(channel), psNum(1)), "SUBSCRIBE", channel)
	return r
}

func listed(r *servertest.Raw, name string) bool {
	return strings.Contains(r.Do("CLIENT", "LIST"), "name="+name+" ")
}

func infoField(t *testing.T, r *servertest.Raw, field string) string {
	t.Helper()
	for _, line := range strings.Split(r.Do("INFO", "stats"), "\r\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			return v
		}
	}
	t.Fatalf("INFO has no %s", field)
	return ""
}

// A subscriber that does not read is disconnected once its pending output
// passes the pubsub class's hard limit: the server never buffers more than
// the limit (plus one message) for it.
func TestOutputBufferHardLimit(t *testing.T) {
	for _, m := range connModels {
		t.Run(m.name, func(t *testing.T) {
			e := newPSEnv(t, m.tweak)
			r := e.dial()
			psExpect(t, r, "+OK\r\n", "CONFIG", "SET", "client-output-buffer-limit", "pubsub 262144 0 0")
			slowSubscriber(t, e, "slow", "ch")
			msg := strings.Repeat("x", 32*1024)
			gone := false
			for i := 0; i < 4000 && !gone; i++ {
				n := r.Do("PUBLISH", "ch", msg)
				gone = n == psNum(0)
				if !gone && i%16 == 0 {
					for _, c := range e.srv.Clients() {
						if c.Name() == "slow" {
							if l := c.PendingOutput(); l > 262144+16384+2*int64(len(msg)) {
								t.Fatalf("pending output %d past the limit", l)
							}
						}
					}
				}
			}
			if !gone {
				t.Fatal("the slow subscriber was never disconnected")
			}
			if listed(r, "slow") {
				t.Fatal("still listed")
			}
			if v := infoField(t, r, "client_output_buffer_limit_disconnections"); v != "1" {
				t.Fatalf("client_output_buffer_limit_disconnections = %s", v)
			}
			psExpect(t, r, psArr(psBulk("ch"), psNum(0)), "PUBSUB", "NUMSUB", "ch")
		})
	}
}

// Past the soft limit for longer than its seconds, the client is closed
// even when nothing more is published.
func TestOutputBufferSoftLimit(t *testing.T) {
	e := newPSEnv(t, nil)
	r := e.dial()
	psExpect(t, r, "+OK\r\n", "CONFIG", "SET", "client-output-buffer-limit", "pubsub 0 65536 1")
	slowSubscriber(t, e, "soft", "ch")
	msg := strings.Repeat("y", 16*1024)
	over := func() bool {
		for _, c := range e.srv.Clients() {
			if c.Name() == "soft" {
				return c.PendingOutput() > 65536+16384
			}
		}
		return false
	}
	for i := 0; i < 2000 && !over(); i++ {
		r.Do("PUBLISH", "ch", msg)
	}
	if !over() {
		t.Fatal("never went past the soft limit")
	}
	start := time.Now()
	if !listed(r, "soft") {
		t.Fatal("closed before its soft seconds")
	}
	psWaitFor(t, func() bool { return !listed(r, "soft") })
	if d := time.Since(start); d > 4*time.Second {
		t.Fatalf("closed after %v", d)
	}
	if v := infoField(t, r, "client_output_buffer_limit_disconnections"); v != "1" {
		t.Fatalf("client_output_buffer_limit_disconnections = %s", v)
	}
}

// The normal class applies to replies too: a reply past the hard limit is
// never sent, the client is closed.
func TestOutputBufferNormalLimit(t *testing.T) {
	for _, m := range connModels {
		t.Run(m.name, func(t *testing.T) {
			e := newPSEnv(t, m.tweak)
			r, c := e.dial(), e.dial()
			psExpect(t, r, "+OK\r\n", "CONFIG", "SET", "client-output-buffer-limit", "normal 100000 0 0")
			psExpect(t, c, psBulk(strings.Repeat("z", 50000)), "ECHO", strings.Repeat("z", 50000))
			c.Send("ECHO", strings.Repeat("z", 150000))
			_ = c.Conn.SetReadDeadline(time.Now().Add(5 * time.Second))
			if b, err := c.R.ReadByte(); err == nil {
				t.Fatalf("got a reply (%q) past the limit", b)
			}
			if v := infoField(t, r, "client_output_buffer_limit_disconnections"); v != "1" {
				t.Fatalf("client_output_buffer_limit_disconnections = %s", v)
			}
		})
	}
}

// go-redis's PubSub (RESP2 and RESP3) against Petrel.
func TestPubSubGoRedis(t *testing.T) {
	for _, m := range connModels {
		for _, proto := range []int{2, 3} {
			t.Run(m.name+"/resp"+strconv.Itoa(proto), func(t *testing.T) {
				e := newPSEnv(t, m.tweak)
				ctx := context.Background()
				rdb := servertest.Client(t, e.srv, proto)
				ps := rdb.Subscribe(ctx, "news")
				defer ps.Close()
				if _, err := ps.Receive(ctx); err != nil { // the subscription confirmation
					t.Fatal(err)
				}
				if err := ps.PSubscribe(ctx, "n*"); err != nil {
					t.Fatal(err)
				}
				psWaitFor(t, func() bool { return rdb.PubSubNumPat(ctx).Val() == 1 })
				if n, err := rdb.Publish(ctx, "news", "hello").Result(); err != nil || n != 2 {
					t.Fatalf("PUBLISH: %d, %v", n, err)
				}
				got := map[string]bool{}
				for i := 0; i < 2; i++ {
					msg, err := ps.ReceiveMessage(ctx)
					if err != nil {
						t.Fatal(err)
					}
					got[msg.Pattern+"|"+msg.Channel+"|"+msg.Payload] = true
				}
				if !got["|news|hello"] || !got["n*|news|hello"] {
					t.Fatalf("messages: %v", got)
				}
				if err := ps.Ping(ctx, "hi"); err != nil {
					t.Fatal(err)
				}
				if v, err := rdb.PubSubNumSub(ctx, "news", "x").Result(); err != nil || v["news"] != 1 || v["x"] != 0 {
					t.Fatalf("NUMSUB: %v, %v", v, err)
				}
				if v, err := rdb.PubSubChannels(ctx, "*").Result(); err != nil || len(v) != 1 || v[0] != "news" {
					t.Fatalf("CHANNELS: %v, %v", v, err)
				}
				if n, err := rdb.SPublish(ctx, "s", "x").Result(); err != nil || n != 0 {
					t.Fatalf("SPUBLISH: %d, %v", n, err)
				}
			})
		}
	}
}

// Many publishers and subscribers at once: every subscriber gets every
// message exactly once, each publisher's messages in the order it sent
// them, and PUBLISH counts every delivery.
func TestPubSubConcurrentOrdering(t *testing.T) {
	for _, m := range connModels {
		t.Run(m.name, func(t *testing.T) {
			e := newPSEnv(t, m.tweak)
			const subs, pubs, perPub = 8, 4, 300
			var readers []*servertest.Raw
			for i := 0; i < subs; i++ {
				r := e.dial()
				if i%2 == 1 {
					r.Do("HELLO", "3")
				}
				r.Send("SUBSCRIBE", "c")
				r.ReadReply()
				readers = append(readers, r)
			}
			var wg sync.WaitGroup
			errc := make(chan error, pubs+subs)
			for p := 0; p < pubs; p++ {
				pub := e.dial()
				wg.Add(1)
				go func(p int, pub *servertest.Raw) {
					defer wg.Done()
					for i := 0; i < perPub; i++ {
						if got := pub.Do("PUBLISH", "c", fmt.Sprintf("%d:%d", p, i)); got != psNum(subs) {
							errc <- fmt.Errorf("PUBLISH replied %q", got)
							return
						}
					}
				}(p, pub)
			}
			for _, r := range readers {
				wg.Add(1)
				go func(r *servertest.Raw) {
					defer wg.Done()
					next := make([]int, pubs)
					for n := 0; n < pubs*perPub; n++ {
						reply, err := servertest.ReadRaw(r.R)
						if err != nil {
							errc <- err
							return
						}
						var p, i int
						body := strings.TrimSuffix(reply, "\r\n")
						body = body[strings.LastIndexByte(body, '\n')+1:]
						if _, err := fmt.Sscanf(body, "%d:%d", &p, &i); err != nil {
							errc <- fmt.Errorf("bad message %q: %v", reply, err)
							return
						}
						if i != next[p] {
							errc <- fmt.Errorf("publisher %d: got message %d, want %d", p, i, next[p])
							return
						}
						next[p]++
					}
				}(r)
			}
			wg.Wait()
			close(errc)
			for err := range errc {
				t.Fatal(err)
			}
		})
	}
}

// A client that leaves its event loop (a command waiting out CLIENT PAUSE)
// keeps receiving its messages from its own goroutine.
func TestPubSubDetachedSubscriber(t *testing.T) {
	e := newPSEnv(t, func(st *server.Settings) { st.EventLoops = 1 })
	sub, ctl := e.dial(), e.dial()
	sub.Do("HELLO", "3")
	psExpect(t, sub, psPush(psBulk("subscribe"), psBulk("c"), psNum(1)), "SUBSCRIBE", "c")
	psExpect(t, ctl, "+OK\r\n", "CLIENT", "PAUSE", "300", "WRITE")
	sub.Send("SET", "k", "v") // waits out the pause in its own goroutine
	psWaitFor(t, func() bool { return strings.Contains(ctl.Do("CLIENT", "LIST"), "flags=Pb ") })
	// (PUBLISH itself waits out a WRITE pause: publish from inside.)
	if n := e.srv.Publish([]byte("c"), []byte("during")); n != 1 {
		t.Fatalf("Publish: %d", n)
	}
	expectRead(t, sub, psPush(psBulk("message"), psBulk("c"), psBulk("during")))
	expectRead(t, sub, "+OK\r\n")
	psExpect(t, ctl, psNum(1), "PUBLISH", "c", "after")
	expectRead(t, sub, psPush(psBulk("message"), psBulk("c"), psBulk("after")))
	psExpect(t, sub, "+PONG\r\n", "PING")
}

// Client.Push and PushArray deliver raw replies; a push from another
// goroutine never splits a reply and reaches the client after the command
// it is running.
func TestClientPush(t *testing.T) {
	for _, m := range connModels {
		t.Run(m.name, func(t *testing.T) {
			e := newPSEnv(t, m.tweak)
			r := e.dial()
			r.Do("HELLO", "3")
			var target *server.Client
			addr := r.Conn.LocalAddr().String()
			for _, c := range e.srv.Clients() {
				if c.Addr() == addr {
					target = c
				}
			}
			target.Push([]byte(">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nk\r\n"))
			expectRead(t, r, ">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nk\r\n")
			target.PushArray([]byte("a"), []byte("b"))
			expectRead(t, r, psPush(psBulk("a"), psBulk("b")))
			// Pushes racing a stream of big replies: every reply stays whole.
			big := strings.Repeat("x", 100000)
			done := make(chan struct{})
			go func() {
				defer close(done)
				for i := 0; i < 200; i++ {
					target.PushArray([]byte("p"))
				}
			}()
			pushes := 0
			for i := 0; i < 20; i++ {
				r.Send("ECHO", big)
				for {
					got := r.ReadReply()
					if got == psPush(psBulk("p")) {
						pushes++
						continue
					}
					if got != psBulk(big) {
						t.Fatalf("reply %d corrupted (%d bytes)", i, len(got))
					}
					break
				}
			}
			<-done
			for pushes < 200 {
				expectRead(t, r, psPush(psBulk("p")))
				pushes++
			}
			expectSilence(t, r)
		})
	}
}
