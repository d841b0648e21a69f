package server_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"petrel/internal/commands"
	"petrel/internal/keyspace"
	"petrel/internal/server"
	"petrel/internal/servertest"
)

// A command still arriving may not grow the query buffer past
// client-query-buffer-limit: the client is closed, others are unaffected.
func TestQueryBufferLimitClosesTheClient(t *testing.T) {
	srv := servertest.Start(t, func(st *server.Settings) { st.ClientQueryBufferLimit = 1 << 20 }, commands.Register)
	big := servertest.Dial(t, srv)
	other := servertest.Dial(t, srv)
	// A bulk of 4 MB (allowed by proto-max-bulk-len) sent only in part.
	if _, err := big.Conn.Write([]byte("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$4000000\r\n")); err != nil {
		t.Fatal(err)
	}
	chunk := []byte(strings.Repeat("x", 64*1024))
	closed := false
	for i := 0; i < 40 && !closed; i++ { // up to 2.5 MB
		_ = big.Conn.SetWriteDeadline(time.Now().Add(2 * time.Second))
		if _, err := big.Conn.Write(chunk); err != nil {
			closed = true
		}
	}
	_ = big.Conn.SetReadDeadline(time.Now().Add(3 * time.Second))
	if _, err := big.R.ReadByte(); err == nil {
		t.Fatal("server replied instead of closing the connection")
	}
	if got := other.Do("PING"); got != "+PONG\r\n" {
		t.Fatalf("other client: %q", got)
	}
	if got := other.Do("EXISTS", "k"); got != ":0\r\n" {
		t.Fatalf("partial command was applied: %q", got)
	}
	info := other.Do("INFO", "stats")
	if !strings.Contains(info, "client_query_buffer_limit_disconnections:1") {
		t.Fatalf("INFO stats does not count the disconnection:\n%s", info)
	}
}

// Commands on keys in different shards do not wait for each other: while
// one shard is locked (as by a long command), a command on another shard
// completes, and the one on the locked shard completes after the unlock.
// Both connection models: a goroutine per connection, and two event loops
// (connections are spread round-robin, so the two clients get one each).
func TestUnrelatedKeysDoNotWaitForEachOther(t *testing.T) {
	for _, loops := range []int{0, 2} {
		t.Run(map[int]string{0: "goroutines", 2: "eventloops"}[loops], func(t *testing.T) {
			unrelatedKeysInParallel(t, loops)
		})
	}
}

func unrelatedKeysInParallel(t *testing.T, loops int) {
	srv := servertest.Start(t, func(st *server.Settings) { st.EventLoops = loops }, commands.Register)
	a, b := "a", "b"
	for keyspace.ShardOf([]byte(a)) == keyspace.ShardOf([]byte(b)) {
		b += "x"
	}
	ca := servertest.Client(t, srv, 3)
	cb := servertest.Client(t, srv, 3)
	ctx := context.Background()
	ks := srv.Keyspace()
	ks.Lock(keyspace.MaskOf([]byte(a)))
	done := make(chan error, 1)
	go func() { done <- ca.Set(ctx, a, "1", 0).Err() }()
	if err := cb.Set(ctx, b, "2", 0).Err(); err != nil {
		t.Fatalf("SET on an unlocked shard: %v", err)
	}
	select {
	case err := <-done:
		t.Fatalf("SET on the locked shard did not wait (err=%v)", err)
	case <-time.After(100 * time.Millisecond):
	}
	ks.Unlock(keyspace.MaskOf([]byte(a)))
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("SET on the unlocked shard never completed")
	}
}

// Replies larger than the mid-batch flush threshold reach the client in
// both connection models: a 4 MB GET, and a pipeline whose replies add up
// to several MB (on an event loop the socket is not the net.Conn, so only
// the loop may write).
func TestBigRepliesInBothModels(t *testing.T) {
	for _, loops := range []int{0, 2} {
		t.Run(map[int]string{0: "goroutines", 2: "eventloops"}[loops], func(t *testing.T) {
			srv := servertest.Start(t, func(st *server.Settings) { st.EventLoops = loops }, commands.Register)
			r := servertest.Dial(t, srv)
			big := strings.Repeat("abcd", 1000000)
			if got := r.Do("SET", "big", big); got != "+OK\r\n" {
				t.Fatalf("SET: %q", got)
			}
			if got := r.Do("GET", "big"); got != "$4000000\r\n"+big+"\r\n" {
				t.Fatalf("GET of 4 MB: %d bytes back", len(got))
			}
			mid := strings.Repeat("x", 10000)
			if got := r.Do("SET", "mid", mid); got != "+OK\r\n" {
				t.Fatalf("SET: %q", got)
			}
			const n = 500
			if _, err := r.Conn.Write([]byte(strings.Repeat("*2\r\n$3\r\nGET\r\n$3\r\nmid\r\n", n))); err != nil {
				t.Fatal(err)
			}
			want := "$10000\r\n" + mid + "\r\n"
			for i := 0; i < n; i++ {
				got, err := servertest.ReadRaw(r.R)
				if err != nil || got != want {
					t.Fatalf("pipelined GET %d: %d bytes, %v", i, len(got), err)
				}
			}
		})
	}
}
