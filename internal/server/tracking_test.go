package server_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/push"

	"petrel/internal/commands"
	"petrel/internal/server"
	"petrel/internal/servertest"
)

// Client-side caching (CLIENT TRACKING) over real sockets.

func startTracking(t *testing.T) *server.Server {
	t.Helper()
	return servertest.Start(t, func(st *server.Settings) { st.EnableDebugCommand = "yes" }, commands.Register)
}

// rawDo runs a command on a raw connection and checks the reply.
func rawDo(t *testing.T, r *servertest.Raw, want string, args ...string) {
	t.Helper()
	if got := r.Do(args...); got != want {
		t.Fatalf("%v: got %q, want %q", args, got, want)
	}
}

// rawRead checks the next reply (a push) of a raw connection.
func rawRead(t *testing.T, r *servertest.Raw, want string) {
	t.Helper()
	if got := r.ReadReply(); got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}

func resp3(t *testing.T, srv *server.Server) *servertest.Raw {
	t.Helper()
	r := servertest.Dial(t, srv)
	if got := r.Do("HELLO", "3"); !strings.HasPrefix(got, "%") {
		t.Fatalf("HELLO 3: %q", got)
	}
	return r
}

// invalidate is the RESP3 push of one invalidated key.
func invalidate(keys ...string) string {
	s := ">2\r\n$10\r\ninvalidate\r\n*" + fmt.Sprint(len(keys)) + "\r\n"
	for _, k := range keys {
		s += bulk(k)
	}
	return s
}

// cachingClient is a tiny client-side cache on go-redis: values read
// through it are kept until the server invalidates them.
type cachingClient struct {
	conn *redis.Conn
	mu   sync.Mutex
	vals map[string]string
	invs int // invalidation messages received
}

func (cc *cachingClient) HandlePushNotification(_ context.Context, _ push.NotificationHandlerContext, n []interface{}) error {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	cc.invs++
	keys, _ := n[1].([]interface{})
	if keys == nil { // a null: forget everything
		clear(cc.vals)
	}
	for _, k := range keys {
		delete(cc.vals, fmt.Sprint(k))
	}
	return nil
}

func (cc *cachingClient) get(t *testing.T, key string) (val string, cached bool) {
	t.Helper()
	// Any command lets go-redis process the pushes queued before it.
	if err := cc.conn.Ping(context.Background()).Err(); err != nil {
		t.Fatalf("PING: %v", err)
	}
	cc.mu.Lock()
	v, ok := cc.vals[key]
	cc.mu.Unlock()
	if ok {
		return v, true
	}
	v, err := cc.conn.Get(context.Background(), key).Result()
	if err != nil && err != redis.Nil {
		t.Fatalf("GET %s: %v", key, err)
	}
	cc.mu.Lock()
	cc.vals[key] = v
	cc.mu.Unlock()
	return v, false
}

func TestTrackingGoRedisClientSideCache(t *testing.T) {
	srv := startTracking(t)
	bg := context.Background()
	rdb := servertest.Client(t, srv, 3)
	conn := rdb.Conn()
	t.Cleanup(func() { _ = conn.Close() })
	cc := &cachingClient{conn: conn, vals: map[string]string{}}
	if err := conn.RegisterPushNotificationHandler("invalidate", cc, false); err != nil {
		t.Fatal(err)
	}
	if err := conn.Do(bg, "CLIENT", "TRACKING", "ON").Err(); err != nil {
		t.Fatal(err)
	}
	writer := servertest.Client(t, srv, 2)
	writer.Set(bg, "k", "v1", 0)

	if v, cached := cc.get(t, "k"); v != "v1" || cached {
		t.Fatalf("first read: %q cached=%v", v, cached)
	}
	if v, cached := cc.get(t, "k"); v != "v1" || !cached {
		t.Fatalf("second read: %q cached=%v", v, cached)
	}
	writer.Set(bg, "k", "v2", 0) // another connection's write invalidates
	if v, cached := cc.get(t, "k"); v != "v2" || cached {
		t.Fatalf("after the write: %q cached=%v", v, cached)
	}
	writer.Set(bg, "other", "x", 0) // an untracked key: nothing
	writer.Set(bg, "k", "v3", 0)
	writer.FlushAll(bg) // a null: forget all
	if v, cached := cc.get(t, "k"); v != "" || cached {
		t.Fatalf("after FLUSHALL: %q cached=%v", v, cached)
	}
	cc.mu.Lock()
	invs := cc.invs
	cc.mu.Unlock()
	if invs != 3 {
		t.Fatalf("%d invalidations, want 3 (two writes of k, FLUSHALL)", invs)
	}
}

func TestTrackingResp3SelfAfterReply(t *testing.T) {
	srv := startTracking(t)
	r := resp3(t, srv)
	rawDo(t, r, "+OK\r\n", "CLIENT", "TRACKING", "ON")
	rawDo(t, r, ":1\r\n", "HSET", "h", "f", "1")
	rawDo(t, r, "$1\r\n1\r\n", "HGET", "h", "f")
	rawDo(t, r, ":1\r\n", "HDEL", "h", "f") // its own write: after the reply
	rawRead(t, r, invalidate("h"))
	rawDo(t, r, "+PONG\r\n", "PING")

	// A transaction's invalidations follow EXEC's reply.
	rawDo(t, r, "+OK\r\n", "MSET", "a", "1", "b", "2")
	rawDo(t, r, "$1\r\n1\r\n", "GET", "a")
	rawDo(t, r, "+OK\r\n", "MULTI")
	rawDo(t, r, "+QUEUED\r\n", "INCR", "a")
	rawDo(t, r, "+QUEUED\r\n", "GET", "b")
	rawDo(t, r, "*2\r\n:2\r\n$1\r\n2\r\n", "EXEC")
	rawRead(t, r, invalidate("a"))

	// A tracked key found expired by the client's own read: the
	// invalidation follows that read's reply too.
	rawDo(t, r, "+OK\r\n", "DEBUG", "SET-ACTIVE-EXPIRE", "0")
	rawDo(t, r, "+OK\r\n", "SET", "x", "1", "PX", "30")
	rawDo(t, r, "$1\r\n1\r\n", "GET", "x")
	time.Sleep(40 * time.Millisecond)
	rawDo(t, r, "*2\r\n_\r\n$1\r\n2\r\n", "MGET", "x", "b")
	rawRead(t, r, invalidate("x"))
	rawDo(t, r, "+OK\r\n", "DEBUG", "SET-ACTIVE-EXPIRE", "1")
	rawDo(t, r, "+PONG\r\n", "PING")
}

func TestTrackingRedirectResp2(t *testing.T) {
	srv := startTracking(t)
	redir := servertest.Dial(t, srv)
	id := strings.TrimSuffix(strings.TrimPrefix(redir.Do("CLIENT", "ID"), ":"), "\r\n")
	rawDo(t, redir, "*3\r\n$9\r\nsubscribe\r\n$20\r\n__redis__:invalidate\r\n:1\r\n", "SUBSCRIBE", "__redis__:invalidate")

	r := servertest.Dial(t, srv)
	other := servertest.Dial(t, srv)
	rawDo(t, r, "+OK\r\n", "CLIENT", "TRACKING", "ON", "REDIRECT", id)
	rawDo(t, r, ":"+id+"\r\n", "CLIENT", "GETREDIR")
	rawDo(t, other, "+OK\r\n", "MSET", "a", "1", "b", "1")
	rawDo(t, r, "$1\r\n1\r\n", "GET", "a")
	rawDo(t, r, ":2\r\n", "INCR", "b") // not read: no message
	rawDo(t, other, ":2\r\n", "INCR", "a")
	rawRead(t, redir, "*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n*1\r\n$1\r\na\r\n")
	// FLUSHDB: a null, RESP2's for a RESP2 tracking client.
	rawDo(t, other, "+OK\r\n", "FLUSHDB")
	rawRead(t, redir, "*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n$-1\r\n")
	rawDo(t, redir, "*2\r\n$4\r\npong\r\n$0\r\n\r\n", "PING")

	// The redirect target goes away: the R flag, and for a RESP3
	// tracking client a tracking-redir-broken push.
	if got := r.Do("HELLO", "3"); !strings.HasPrefix(got, "%") {
		t.Fatalf("HELLO 3: %q", got)
	}
	rawDo(t, r, "+OK\r\n", "SET", "c", "1")
	rawDo(t, r, "$1\r\n1\r\n", "GET", "c")
	rawDo(t, redir, "+OK\r\n", "QUIT")
	waitFor(t, func() bool { return srv.ClientByID(parseID(t, id)) == nil })
	rawDo(t, other, "+OK\r\n", "SET", "c", "2")
	rawRead(t, r, ">2\r\n$21\r\ntracking-redir-broken\r\n:"+id+"\r\n")
	if got := r.Do("CLIENT", "INFO"); !strings.Contains(got, " flags=tR ") || !strings.Contains(got, " redir="+id+" ") {
		t.Fatalf("CLIENT INFO: %q", got)
	}
	if got := r.Do("CLIENT", "TRACKINGINFO"); got != "%3\r\n$5\r\nflags\r\n~2\r\n$2\r\non\r\n$15\r\nbroken_redirect\r\n$8\r\nredirect\r\n:"+id+"\r\n$8\r\nprefixes\r\n*0\r\n" {
		t.Fatalf("TRACKINGINFO: %q", got)
	}
}

func parseID(t *testing.T, s string) int64 {
	t.Helper()
	var id int64
	if _, err := fmt.Sscan(s, &id); err != nil {
		t.Fatalf("id %q: %v", s, err)
	}
	return id
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for i := 0; i < 500; i++ {
		if cond() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("condition not met in 5s")
}

func TestTrackingBcast(t *testing.T) {
	srv := startTracking(t)
	r := resp3(t, srv)
	other := servertest.Dial(t, srv)
	rawDo(t, r, "+OK\r\n", "CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "a:", "PREFIX", "b:")
	// One message per prefix, keys sorted, after the whole command.
	rawDo(t, other, "+OK\r\n", "MSET", "a:2", "1", "c:1", "1", "a:1", "1")
	rawRead(t, r, invalidate("a:1", "a:2"))
	rawDo(t, other, "+OK\r\n", "MULTI")
	rawDo(t, other, "+QUEUED\r\n", "INCR", "b:1")
	rawDo(t, other, "+QUEUED\r\n", "INCR", "a:3")
	rawDo(t, other, "*2\r\n:1\r\n:1\r\n", "EXEC")
	rawRead(t, r, invalidate("a:3"))
	rawRead(t, r, invalidate("b:1"))
	rawDo(t, r, "+PONG\r\n", "PING")
	if got := r.Do("CLIENT", "INFO"); !strings.Contains(got, " flags=tB ") || !strings.Contains(got, " redir=0 ") {
		t.Fatalf("CLIENT INFO: %q", got)
	}
	// Its own changes too, unless NOLOOP.
	rawDo(t, r, "+OK\r\n", "SET", "a:x", "1")
	rawRead(t, r, invalidate("a:x"))
	rawDo(t, r, "+OK\r\n", "CLIENT", "TRACKING", "OFF")
	rawDo(t, r, "+OK\r\n", "CLIENT", "TRACKING", "ON", "BCAST", "NOLOOP", "PREFIX", "b:", "PREFIX", "a:")
	rawDo(t, r, "+OK\r\n", "MSET", "a:x", "2", "b:y", "2")
	rawDo(t, other, "+OK\r\n", "SET", "b:z", "1")
	rawRead(t, r, invalidate("b:z"))
	// Expiry is the server's change: NOLOOP does not hide it.
	rawDo(t, r, "+OK\r\n", "SET", "a:e", "1", "PX", "1")
	rawRead(t, r, invalidate("a:e"))
	rawDo(t, r, "%3\r\n$5\r\nflags\r\n~3\r\n$2\r\non\r\n$5\r\nbcast\r\n$6\r\nnoloop\r\n$8\r\nredirect\r\n:0\r\n$8\r\nprefixes\r\n*2\r\n$2\r\na:\r\n$2\r\nb:\r\n",
		"CLIENT", "TRACKINGINFO")
}

func TestTrackingNoloopOptinOptout(t *testing.T) {
	srv := startTracking(t)
	r := resp3(t, srv)
	other := servertest.Dial(t, srv)
	rawDo(t, other, "+OK\r\n", "MSET", "k1", "1", "k2", "1", "k3", "1")

	rawDo(t, r, "+OK\r\n", "CLIENT", "TRACKING", "ON", "NOLOOP")
	rawDo(t, r, "*2\r\n$1\r\n1\r\n$1\r\n1\r\n", "MGET", "k1", "k2")
	rawDo(t, r, "+OK\r\n", "SET", "k1", "2") // its own: not told
	rawDo(t, other, "+OK\r\n", "SET", "k2", "2")
	rawRead(t, r, invalidate("k2"))
	rawDo(t, r, "+OK\r\n", "CLIENT", "TRACKING", "OFF")

	// OPTIN: only the command after CLIENT CACHING YES is tracked.
	rawDo(t, r, "+OK\r\n", "CLIENT", "TRACKING", "ON", "OPTIN")
	rawDo(t, r, "$1\r\n1\r\n", "GET", "k3")
	rawDo(t, r, "+OK\r\n", "CLIENT", "CACHING", "YES")
	rawDo(t, r, "%3\r\n$5\r\nflags\r\n~3\r\n$2\r\non\r\n$5\r\noptin\r\n$11\r\ncaching-yes\r\n$8\r\nredirect\r\n:0\r\n$8\r\nprefixes\r\n*0\r\n",
		"CLIENT", "TRACKINGINFO") // a CLIENT command keeps it
	rawDo(t, r, "$1\r\n2\r\n", "GET", "k2")
	rawDo(t, r, "$1\r\n2\r\n", "GET", "k1") // CACHING used up: not tracked
	rawDo(t, other, "+OK\r\n", "MSET", "k3", "3", "k1", "3", "k2", "3")
	rawRead(t, r, invalidate("k2"))
	rawDo(t, r, "+PONG\r\n", "PING")
	rawDo(t, r, "+OK\r\n", "CLIENT", "TRACKING", "OFF")

	// OPTOUT: everything but the command after CLIENT CACHING NO.
	rawDo(t, r, "+OK\r\n", "CLIENT", "TRACKING", "ON", "OPTOUT")
	rawDo(t, r, "+OK\r\n", "CLIENT", "CACHING", "NO")
	rawDo(t, r, "$1\r\n3\r\n", "GET", "k1")
	rawDo(t, r, "$1\r\n3\r\n", "GET", "k2")
	rawDo(t, other, "+OK\r\n", "MSET", "k1", "4", "k2", "4")
	rawRead(t, r, invalidate("k2"))
	rawDo(t, r, "+PONG\r\n", "PING")
}

func TestTrackingErrors(t *testing.T) {
	srv := startTracking(t)
	r := servertest.Dial(t, srv)
	id := strings.TrimSuffix(strings.TrimPrefix(r.Do("CLIENT", "ID"), ":"), "\r\n")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"CLIENT", "CACHING", "YES"}, "-ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled\r\n"},
		{[]string{"CLIENT", "TRACKING", "ON", "FOO"}, "-ERR syntax error\r\n"},
		{[]string{"CLIENT", "TRACKING", "MAYBE"}, "-ERR syntax error\r\n"},
		{[]string{"CLIENT", "TRACKING", "ON", "REDIRECT", "x"}, "-ERR value is not an integer or out of range\r\n"},
		{[]string{"CLIENT", "TRACKING", "ON", "REDIRECT", "999999"}, "-ERR The client ID you want redirect to does not exist\r\n"},
		{[]string{"CLIENT", "TRACKING", "ON", "REDIRECT", id, "REDIRECT", id}, "-ERR A client can only redirect to a single other client\r\n"},
		{[]string{"CLIENT", "TRACKING", "OFF", "REDIRECT", "999999"}, "-ERR The client ID you want redirect to does not exist\r\n"},
		{[]string{"CLIENT", "TRACKING", "ON", "PREFIX", "a"}, "-ERR PREFIX option requires BCAST mode to be enabled\r\n"},
		{[]string{"CLIENT", "TRACKING", "ON", "BCAST", "OPTIN"}, "-ERR OPTIN and OPTOUT are not compatible with BCAST\r\n"},
		{[]string{"CLIENT", "TRACKING", "ON", "OPTIN", "OPTOUT"}, "-ERR You can't specify both OPTIN mode and OPTOUT mode\r\n"},
		{[]string{"CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "FOOBAR", "PREFIX", "FOO"}, "-ERR Prefix 'FOOBAR' overlaps with another provided prefix 'FOO'. Prefixes for a single client must not overlap.\r\n"},
		{[]string{"CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "FOO", "PREFIX", "BAR"}, "+OK\r\n"},
		{[]string{"CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "FO"}, "-ERR Prefix 'FO' overlaps with an existing prefix 'FOO'. Prefixes for a single client must not overlap.\r\n"},
		{[]string{"CLIENT", "TRACKING", "ON"}, "-ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.\r\n"},
		{[]string{"CLIENT", "CACHING", "YES"}, "-ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.\r\n"},
		{[]string{"CLIENT", "TRACKING", "OFF"}, "+OK\r\n"},
		{[]string{"CLIENT", "TRACKING", "ON", "OPTIN"}, "+OK\r\n"},
		{[]string{"CLIENT", "TRACKING", "ON", "OPTOUT"}, "-ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode.\r\n"},
		{[]string{"CLIENT", "CACHING", "NO"}, "-ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.\r\n"},
		{[]string{"CLIENT", "CACHING", "MAYBE"}, "-ERR syntax error\r\n"},
		{[]string{"CLIENT", "GETREDIR"}, ":0\r\n"},
		{[]string{"CLIENT", "TRACKING", "OFF"}, "+OK\r\n"},
		{[]string{"CLIENT", "GETREDIR"}, ":-1\r\n"},
		{[]string{"CLIENT", "TRACKINGINFO"}, "*6\r\n$5\r\nflags\r\n*1\r\n$3\r\noff\r\n$8\r\nredirect\r\n:-1\r\n$8\r\nprefixes\r\n*0\r\n"},
	} {
		rawDo(t, r, tc.want, tc.args...)
	}
}

func TestTrackingInfoFields(t *testing.T) {
	srv := startTracking(t)
	bg := context.Background()
	r := servertest.Dial(t, srv)
	b := servertest.Dial(t, srv)
	rawDo(t, r, "+OK\r\n", "CLIENT", "TRACKING", "ON")
	rawDo(t, r, "*3\r\n$-1\r\n$-1\r\n$-1\r\n", "MGET", "k1", "k2", "k3") // missing keys are tracked too
	rawDo(t, b, "+OK\r\n", "CLIENT", "TRACKING", "ON")
	rawDo(t, b, "$-1\r\n", "GET", "k1")
	c := servertest.Dial(t, srv)
	rawDo(t, c, "+OK\r\n", "CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "p:", "PREFIX", "q:")
	rdb := servertest.Client(t, srv, 2)
	info := rdb.Info(bg, "clients", "stats").Val()
	for _, want := range []string{"tracking_clients:3\r\n", "tracking_total_keys:3\r\n", "tracking_total_items:4\r\n", "tracking_total_prefixes:2\r\n"} {
		if !strings.Contains(info, want) {
			t.Errorf("INFO lacks %q", strings.TrimSpace(want))
		}
	}
	rdb.Set(bg, "k1", "x", 0) // forgets k1 for both
	info = rdb.Info(bg, "stats").Val()
	if !strings.Contains(info, "tracking_total_keys:2\r\n") || !strings.Contains(info, "tracking_total_items:2\r\n") {
		t.Errorf("after a write: %s", info)
	}
	// A client that leaves stops counting, and its prefixes go.
	rawDo(t, c, "+OK\r\n", "QUIT")
	waitFor(t, func() bool { return strings.Contains(rdb.Info(bg, "stats").Val(), "tracking_total_prefixes:0\r\n") })
	if info := rdb.Info(bg, "clients").Val(); !strings.Contains(info, "tracking_clients:2\r\n") {
		t.Errorf("after QUIT: %s", info)
	}
	// RESET turns tracking off.
	rawDo(t, b, "+RESET\r\n", "RESET")
	rawDo(t, b, ":-1\r\n", "CLIENT", "GETREDIR")
	if got := r.Do("CLIENT", "INFO"); !strings.Contains(got, " flags=t ") || !strings.Contains(got, " redir=0 ") {
		t.Fatalf("CLIENT INFO: %q", got)
	}
	if got := b.Do("CLIENT", "INFO"); !strings.Contains(got, " flags=N ") || !strings.Contains(got, " redir=-1 ") {
		t.Fatalf("CLIENT INFO after RESET: %q", got)
	}
	if got := r.Do("CLIENT", "LIST", "FLAGS", "t"); strings.Count(got, "id=") != 1 {
		t.Fatalf("CLIENT LIST FLAGS t: %q", got)
	}
}

func TestTrackingTableMaxKeys(t *testing.T) {
	srv := startTracking(t)
	r := resp3(t, srv)
	rawDo(t, r, "+OK\r\n", "CLIENT", "TRACKING", "ON")
	keys := []string{"MGET"}
	for i := 0; i < 20; i++ {
		keys = append(keys, fmt.Sprintf("key%d", i))
	}
	r.Do(keys...)
	admin := servertest.Dial(t, srv)
	rawDo(t, admin, "+OK\r\n", "CONFIG", "SET", "tracking-table-max-keys", "5")
	// 15 keys are evicted from the table at once, each invalidated.
	seen := map[string]bool{}
	for i := 0; i < 15; i++ {
		got := r.ReadReply()
		if !strings.HasPrefix(got, ">2\r\n$10\r\ninvalidate\r\n*1\r\n") {
			t.Fatalf("eviction %d: %q", i, got)
		}
		seen[got] = true
	}
	if len(seen) != 15 {
		t.Fatalf("%d distinct keys evicted, want 15", len(seen))
	}
	rawDo(t, r, "+PONG\r\n", "PING")
	if info := admin.Do("INFO", "stats"); !strings.Contains(info, "tracking_total_keys:5\r\n") {
		t.Fatalf("INFO: %q", info)
	}
	// Reads past the limit evict at once, too.
	r.Do("GET", "newkey")
	if got := r.ReadReply(); !strings.HasPrefix(got, ">2\r\n$10\r\ninvalidate\r\n*1\r\n") {
		t.Fatalf("eviction after a read: %q", got)
	}
	rawDo(t, admin, "+OK\r\n", "CONFIG", "SET", "tracking-table-max-keys", "1000000")
}

// Many clients track and write concurrently: each write of a key a client
// read is announced to it (under -race: no data race in the tracking
// table). Invalidations of the key all of them share may arrive between
// any two replies, so replies are read past pushes.
func TestTrackingConcurrent(t *testing.T) {
	srv := startTracking(t)
	const clients, rounds = 8, 30
	var wg sync.WaitGroup
	errs := make(chan error, clients)
	for i := 0; i < clients; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			r := resp3(t, srv)
			w := servertest.Dial(t, srv)
			key := fmt.Sprintf("key:%d", i)
			own := 0 // invalidations of key seen
			do := func(args ...string) string {
				r.Send(args...)
				for {
					got := r.ReadReply()
					switch {
					case got == invalidate(key):
						own++
					case got == invalidate("shared"):
					case strings.HasPrefix(got, ">"):
						errs <- fmt.Errorf("client %d: unexpected push %q", i, got)
					default:
						return got
					}
				}
			}
			if got := do("CLIENT", "TRACKING", "ON"); got != "+OK\r\n" {
				errs <- fmt.Errorf("TRACKING: %q", got)
				return
			}
			for n := 0; n < rounds; n++ {
				if got, want := do("GET", key), fmt.Sprint(n); n > 0 && got != bulk(fmt.Sprint(n-1)) {
					errs <- fmt.Errorf("client %d round %d: GET %q (want the value %s wrote before)", i, n, got, want)
					return
				}
				do("GET", "shared")
				w.Do("SET", key, fmt.Sprint(n))
				w.Do("SET", "shared", "x")
			}
			do("PING") // the last invalidation was pushed before this reply
			if own != rounds {
				errs <- fmt.Errorf("client %d: %d invalidations of its key, want %d", i, own, rounds)
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// Fields reclaimed by the active expiry cycle change their hash: its
// trackers are told, as Valkey's activeExpireHashFields signals the key.
func TestTrackingHashFieldActiveExpiry(t *testing.T) {
	srv := startTracking(t)
	r := resp3(t, srv)
	rawDo(t, r, "+OK\r\n", "CLIENT", "TRACKING", "ON")
	rawDo(t, r, ":2\r\n", "HSET", "h", "f", "1", "g", "2")
	rawDo(t, r, "*1\r\n:1\r\n", "HPEXPIRE", "h", "50", "FIELDS", "1", "f")
	rawDo(t, r, ":2\r\n", "HLEN", "h")
	rawRead(t, r, invalidate("h")) // within a few cron cycles
	rawDo(t, r, ":1\r\n", "HLEN", "h")
}
