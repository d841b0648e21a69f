package server_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"petrel/internal/commands"
	"petrel/internal/errs"
	"petrel/internal/keyspace"
	"petrel/internal/server"
	"petrel/internal/servertest"
)

// Transactions (multi.go): reply shapes, WATCH, and EXEC's atomicity and
// isolation against connections served on other cores.

func startTx(t *testing.T) *server.Server {
	t.Helper()
	return servertest.Start(t, func(st *server.Settings) { st.EnableDebugCommand = "yes" }, commands.Register)
}

// parallelModes serve connections truly in parallel: a goroutine each, or
// several event loops (a single loop would serialise every connection
// and prove nothing about isolation).
var parallelModes = []struct {
	name  string
	loops int
}{{"goroutines", 0}, {"loops", 4}}

func startParallel(t *testing.T, loops int) *server.Server {
	t.Helper()
	return servertest.Start(t, func(st *server.Settings) { st.EventLoops = loops }, commands.Register)
}

// is sends a command on a raw connection and checks the raw reply.
func txIs(t *testing.T, r *servertest.Raw, want string, args ...string) {
	t.Helper()
	if got := r.Do(args...); got != want {
		t.Fatalf("%s: got %q, want %q", strings.Join(args, " "), got, want)
	}
}

func txErr(err error) string { return "-" + errs.Text(err) + "\r\n" }

// infoField reads one INFO field.
func multiInfoField(t *testing.T, r *servertest.Raw, section, field string) string {
	t.Helper()
	raw := r.Do("INFO", section)
	for _, line := range strings.Split(raw, "\r\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			return v
		}
	}
	t.Fatalf("INFO %s has no %s: %q", section, field, raw)
	return ""
}

// clientField reads one field of CLIENT INFO.
func multiClientField(t *testing.T, r *servertest.Raw, field string) string {
	t.Helper()
	raw := r.Do("CLIENT", "INFO")
	for _, kv := range strings.Fields(raw) {
		if v, ok := strings.CutPrefix(kv, field+"="); ok {
			return v
		}
	}
	t.Fatalf("CLIENT INFO has no %s: %q", field, raw)
	return ""
}

func TestMultiQueueAndExec(t *testing.T) {
	srv := startTx(t)
	r := servertest.Dial(t, srv)
	txIs(t, r, "+OK\r\n", "MULTI")
	txIs(t, r, "+QUEUED\r\n", "SET", "a", "x")
	txIs(t, r, "+QUEUED\r\n", "INCR", "a") // fails when run: that aborts nothing
	txIs(t, r, "+QUEUED\r\n", "GET", "a")
	txIs(t, r, "*3\r\n+OK\r\n-ERR value is not an integer or out of range\r\n$1\r\nx\r\n", "EXEC")
	txIs(t, r, txErr(errs.ExecWithoutMulti), "EXEC")
	txIs(t, r, txErr(errs.DiscardWithoutMulti), "DISCARD")
	txIs(t, r, "+OK\r\n", "MULTI")
	txIs(t, r, "*0\r\n", "EXEC")

	// A rejection while queueing dooms the transaction.
	txIs(t, r, "+OK\r\n", "MULTI")
	txIs(t, r, "+QUEUED\r\n", "SET", "b", "1")
	txIs(t, r, txErr(errs.NotInMulti("multi")), "MULTI")
	txIs(t, r, txErr(errs.NotInMulti("watch")), "WATCH", "x")
	txIs(t, r, txErr(errs.NotInMulti("client|reply")), "CLIENT", "REPLY", "OFF")
	txIs(t, r, "-ERR wrong number of arguments for 'get' command\r\n", "GET")
	txIs(t, r, "+QUEUED\r\n", "SET", "c", "1")
	txIs(t, r, txErr(errs.ExecAbort), "EXEC")
	txIs(t, r, "*2\r\n$-1\r\n$-1\r\n", "MGET", "b", "c")

	// A rejected EXEC discards the transaction, giving the reason.
	txIs(t, r, "+OK\r\n", "MULTI")
	txIs(t, r, "+QUEUED\r\n", "SET", "b", "1")
	txIs(t, r, "-EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command\r\n", "EXEC", "x")
	txIs(t, r, txErr(errs.ExecWithoutMulti), "EXEC")

	// DISCARD forgets; RESET acts at once and ends the transaction.
	txIs(t, r, "+OK\r\n", "MULTI")
	txIs(t, r, "+QUEUED\r\n", "SET", "b", "1")
	txIs(t, r, "+OK\r\n", "DISCARD")
	txIs(t, r, "$-1\r\n", "GET", "b")
	txIs(t, r, "+OK\r\n", "MULTI")
	txIs(t, r, "+QUEUED\r\n", "SET", "b", "1")
	txIs(t, r, "+RESET\r\n", "RESET")
	txIs(t, r, txErr(errs.ExecWithoutMulti), "EXEC")
	txIs(t, r, "$-1\r\n", "GET", "b")

	// SELECT inside the transaction moves the later commands.
	txIs(t, r, "+OK\r\n", "MULTI")
	txIs(t, r, "+QUEUED\r\n", "SELECT", "3")
	txIs(t, r, "+QUEUED\r\n", "SET", "indb3", "v")
	txIs(t, r, "*2\r\n+OK\r\n+OK\r\n", "EXEC")
	txIs(t, r, "$1\r\nv\r\n", "GET", "indb3")
	txIs(t, r, "+OK\r\n", "SELECT", "0")
	txIs(t, r, "$-1\r\n", "GET", "indb3")

	// QUIT inside MULTI replies and closes.
	txIs(t, r, "+OK\r\n", "MULTI")
	txIs(t, r, "+OK\r\n", "QUIT")
}

func TestMultiClientListAndInfo(t *testing.T) {
	srv := startTx(t)
	r := servertest.Dial(t, srv)
	other := servertest.Dial(t, srv)
	if got := multiClientField(t, r, "multi"); got != "-1" {
		t.Fatalf("multi before any MULTI: %s", got)
	}
	txIs(t, r, "+OK\r\n", "WATCH", "k1", "k2", "k1")
	if got := multiClientField(t, r, "watch"); got != "2" {
		t.Fatalf("watch: %s", got)
	}
	if got := multiClientField(t, r, "multi"); got != "0" {
		t.Fatalf("multi after WATCH: %s", got)
	}
	txIs(t, other, "+OK\r\n", "WATCH", "k1")
	if w, k := multiInfoField(t, r, "clients", "watching_clients"), multiInfoField(t, r, "clients", "total_watched_keys"); w != "2" || k != "2" {
		t.Fatalf("watching_clients %s total_watched_keys %s, want 2 2", w, k)
	}
	txIs(t, r, "+OK\r\n", "MULTI")
	txIs(t, r, "+QUEUED\r\n", "SET", "a", "1")
	txIs(t, other, "+OK\r\n", "UNWATCH")
	lists := other.Do("CLIENT", "LIST")
	if !strings.Contains(lists, "flags=x ") || !strings.Contains(lists, "multi=1 watch=2") || !strings.Contains(lists, "multi-mem=29") {
		t.Fatalf("CLIENT LIST of a client in MULTI: %q", lists)
	}
	// Touching a watched key: flag d, the WATCHes and the queue go.
	txIs(t, other, "+OK\r\n", "SET", "k2", "v")
	lists = other.Do("CLIENT", "LIST")
	if !strings.Contains(lists, "flags=xd ") || !strings.Contains(lists, "multi=0 watch=0") {
		t.Fatalf("CLIENT LIST of a dirty client: %q", lists)
	}
	if w, k := multiInfoField(t, other, "clients", "watching_clients"), multiInfoField(t, other, "clients", "total_watched_keys"); w != "0" || k != "0" {
		t.Fatalf("after the touch: watching_clients %s total_watched_keys %s", w, k)
	}
	txIs(t, r, "+QUEUED\r\n", "SET", "a", "2")
	txIs(t, r, "*-1\r\n", "EXEC")
	if got := multiClientField(t, r, "flags"); got != "N" {
		t.Fatalf("flags after EXEC: %s", got)
	}

	// A closed connection stops watching.
	c := servertest.Dial(t, srv)
	txIs(t, c, "+OK\r\n", "WATCH", "x", "y")
	if got := multiInfoField(t, r, "clients", "total_watched_keys"); got != "2" {
		t.Fatalf("total_watched_keys %s", got)
	}
	_ = c.Conn.Close()
	deadline := time.Now().Add(5 * time.Second)
	for multiInfoField(t, r, "clients", "watching_clients") != "0" {
		if time.Now().After(deadline) {
			t.Fatal("a closed client still counts as watching")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestMultiWatch(t *testing.T) {
	srv := startTx(t)
	r := servertest.Dial(t, srv)
	other := servertest.Dial(t, srv)

	// Touched by another connection, or by the client itself.
	for _, toucher := range []*servertest.Raw{other, r} {
		txIs(t, r, "+OK\r\n", "SET", "w", "1")
		txIs(t, r, "+OK\r\n", "WATCH", "w")
		txIs(t, toucher, ":2\r\n", "INCR", "w")
		txIs(t, r, "+OK\r\n", "MULTI")
		txIs(t, r, "+QUEUED\r\n", "INCR", "w")
		txIs(t, r, "*-1\r\n", "EXEC")
		txIs(t, r, "$1\r\n2\r\n", "GET", "w")
	}
	// Untouched: EXEC runs, and afterwards nothing is watched.
	txIs(t, r, "+OK\r\n", "WATCH", "w", "other")
	txIs(t, other, "+OK\r\n", "SET", "unrelated", "1")
	txIs(t, r, "+OK\r\n", "MULTI")
	txIs(t, r, "+QUEUED\r\n", "INCR", "w")
	txIs(t, r, "*1\r\n:3\r\n", "EXEC")
	txIs(t, other, ":4\r\n", "INCR", "w")
	txIs(t, r, "+OK\r\n", "MULTI")
	txIs(t, r, "*0\r\n", "EXEC")

	// UNWATCH and DISCARD clear the dirty state.
	txIs(t, r, "+OK\r\n", "WATCH", "w")
	txIs(t, other, ":5\r\n", "INCR", "w")
	txIs(t, r, "+OK\r\n", "UNWATCH")
	txIs(t, r, "+OK\r\n", "MULTI")
	txIs(t, r, "*0\r\n", "EXEC")

	// Another database's key of the same name is another key.
	txIs(t, r, "+OK\r\n", "WATCH", "w")
	txIs(t, other, "+OK\r\n", "SELECT", "1")
	txIs(t, other, "+OK\r\n", "SET", "w", "x")
	txIs(t, other, "+OK\r\n", "SELECT", "0")
	txIs(t, r, "+OK\r\n", "MULTI")
	txIs(t, r, "*0\r\n", "EXEC")

	// RENAME and MOVE touch both keys; FLUSHALL, FLUSHDB, SWAPDB the keys
	// that exist.
	touches := [][]string{
		{"RENAME", "w", "w2"},
		{"MOVE", "w", "2"},
		{"FLUSHALL"},
		{"FLUSHDB"},
		{"SWAPDB", "0", "5"},
		{"EXPIRE", "w", "100"},
		{"DEL", "w"},
	}
	for _, cmd := range touches {
		txIs(t, r, "+OK\r\n", "FLUSHALL")
		txIs(t, r, "+OK\r\n", "SET", "w", "1")
		txIs(t, r, "+OK\r\n", "WATCH", "w", "w2")
		if got := other.Do(cmd...); got[0] == '-' {
			t.Fatalf("%v: %q", cmd, got)
		}
		txIs(t, r, "+OK\r\n", "MULTI")
		txIs(t, r, "+QUEUED\r\n", "PING")
		if got := r.Do("EXEC"); got != "*-1\r\n" {
			t.Fatalf("WATCH then %v: EXEC replied %q", cmd, got)
		}
	}
	// ... but not the keys that do not exist, in either database.
	for _, cmd := range [][]string{{"FLUSHALL"}, {"FLUSHDB"}, {"SWAPDB", "0", "5"}} {
		txIs(t, r, "+OK\r\n", "FLUSHALL")
		txIs(t, r, "+OK\r\n", "SET", "unwatched", "1")
		txIs(t, r, "+OK\r\n", "WATCH", "w")
		if got := other.Do(cmd...); got[0] == '-' {
			t.Fatalf("%v: %q", cmd, got)
		}
		txIs(t, r, "+OK\r\n", "MULTI")
		txIs(t, r, "*0\r\n", "EXEC")
	}
	// SWAPDB bringing the key from the other database touches it.
	txIs(t, r, "+OK\r\n", "FLUSHALL")
	txIs(t, other, "+OK\r\n", "SELECT", "5")
	txIs(t, other, "+OK\r\n", "SET", "w", "1")
	txIs(t, other, "+OK\r\n", "SELECT", "0")
	txIs(t, r, "+OK\r\n", "WATCH", "w")
	txIs(t, other, "+OK\r\n", "SWAPDB", "5", "0")
	txIs(t, r, "+OK\r\n", "MULTI")
	txIs(t, r, "*-1\r\n", "EXEC")
}

func TestMultiWatchExpiry(t *testing.T) {
	srv := startTx(t)
	r := servertest.Dial(t, srv)
	txIs(t, r, "+OK\r\n", "DEBUG", "SET-ACTIVE-EXPIRE", "0")
	defer r.Do("DEBUG", "SET-ACTIVE-EXPIRE", "1")

	// The TTL passes between WATCH and EXEC: EXEC fails.
	txIs(t, r, "+OK\r\n", "SET", "e", "1", "PX", "30")
	txIs(t, r, "+OK\r\n", "WATCH", "e")
	time.Sleep(60 * time.Millisecond)
	txIs(t, r, "+OK\r\n", "MULTI")
	txIs(t, r, "+QUEUED\r\n", "PING")
	txIs(t, r, "*-1\r\n", "EXEC")

	// Already expired when watched: its expiry and deletion change nothing.
	txIs(t, r, "+OK\r\n", "SET", "e", "1", "PX", "1")
	time.Sleep(10 * time.Millisecond)
	txIs(t, r, "+OK\r\n", "WATCH", "e")
	txIs(t, r, ":0\r\n", "EXISTS", "e") // deletes it lazily
	txIs(t, r, "+OK\r\n", "MULTI")
	txIs(t, r, "+QUEUED\r\n", "PING")
	txIs(t, r, "*1\r\n+PONG\r\n", "EXEC")

	// ... but a new value does.
	txIs(t, r, "+OK\r\n", "SET", "e", "1", "PX", "1")
	time.Sleep(10 * time.Millisecond)
	txIs(t, r, "+OK\r\n", "WATCH", "e")
	txIs(t, r, "+OK\r\n", "SET", "e", "2")
	txIs(t, r, "+OK\r\n", "MULTI")
	txIs(t, r, "*-1\r\n", "EXEC")
}

func TestMultiExecRunsEverything(t *testing.T) {
	srv := startTx(t)
	r := servertest.Dial(t, srv)
	// Blocking commands do not block; statistics commands that lock the
	// keyspace themselves run without deadlocking, replies in order;
	// keyspace-wide commands run under the transaction's locks.
	txIs(t, r, "+OK\r\n", "SET", "k", "v")
	txIs(t, r, "+OK\r\n", "MULTI")
	for _, cmd := range [][]string{
		{"BLPOP", "nolist", "0"},
		{"SET", "k2", "v2"},
		{"INFO", "keyspace"},
		{"DBSIZE"},
		{"MEMORY", "STATS"},
		{"KEYS", "k*"},
		{"DEBUG", "OBJECT", "k"},
		{"CONFIG", "RESETSTAT"},
		{"BLMOVE", "nolist", "l2", "LEFT", "LEFT", "0"},
	} {
		txIs(t, r, "+QUEUED\r\n", cmd...)
	}
	r.Send("EXEC")
	got := r.ReadReply()
	for _, want := range []string{"*9\r\n*-1\r\n+OK\r\n", "db0:keys=2,", "\r\n:2\r\n", "*2\r\n", "Value at:", "+OK\r\n$-1\r\n"} {
		if !strings.Contains(got, want) {
			t.Fatalf("EXEC reply %q lacks %q", got, want)
		}
	}
	if i, j := strings.Index(got, "db0:keys=2"), strings.Index(got, "Value at:"); i > j {
		t.Fatalf("replies out of order: %q", got)
	}

	txIs(t, r, "+OK\r\n", "MULTI")
	txIs(t, r, "+QUEUED\r\n", "FLUSHALL")
	txIs(t, r, "+QUEUED\r\n", "DBSIZE")
	txIs(t, r, "*2\r\n+OK\r\n:0\r\n", "EXEC")

	// RESP3: an EXEC failed by WATCH is a null.
	txIs(t, r, "+OK\r\n", "SET", "w", "1")
	r.Do("HELLO", "3")
	txIs(t, r, "+OK\r\n", "WATCH", "w")
	txIs(t, r, "+OK\r\n", "SET", "w", "2")
	txIs(t, r, "+OK\r\n", "MULTI")
	txIs(t, r, "+QUEUED\r\n", "GET", "w")
	txIs(t, r, "_\r\n", "EXEC")
}

func TestMultiPauseWrite(t *testing.T) {
	srv := startTx(t)
	r := servertest.Dial(t, srv)
	admin := servertest.Dial(t, srv)
	txIs(t, r, "+OK\r\n", "MULTI")
	txIs(t, r, "+QUEUED\r\n", "GET", "k")
	txIs(t, admin, "+OK\r\n", "CLIENT", "PAUSE", "100000", "WRITE")
	txIs(t, r, "*1\r\n$-1\r\n", "EXEC") // reads only: not held

	// EXEC of a queued write waits for the pause to end.
	txIs(t, admin, "+OK\r\n", "CLIENT", "UNPAUSE")
	txIs(t, r, "+OK\r\n", "MULTI")
	txIs(t, r, "+QUEUED\r\n", "SET", "k", "1")
	txIs(t, admin, "+OK\r\n", "CLIENT", "PAUSE", "100000", "WRITE")
	r.Send("EXEC")
	_ = r.Conn.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
	if _, err := r.R.ReadByte(); err == nil {
		t.Fatal("EXEC of a write ran during CLIENT PAUSE WRITE")
	}
	txIs(t, admin, "+OK\r\n", "CLIENT", "UNPAUSE")
	if got := r.ReadReply(); got != "*1\r\n+OK\r\n" {
		t.Fatalf("EXEC after the pause: %q", got)
	}
}

// shardKeys returns n keys in n different keyspace shards.
func txShardKeys(prefix string, n int) []string {
	var keys []string
	seen := map[int]bool{}
	for i := 0; len(keys) < n; i++ {
		k := prefix + strconv.Itoa(i)
		if sh := keyspace.ShardOf([]byte(k)); !seen[sh] {
			seen[sh] = true
			keys = append(keys, k)
		}
	}
	return keys
}

// TestMultiWatchNoLostUpdates: many connections increment shared counters
// optimistically (WATCH, GET, MULTI, SET value+1, EXEC, again on a null
// EXEC). Every successful EXEC must count exactly once.
func TestMultiWatchNoLostUpdates(t *testing.T) {
	for _, m := range parallelModes {
		t.Run(m.name, func(t *testing.T) { testWatchNoLostUpdates(t, startParallel(t, m.loops)) })
	}
}

func testWatchNoLostUpdates(t *testing.T, srv *server.Server) {
	ctx := context.Background()
	keys := txShardKeys("counter", 3)
	const workers, perWorker, maxAttempts = 8, 40, 100000
	var wg sync.WaitGroup
	var failures atomic.Int64
	errc := make(chan error, workers)
	for w := range workers {
		cl := servertest.Client(t, srv, 2+w%2)
		wg.Add(1)
		go func() {
			defer wg.Done()
			done, attempts := 0, 0
			for done < perWorker {
				attempts++
				if attempts > maxAttempts {
					errc <- fmt.Errorf("worker %d: no progress", w)
					return
				}
				key := keys[(w+done)%len(keys)]
				err := cl.Watch(ctx, func(tx *redis.Tx) error {
					n, err := tx.Get(ctx, key).Int()
					if err != nil && !errors.Is(err, redis.Nil) {
						return err
					}
					_, err = tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
						p.Set(ctx, key, n+1, 0)
						p.Incr(ctx, key+":incr")
						return nil
					})
					return err
				}, key)
				switch {
				case err == nil:
					done++
				case errors.Is(err, redis.TxFailedErr):
					failures.Add(1)
				default:
					errc <- fmt.Errorf("worker %d: %v", w, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Fatal(err)
	}
	cl := servertest.Client(t, srv, 2)
	total := 0
	for _, k := range keys {
		n, _ := cl.Get(ctx, k).Int()
		m, _ := cl.Get(ctx, k+":incr").Int()
		if n != m {
			t.Fatalf("%s = %d but its INCR twin is %d: a transaction was split", k, n, m)
		}
		total += n
	}
	if total != workers*perWorker {
		t.Fatalf("counters sum to %d, want %d (lost or doubled updates)", total, workers*perWorker)
	}
	t.Logf("%d EXECs failed by WATCH and retried", failures.Load())
}

// TestMultiAtomicAcrossShards: writers increment keys in different shards
// in one transaction; readers (MGET, and transactions of GETs) must always
// see all of them equal.
func TestMultiAtomicAcrossShards(t *testing.T) {
	for _, m := range parallelModes {
		t.Run(m.name, func(t *testing.T) { testAtomicAcrossShards(t, startParallel(t, m.loops)) })
	}
}

func testAtomicAcrossShards(t *testing.T, srv *server.Server) {
	ctx := context.Background()
	keys := txShardKeys("atom", 8)
	const writers, readers, rounds = 4, 4, 200
	var wg sync.WaitGroup
	var stop atomic.Bool
	errc := make(chan error, writers+readers)
	for w := range writers {
		cl := servertest.Client(t, srv, 2)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range rounds {
				cmds, err := cl.TxPipelined(ctx, func(p redis.Pipeliner) error {
					for _, k := range keys {
						p.Incr(ctx, k)
					}
					return nil
				})
				if err != nil || len(cmds) != len(keys) {
					errc <- fmt.Errorf("writer %d: %v", w, err)
					return
				}
			}
		}()
	}
	var readerWG sync.WaitGroup
	var reads atomic.Int64
	for rd := range readers {
		cl := servertest.Client(t, srv, 3)
		readerWG.Add(1)
		go func() {
			defer readerWG.Done()
			for i := 0; !stop.Load() && i < 1_000_000; i++ {
				var vals []any
				if i%2 == 0 {
					v, err := cl.MGet(ctx, keys...).Result()
					if err != nil {
						errc <- err
						return
					}
					vals = v
				} else {
					cmds, err := cl.TxPipelined(ctx, func(p redis.Pipeliner) error {
						for _, k := range keys {
							p.Get(ctx, k)
						}
						return nil
					})
					if err != nil && !errors.Is(err, redis.Nil) {
						errc <- err
						return
					}
					for _, c := range cmds {
						v, _ := c.(*redis.StringCmd).Result()
						vals = append(vals, v)
					}
				}
				for _, v := range vals[1:] {
					if fmt.Sprint(v) != fmt.Sprint(vals[0]) {
						errc <- fmt.Errorf("reader %d saw a partial transaction: %v", rd, vals)
						return
					}
				}
				reads.Add(1)
			}
		}()
	}
	wg.Wait()
	stop.Store(true)
	readerWG.Wait()
	close(errc)
	for err := range errc {
		t.Fatal(err)
	}
	cl := servertest.Client(t, srv, 2)
	for _, k := range keys {
		if n, _ := cl.Get(ctx, k).Int(); n != writers*rounds {
			t.Fatalf("%s = %d, want %d", k, n, writers*rounds)
		}
	}
	t.Logf("%d consistent reads", reads.Load())
}
