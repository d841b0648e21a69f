package commands

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"petrel/internal/servertest"
)

func TestStreamCommandsGoRedis(t *testing.T) {
	e := newCollEnv(t)
	for _, c := range []*redis.Client{e.rdb, e.rdb3} {
		ctx := e.ctx
		c.FlushAll(ctx)
		id, err := c.XAdd(ctx, &redis.XAddArgs{Stream: "s", ID: "1-1", Values: []any{"a", "1", "b", "x"}}).Result()
		if err != nil || id != "1-1" {
			t.Fatalf("XADD = %q %v", id, err)
		}
		c.XAdd(ctx, &redis.XAddArgs{Stream: "s", ID: "2-*", Values: []any{"a", "2"}})
		c.XAdd(ctx, &redis.XAddArgs{Stream: "s", ID: "3", Values: []any{"c", "3"}})
		if n := c.XLen(ctx, "s").Val(); n != 3 {
			t.Fatalf("XLEN = %d", n)
		}
		msgs := c.XRange(ctx, "s", "-", "+").Val()
		if len(msgs) != 3 || msgs[1].ID != "2-0" || msgs[0].Values["b"] != "x" {
			t.Fatalf("XRANGE = %+v", msgs)
		}
		if msgs := c.XRevRangeN(ctx, "s", "+", "-", 1).Val(); len(msgs) != 1 || msgs[0].ID != "3-0" {
			t.Fatalf("XREVRANGE COUNT 1 = %+v", msgs)
		}
		if msgs := c.XRange(ctx, "s", "(1-1", "(3-0").Val(); len(msgs) != 1 || msgs[0].ID != "2-0" {
			t.Fatalf("XRANGE exclusive = %+v", msgs)
		}
		if _, err := c.XAdd(ctx, &redis.XAddArgs{Stream: "s", ID: "3", Values: []any{"c", "3"}}).Result(); err == nil ||
			err.Error() != "ERR The ID specified in XADD is equal or smaller than the target stream top item" {
			t.Fatalf("XADD small ID: %v", err)
		}
		if _, err := c.XAdd(ctx, &redis.XAddArgs{Stream: "nokey", NoMkStream: true, Values: []any{"f", "v"}}).Result(); err != redis.Nil {
			t.Fatalf("XADD NOMKSTREAM: %v", err)
		}
		// Groups.
		if err := c.XGroupCreate(ctx, "s", "g", "0").Err(); err != nil {
			t.Fatal(err)
		}
		if err := c.XGroupCreate(ctx, "s", "g", "0").Err(); err == nil || !strings.HasPrefix(err.Error(), "BUSYGROUP") {
			t.Fatalf("duplicate group: %v", err)
		}
		streams, err := c.XReadGroup(ctx, &redis.XReadGroupArgs{Group: "g", Consumer: "alice", Streams: []string{"s", ">"}, Count: 2}).Result()
		if err != nil || len(streams) != 1 || len(streams[0].Messages) != 2 {
			t.Fatalf("XREADGROUP = %+v %v", streams, err)
		}
		p := c.XPending(ctx, "s", "g").Val()
		if p.Count != 2 || p.Lower != "1-1" || p.Higher != "2-0" || p.Consumers["alice"] != 2 {
			t.Fatalf("XPENDING = %+v", p)
		}
		ext := c.XPendingExt(ctx, &redis.XPendingExtArgs{Stream: "s", Group: "g", Start: "-", End: "+", Count: 10}).Val()
		if len(ext) != 2 || ext[0].Consumer != "alice" || ext[0].RetryCount != 1 {
			t.Fatalf("XPENDING extended = %+v", ext)
		}
		claimed := c.XClaim(ctx, &redis.XClaimArgs{Stream: "s", Group: "g", Consumer: "bob", MinIdle: 0, Messages: []string{"1-1"}}).Val()
		if len(claimed) != 1 || claimed[0].ID != "1-1" {
			t.Fatalf("XCLAIM = %+v", claimed)
		}
		ids, cursor := c.XAutoClaimJustID(ctx, &redis.XAutoClaimArgs{Stream: "s", Group: "g", Consumer: "carol", Start: "0", Count: 10}).Val()
		if len(ids) != 2 || cursor != "0-0" {
			t.Fatalf("XAUTOCLAIM JUSTID = %v %q", ids, cursor)
		}
		if n := c.XAck(ctx, "s", "g", "1-1", "9-9").Val(); n != 1 {
			t.Fatalf("XACK = %d", n)
		}
		groups := c.XInfoGroups(ctx, "s").Val()
		if len(groups) != 1 || groups[0].Pending != 1 || groups[0].LastDeliveredID != "2-0" || groups[0].EntriesRead != 2 || groups[0].Lag != 1 {
			t.Fatalf("XINFO GROUPS = %+v", groups)
		}
		cons := c.XInfoConsumers(ctx, "s", "g").Val()
		if len(cons) != 3 || cons[0].Name != "alice" || cons[2].Name != "carol" || cons[2].Pending != 1 {
			t.Fatalf("XINFO CONSUMERS = %+v", cons)
		}
		info := c.XInfoStream(ctx, "s").Val()
		if info.Length != 3 || info.LastGeneratedID != "3-0" || info.Groups != 1 || info.FirstEntry.ID != "1-1" || info.EntriesAdded != 3 {
			t.Fatalf("XINFO STREAM = %+v", info)
		}
		full := c.XInfoStreamFull(ctx, "s", 0).Val()
		if len(full.Entries) != 3 || len(full.Groups) != 1 || len(full.Groups[0].Consumers) != 3 {
			t.Fatalf("XINFO STREAM FULL = %+v", full)
		}
		if n := c.XDel(ctx, "s", "1-1", "7").Val(); n != 1 {
			t.Fatalf("XDEL = %d", n)
		}
		if n := c.XTrimMaxLen(ctx, "s", 1).Val(); n != 1 {
			t.Fatalf("XTRIM = %d", n)
		}
		if n := c.XTrimMinID(ctx, "s", "9").Val(); n != 1 {
			t.Fatalf("XTRIM MINID = %d", n)
		}
		if c.Exists(ctx, "s").Val() != 1 || c.Type(ctx, "s").Val() != "stream" || c.ObjectEncoding(ctx, "s").Val() != "stream" {
			t.Fatal("an emptied stream stays a stream")
		}
		if n, err := c.MemoryUsage(ctx, "s").Result(); err != nil || n <= 0 {
			t.Fatalf("MEMORY USAGE = %d %v", n, err)
		}
		if got := c.XGroupDestroy(ctx, "s", "g").Val(); got != 1 {
			t.Fatalf("XGROUP DESTROY = %d", got)
		}
	}
}

// Raw replies whose shape go-redis hides: the RESP3 map of XREAD, nulls.
func TestStreamRawReplies(t *testing.T) {
	e := newCollEnv(t)
	e.is(t, "$3\r\n1-0\r\n", "XADD", "s", "1", "f", "v")
	e.is(t, "*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n", "XREAD", "STREAMS", "s", "0")
	e.is3(t, "%1\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\nf\r\n$1\r\nv\r\n", "XREAD", "STREAMS", "s", "0")
	e.is(t, "*-1\r\n", "XREAD", "STREAMS", "s", "$")
	e.is3(t, "_\r\n", "XREAD", "STREAMS", "s", "$")
	e.is(t, "*-1\r\n", "XRANGE", "s", "-", "+", "COUNT", "0")
	e.is(t, "*0\r\n", "XRANGE", "missing", "-", "+", "COUNT", "0")
	e.is(t, "$-1\r\n", "XADD", "missing", "NOMKSTREAM", "*", "f", "v")
	e.is(t, "-ERR Invalid stream ID specified as stream command argument\r\n", "XADD", "s", "x", "f", "v")
	e.is(t, "-ERR wrong number of arguments for 'xadd' command\r\n", "XADD", "s", "*", "f")
	e.is(t, "-NOGROUP No such key 'missing' or consumer group 'g' in XREADGROUP with GROUP option\r\n",
		"XREADGROUP", "GROUP", "g", "c", "STREAMS", "missing", ">")
	e.is(t, "-ERR Unbalanced 'xread' list of streams: for each stream key an ID or '$' must be specified.\r\n",
		"XREAD", "STREAMS", "s", "t", "0")
	e.is(t, "+OK\r\n", "XGROUP", "CREATE", "s", "g", "$")
	e.is(t, "*4\r\n:0\r\n$-1\r\n$-1\r\n*-1\r\n", "XPENDING", "s", "g")
	e.is(t, "*3\r\n$3\r\n0-0\r\n*0\r\n*0\r\n", "XAUTOCLAIM", "s", "g", "c", "0", "0")
}

// A stream whose nodes fill up at stream-node-max-entries starts new ones.
func TestStreamNodeConfig(t *testing.T) {
	e := newCollEnv(t)
	e.is(t, "+OK\r\n", "CONFIG", "SET", "stream-node-max-entries", "2")
	for i := 1; i <= 5; i++ {
		e.raw.Do("XADD", "s", strconv.Itoa(i), "f", "v")
	}
	info := e.rdb.XInfoStream(e.ctx, "s").Val()
	if info.RadixTreeKeys != 3 {
		t.Fatalf("radix-tree-keys = %d, want 3", info.RadixTreeKeys)
	}
	e.is(t, "+OK\r\n", "CONFIG", "SET", "stream-node-max-entries", "100")
}

// blockedRead sends a blocking command on its own connection and returns
// a channel with its raw reply.
func streamBlockedRead(t *testing.T, e *collEnv, args ...string) (chan string, *servertest.Raw) {
	t.Helper()
	r := servertest.Dial(t, e.srv)
	r.Send(args...)
	ch := make(chan string, 1)
	go func() { ch <- r.ReadReply() }()
	return ch, r
}

// waitBlocked waits until n clients are blocked.
func streamWaitBlocked(t *testing.T, e *collEnv, n int) {
	t.Helper()
	want := "blocked_clients:" + strconv.Itoa(n) + "\r"
	for i := 0; i < 500; i++ {
		if strings.Contains(e.rdb.Info(e.ctx, "clients").Val(), want) {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("never %d blocked clients", n)
}

func streamRecv(t *testing.T, ch chan string) string {
	t.Helper()
	select {
	case s := <-ch:
		return s
	case <-time.After(5 * time.Second):
		t.Fatal("no reply from the blocked client")
		return ""
	}
}

func TestStreamBlockingXRead(t *testing.T) {
	e := newCollEnv(t)
	ctx := e.ctx
	e.rdb.XAdd(ctx, &redis.XAddArgs{Stream: "s", ID: "1", Values: []any{"f", "v"}})

	// "$" means the last ID when the client blocked: two entries added in
	// one transaction are both served.
	ch, _ := streamBlockedRead(t, e, "XREAD", "BLOCK", "0", "STREAMS", "s", "$")
	streamWaitBlocked(t, e, 1)
	pipe := e.rdb.TxPipeline()
	pipe.XAdd(ctx, &redis.XAddArgs{Stream: "s", ID: "2", Values: []any{"a", "1"}})
	pipe.XAdd(ctx, &redis.XAddArgs{Stream: "s", ID: "3", Values: []any{"b", "2"}})
	if _, err := pipe.Exec(ctx); err != nil {
		t.Fatal(err)
	}
	want := "*1\r\n*2\r\n$1\r\ns\r\n*2\r\n*2\r\n$3\r\n2-0\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\n3-0\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n"
	if got := streamRecv(t, ch); got != want {
		t.Fatalf("served %q", got)
	}

	// A signal that brings nothing new (XGROUP DESTROY, a deleted entry)
	// leaves the client blocked, with its deadline.
	ch, _ = streamBlockedRead(t, e, "XREAD", "BLOCK", "0", "STREAMS", "s", "3")
	streamWaitBlocked(t, e, 1)
	e.rdb.XGroupCreate(ctx, "s", "g", "$")
	e.rdb.XGroupDestroy(ctx, "s", "g")
	e.rdb.Del(ctx, "s")
	e.rdb.LPush(ctx, "s", "x")
	streamWaitBlocked(t, e, 1)
	e.rdb.Del(ctx, "s")
	e.rdb.XAdd(ctx, &redis.XAddArgs{Stream: "s", ID: "4", Values: []any{"f", "v"}})
	if got := streamRecv(t, ch); !strings.Contains(got, "4-0") {
		t.Fatalf("served %q", got)
	}

	// A timeout replies a null array.
	ch, _ = streamBlockedRead(t, e, "XREAD", "BLOCK", "50", "STREAMS", "s", "$")
	if got := streamRecv(t, ch); got != "*-1\r\n" {
		t.Fatalf("timeout reply %q", got)
	}
}

func TestStreamBlockingXReadGroupNoKey(t *testing.T) {
	e := newCollEnv(t)
	ctx := e.ctx
	setup := func() {
		e.rdb.Del(ctx, "s")
		e.rdb.XAdd(ctx, &redis.XAddArgs{Stream: "s", ID: "1", Values: []any{"f", "v"}})
		e.rdb.XGroupCreate(ctx, "s", "g", "$")
	}
	cases := []struct {
		name  string
		write func()
		want  string
	}{
		{"del", func() { e.rdb.Del(ctx, "s") }, "-NOGROUP No such key 's' or consumer group 'g' in XREADGROUP with GROUP option\r\n"},
		{"set", func() { e.rdb.Set(ctx, "s", "x", 0) }, "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"},
		{"destroy", func() { e.rdb.XGroupDestroy(ctx, "s", "g") }, "-NOGROUP No such key 's' or consumer group 'g' in XREADGROUP with GROUP option\r\n"},
		{"flushall", func() { e.rdb.FlushAll(ctx) }, "-NOGROUP No such key 's' or consumer group 'g' in XREADGROUP with GROUP option\r\n"},
		{"expire", func() {
			e.rdb.PExpire(ctx, "s", time.Millisecond)
			time.Sleep(5 * time.Millisecond)
			e.rdb.Exists(ctx, "s")
		},
			"-NOGROUP No such key 's' or consumer group 'g' in XREADGROUP with GROUP option\r\n"},
		{"xadd", func() { e.rdb.XAdd(ctx, &redis.XAddArgs{Stream: "s", ID: "2", Values: []any{"a", "b"}}) },
			"*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n2-0\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n"},
	}
	for _, c := range cases {
		setup()
		ch, _ := streamBlockedRead(t, e, "XREADGROUP", "GROUP", "g", "alice", "BLOCK", "0", "STREAMS", "s", ">")
		streamWaitBlocked(t, e, 1)
		if !strings.Contains(e.rdb.Info(ctx, "clients").Val(), "total_blocking_keys_on_nokey:1") {
			t.Fatalf("%s: total_blocking_keys_on_nokey", c.name)
		}
		c.write()
		if got := streamRecv(t, ch); got != c.want {
			t.Fatalf("%s: got %q, want %q", c.name, got, c.want)
		}
		streamWaitBlocked(t, e, 0)
		if !strings.Contains(e.rdb.Info(ctx, "clients").Val(), "total_blocking_keys_on_nokey:0") {
			t.Fatalf("%s: total_blocking_keys_on_nokey after", c.name)
		}
	}
}

// Clients blocked on the same group are served in the order they blocked;
// one that finds nothing left blocks again.
func TestStreamBlockingXReadGroupOrder(t *testing.T) {
	e := newCollEnv(t)
	ctx := e.ctx
	e.rdb.XGroupCreateMkStream(ctx, "s", "g", "$")
	var chans []chan string
	for i, name := range []string{"a", "b", "c"} {
		ch, _ := streamBlockedRead(t, e, "XREADGROUP", "GROUP", "g", name, "BLOCK", "0", "STREAMS", "s", ">")
		chans = append(chans, ch)
		streamWaitBlocked(t, e, i+1)
	}
	for i := 1; i <= 3; i++ {
		e.rdb.XAdd(ctx, &redis.XAddArgs{Stream: "s", ID: strconv.Itoa(i), Values: []any{"f", "v"}})
		if got := streamRecv(t, chans[i-1]); !strings.Contains(got, strconv.Itoa(i)+"-0") {
			t.Fatalf("client %d got %q", i, got)
		}
		streamWaitBlocked(t, e, 3-i)
	}
	p := e.rdb.XPendingExt(ctx, &redis.XPendingExtArgs{Stream: "s", Group: "g", Start: "-", End: "+", Count: 10}).Val()
	if len(p) != 3 || p[0].Consumer != "a" || p[1].Consumer != "b" || p[2].Consumer != "c" {
		t.Fatalf("PEL = %+v", p)
	}
}

func TestStreamClientUnblock(t *testing.T) {
	e := newCollEnv(t)
	ctx := e.ctx
	e.rdb.XGroupCreateMkStream(ctx, "s", "g", "$")
	for _, mode := range []string{"TIMEOUT", "ERROR"} {
		r := servertest.Dial(t, e.srv)
		id := strings.TrimSuffix(strings.TrimPrefix(r.Do("CLIENT", "ID"), ":"), "\r\n")
		r.Send("XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">")
		ch := make(chan string, 1)
		go func() { ch <- r.ReadReply() }()
		streamWaitBlocked(t, e, 1)
		if n := e.rdb.Do(ctx, "CLIENT", "UNBLOCK", id, mode).Val(); n != int64(1) {
			t.Fatalf("CLIENT UNBLOCK = %v", n)
		}
		want := "*-1\r\n"
		if mode == "ERROR" {
			want = "-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n"
		}
		if got := streamRecv(t, ch); got != want {
			t.Fatalf("%s: %q", mode, got)
		}
	}
}

// XGROUP and XSETID changes do not touch WATCHed keys (Valkey does not
// call signalModifiedKey for them); XADD does.
func TestStreamWatch(t *testing.T) {
	e := newCollEnv(t)
	ctx := e.ctx
	e.rdb.XAdd(ctx, &redis.XAddArgs{Stream: "s", ID: "1", Values: []any{"f", "v"}})
	run := func(change func()) error {
		return e.rdb.Watch(ctx, func(tx *redis.Tx) error {
			change()
			_, err := tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
				p.XLen(ctx, "s")
				return nil
			})
			return err
		}, "s")
	}
	if err := run(func() { e.rdb3.XGroupCreate(ctx, "s", "g", "0"); e.rdb3.Do(ctx, "XSETID", "s", "5") }); err != nil {
		t.Fatalf("XGROUP CREATE aborted the transaction: %v", err)
	}
	if err := run(func() { e.rdb3.XAdd(ctx, &redis.XAddArgs{Stream: "s", ID: "6", Values: []any{"f", "v"}}) }); !errors.Is(err, redis.TxFailedErr) {
		t.Fatalf("XADD did not abort the transaction: %v", err)
	}
}

func TestStreamConsumerTimes(t *testing.T) {
	e := newCollEnv(t)
	ctx := e.ctx
	e.rdb.XGroupCreateMkStream(ctx, "s", "g", "$")
	e.rdb.XReadGroup(ctx, &redis.XReadGroupArgs{Group: "g", Consumer: "alice", Streams: []string{"s", ">"}, Block: -1})
	time.Sleep(60 * time.Millisecond)
	c := e.rdb.XInfoConsumers(ctx, "s", "g").Val()
	if len(c) != 1 || c[0].Idle < 60*time.Millisecond || c[0].Inactive != -time.Millisecond {
		t.Fatalf("before any delivery: %+v", c)
	}
	e.rdb.XAdd(ctx, &redis.XAddArgs{Stream: "s", Values: []any{"f", "v"}})
	e.rdb.XReadGroup(ctx, &redis.XReadGroupArgs{Group: "g", Consumer: "alice", Streams: []string{"s", ">"}, Block: -1})
	time.Sleep(60 * time.Millisecond)
	e.rdb.XReadGroup(ctx, &redis.XReadGroupArgs{Group: "g", Consumer: "alice", Streams: []string{"s", ">"}, Block: -1})
	c = e.rdb.XInfoConsumers(ctx, "s", "g").Val()
	if c[0].Idle >= 60*time.Millisecond || c[0].Inactive < 60*time.Millisecond {
		t.Fatalf("after an empty read: %+v", c)
	}
}

// Many writers and blocked readers at once (for -race): every entry is
// delivered to exactly one consumer of the group.
func TestStreamConcurrentGroupReaders(t *testing.T) {
	e := newCollEnv(t)
	ctx := context.Background()
	e.rdb.XGroupCreateMkStream(ctx, "s", "g", "$")
	const writers, perWriter, readers = 4, 50, 4
	var mu sync.Mutex
	seen := map[string]int{}
	var wg sync.WaitGroup
	done := make(chan struct{})
	for r := 0; r < readers; r++ {
		c := servertest.Client(t, e.srv, 2)
		wg.Add(1)
		go func(name string) {
			defer wg.Done()
			for i := 0; i < 1000; i++ {
				res, err := c.XReadGroup(ctx, &redis.XReadGroupArgs{Group: "g", Consumer: name, Streams: []string{"s", ">"}, Count: 5, Block: 20 * time.Millisecond}).Result()
				if err == nil {
					mu.Lock()
					for _, m := range res[0].Messages {
						seen[m.ID]++
					}
					mu.Unlock()
				}
				select {
				case <-done:
					return
				default:
				}
			}
		}("r" + strconv.Itoa(r))
	}
	var ww sync.WaitGroup
	for w := 0; w < writers; w++ {
		c := servertest.Client(t, e.srv, 2)
		ww.Add(1)
		go func() {
			defer ww.Done()
			for i := 0; i < perWriter; i++ {
				c.XAdd(ctx, &redis.XAddArgs{Stream: "s", Values: []any{"f", i}})
			}
		}()
	}
	ww.Wait()
	for i := 0; i < 400; i++ {
		if e.rdb.XPending(ctx, "s", "g").Val().Count == writers*perWriter {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	close(done)
	wg.Wait()
	if len(seen) != writers*perWriter {
		t.Fatalf("delivered %d distinct entries, want %d", len(seen), writers*perWriter)
	}
	for id, n := range seen {
		if n != 1 {
			t.Fatalf("%s delivered %d times", id, n)
		}
	}
}
