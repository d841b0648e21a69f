package server_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"petrel/internal/commands"
	"petrel/internal/server"
	"petrel/internal/servertest"
)

// Scripting (scripting.go): real-world scripts through go-redis, busy
// scripts, SCRIPT/FUNCTION KILL, the script cache bound, FUNCTION
// DUMP/RESTORE. Reply texts and conversions are covered by the
// differential cases (test/diff/cases/scripting.txt, functions.txt).

// scriptModes serve connections with one event loop (the default on two
// cores: a busy script holds the loop's goroutine, so a stand-in must
// serve the other clients) and with a goroutine each.
var scriptModes = []struct {
	name  string
	loops int
}{{"loop", 1}, {"goroutines", 0}}

func startScripting(t *testing.T, loops int) *server.Server {
	t.Helper()
	return servertest.Start(t, func(st *server.Settings) {
		st.EventLoops = loops
		st.EnableDebugCommand = "yes"
	}, commands.Register)
}

// A token-bucket rate limiter: refill by elapsed time, take one token if
// there is one, all in one atomic script.
const tokenBucket = `
local key = KEYS[1]
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])      -- tokens per second
local now = tonumber(ARGV[3])       -- milliseconds
local state = redis.call('HMGET', key, 'tokens', 'ts')
local tokens = tonumber(state[1])
local ts = tonumber(state[2])
if tokens == nil then
  tokens, ts = capacity, now
end
local refill = math.floor((now - ts) * rate / 1000)
if refill > 0 then
  tokens = math.min(capacity, tokens + refill)
  ts = now
end
local allowed = 0
if tokens > 0 then
  tokens = tokens - 1
  allowed = 1
end
redis.call('HSET', key, 'tokens', tokens, 'ts', ts)
redis.call('PEXPIRE', key, math.ceil(capacity / rate * 1000))
return {allowed, tokens}
`

func TestScriptTokenBucket(t *testing.T) {
	srv := startScripting(t, 1)
	rdb := servertest.Client(t, srv, 2)
	ctx := context.Background()
	script := redis.NewScript(tokenBucket)
	take := func(now int) (bool, int64) {
		t.Helper()
		v, err := script.Run(ctx, rdb, []string{"bucket:user1"}, 3, 1, now).Int64Slice()
		if err != nil {
			t.Fatalf("script: %v", err)
		}
		return v[0] == 1, v[1]
	}
	// A full bucket of 3 serves 3 requests, then refuses.
	for i, want := range []int64{2, 1, 0} {
		ok, left := take(1000)
		if !ok || left != want {
			t.Fatalf("request %d: allowed %v, %d left; want allowed, %d left", i, ok, left, want)
		}
	}
	if ok, _ := take(1000); ok {
		t.Fatal("empty bucket allowed a request")
	}
	// Two seconds at one token a second refill two tokens.
	if ok, left := take(3000); !ok || left != 1 {
		t.Fatalf("after refill: allowed %v, %d left; want allowed, 1 left", ok, left)
	}
	ttl, err := rdb.PTTL(ctx, "bucket:user1").Result()
	if err != nil || ttl <= 0 || ttl > 3*time.Second {
		t.Fatalf("PTTL = %v, %v; want within 3s", ttl, err)
	}
	// go-redis ran it with EVALSHA after the first EVAL: it is cached.
	exists, err := rdb.ScriptExists(ctx, script.Hash()).Result()
	if err != nil || !exists[0] {
		t.Fatalf("SCRIPT EXISTS = %v, %v", exists, err)
	}
}

// Redlock's release: delete the lock only if it still holds our token.
const compareAndDelete = `
if redis.call("get", KEYS[1]) == ARGV[1] then
  return redis.call("del", KEYS[1])
else
  return 0
end`

func TestScriptRedlockUnlock(t *testing.T) {
	srv := startScripting(t, 1)
	rdb := servertest.Client(t, srv, 3)
	ctx := context.Background()
	unlock := redis.NewScript(compareAndDelete)
	ok, err := rdb.SetNX(ctx, "lock:res", "token-a", 10*time.Second).Result()
	if err != nil || !ok {
		t.Fatalf("SETNX = %v, %v", ok, err)
	}
	if n, err := unlock.Run(ctx, rdb, []string{"lock:res"}, "token-b").Int(); err != nil || n != 0 {
		t.Fatalf("unlock with a foreign token = %d, %v; want 0", n, err)
	}
	if v, _ := rdb.Get(ctx, "lock:res").Result(); v != "token-a" {
		t.Fatalf("lock value %q after a foreign unlock", v)
	}
	if n, err := unlock.Run(ctx, rdb, []string{"lock:res"}, "token-a").Int(); err != nil || n != 1 {
		t.Fatalf("unlock with our token = %d, %v; want 1", n, err)
	}
	if n, _ := rdb.Exists(ctx, "lock:res").Result(); n != 0 {
		t.Fatal("the lock survived its unlock")
	}
	if n, err := unlock.Run(ctx, rdb, []string{"lock:res"}, "token-a").Int(); err != nil || n != 0 {
		t.Fatalf("unlock of a free lock = %d, %v; want 0", n, err)
	}
}

// A job queue step, as queue libraries do it: take the next job from the
// wait list to the active list, record it in its hash, and schedule a
// retry in the delayed set.
const moveToActive = `
local jobId = redis.call('RPOPLPUSH', KEYS[1], KEYS[2])
if not jobId then
  return false
end
local jobKey = KEYS[3] .. jobId
redis.call('HSET', jobKey, 'state', 'active', 'processedOn', ARGV[1], 'worker', ARGV[2])
redis.call('HINCRBY', jobKey, 'attempts', 1)
redis.call('ZADD', KEYS[4], tonumber(ARGV[1]) + tonumber(ARGV[3]), jobId)
return {jobId, redis.call('HGET', jobKey, 'payload')}
`

func TestScriptJobQueue(t *testing.T) {
	srv := startScripting(t, 1)
	rdb := servertest.Client(t, srv, 2)
	ctx := context.Background()
	keys := []string{"{q}:wait", "{q}:active", "{q}:job:", "{q}:delayed"}
	for i := 1; i <= 3; i++ {
		id := strconv.Itoa(i)
		rdb.HSet(ctx, "{q}:job:"+id, "payload", "data-"+id, "state", "waiting")
		rdb.LPush(ctx, "{q}:wait", id)
	}
	step := redis.NewScript(moveToActive)
	for i := 1; i <= 3; i++ {
		v, err := step.Run(ctx, rdb, keys, 1000*i, "worker-1", 30000).StringSlice()
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		id := strconv.Itoa(i)
		if len(v) != 2 || v[0] != id || v[1] != "data-"+id {
			t.Fatalf("step %d = %q; want [%s data-%s]", i, v, id, id)
		}
		h, _ := rdb.HGetAll(ctx, "{q}:job:"+id).Result()
		if h["state"] != "active" || h["worker"] != "worker-1" || h["attempts"] != "1" || h["processedOn"] != strconv.Itoa(1000*i) {
			t.Fatalf("job %s hash = %v", id, h)
		}
		score, err := rdb.ZScore(ctx, "{q}:delayed", id).Result()
		if err != nil || score != float64(1000*i+30000) {
			t.Fatalf("job %s delayed score = %v, %v", id, score, err)
		}
	}
	// The wait list is empty: the script returns false, a nil reply.
	if _, err := step.Run(ctx, rdb, keys, 5000, "worker-1", 30000).Result(); !errors.Is(err, redis.Nil) {
		t.Fatalf("empty queue: err = %v, want redis.Nil", err)
	}
	if active, _ := rdb.LRange(ctx, "{q}:active", 0, -1).Result(); strings.Join(active, ",") != "3,2,1" {
		t.Fatalf("active list = %v", active)
	}
}

// setBusyThreshold lowers busy-reply-threshold for a test.
func setBusyThreshold(t *testing.T, rdb *redis.Client, ms int) {
	t.Helper()
	if err := rdb.ConfigSet(context.Background(), "busy-reply-threshold", strconv.Itoa(ms)).Err(); err != nil {
		t.Fatalf("CONFIG SET busy-reply-threshold: %v", err)
	}
}

// startBusy runs body on its own connection and returns the channel its
// reply (or error) arrives on.
func startBusy(t *testing.T, srv *server.Server, run func(r *servertest.Raw) string) <-chan string {
	t.Helper()
	r := servertest.Dial(t, srv)
	out := make(chan string, 1)
	go func() { out <- run(r) }()
	return out
}

// waitBusy polls with PING on c until it gets -BUSY.
func waitBusy(t *testing.T, c *servertest.Raw) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if r := c.Do("PING"); strings.HasPrefix(r, "-BUSY") {
			return r
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatal("the script never turned busy")
	return ""
}

func readAsync(r *servertest.Raw) string {
	_ = r.Conn.SetReadDeadline(time.Now().Add(20 * time.Second))
	s, err := servertest.ReadRaw(r.R)
	if err != nil {
		return "read error: " + err.Error()
	}
	return s
}

func TestScriptBusyAndKill(t *testing.T) {
	for _, m := range scriptModes {
		t.Run(m.name, func(t *testing.T) {
			srv := startScripting(t, m.loops)
			rdb := servertest.Client(t, srv, 2)
			setBusyThreshold(t, rdb, 100)
			other := servertest.Dial(t, srv)
			if r := other.Do("SCRIPT", "KILL"); r != "-NOTBUSY No scripts in execution right now.\r\n" {
				t.Fatalf("SCRIPT KILL with no script = %q", r)
			}

			done := startBusy(t, srv, func(r *servertest.Raw) string {
				r.Send("EVAL", "local i = 0 while true do i = i + 1 end", "0")
				return readAsync(r)
			})
			busy := waitBusy(t, other)
			if busy != "-BUSY Valkey is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\r\n" {
				t.Fatalf("busy reply = %q", busy)
			}
			if r := other.Do("GET", "k"); !strings.HasPrefix(r, "-BUSY") {
				t.Fatalf("GET during a busy script = %q", r)
			}
			if r := other.Do("FUNCTION", "STATS"); !strings.HasPrefix(r, "-BUSY") {
				t.Fatalf("FUNCTION STATS during a busy EVAL = %q", r)
			}
			if r := other.Do("FUNCTION", "KILL"); !strings.HasPrefix(r, "-BUSY Valkey is busy running a script. You can only call SCRIPT KILL") {
				t.Fatalf("FUNCTION KILL of an EVAL = %q", r)
			}
			if r := other.Do("SHUTDOWN"); !strings.HasPrefix(r, "-BUSY") {
				t.Fatalf("SHUTDOWN without NOSAVE = %q", r)
			}
			if r := other.Do("SCRIPT", "KILL"); r != "+OK\r\n" {
				t.Fatalf("SCRIPT KILL = %q", r)
			}
			select {
			case r := <-done:
				if !strings.HasPrefix(r, "-ERR Script killed by user with SCRIPT KILL. script: ") {
					t.Fatalf("killed script replied %q", r)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("the killed script did not end")
			}
			if r := other.Do("PING"); r != "+PONG\r\n" {
				t.Fatalf("PING after the kill = %q", r)
			}
			if r := other.Do("SCRIPT", "KILL"); !strings.HasPrefix(r, "-NOTBUSY") {
				t.Fatalf("SCRIPT KILL after the kill = %q", r)
			}
		})
	}
}

// A command sent before the threshold waits for the script; if the
// script ends in time it runs normally (it never sees -BUSY).
func TestScriptShortScriptMakesOthersWait(t *testing.T) {
	for _, m := range scriptModes {
		t.Run(m.name, func(t *testing.T) {
			srv := startScripting(t, m.loops)
			rdb := servertest.Client(t, srv, 2)
			setBusyThreshold(t, rdb, 5000)
			done := startBusy(t, srv, func(r *servertest.Raw) string {
				r.Send("EVAL", "redis.call('set', 'k', 'before'); local t = os.clock() + 0.3; while os.clock() < t do end; redis.call('set', 'k', 'after'); return 'done'", "0")
				return readAsync(r)
			})
			time.Sleep(50 * time.Millisecond)
			other := servertest.Dial(t, srv)
			// The script holds every shard: GET waits and sees its end state.
			if r := other.Do("GET", "k"); r != "$5\r\nafter\r\n" {
				t.Fatalf("GET during a short script = %q, want the value after it", r)
			}
			if r := <-done; r != "$4\r\ndone\r\n" {
				t.Fatalf("script = %q", r)
			}
		})
	}
}

func TestScriptUnkillableAfterWrite(t *testing.T) {
	srv := startScripting(t, 1)
	rdb := servertest.Client(t, srv, 2)
	setBusyThreshold(t, rdb, 100)
	other := servertest.Dial(t, srv)
	// The script writes, spins until a key it can see changes... which
	// cannot happen while it runs, so it ends on its own after a while.
	done := startBusy(t, srv, func(r *servertest.Raw) string {
		r.Send("EVAL", "redis.call('set', 'w', '1'); local t = os.clock() + 0.6; while os.clock() < t do end; return 'finished'", "0")
		return readAsync(r)
	})
	waitBusy(t, other)
	if r := other.Do("SCRIPT", "KILL"); !strings.HasPrefix(r, "-UNKILLABLE Sorry the script already executed write commands") {
		t.Fatalf("SCRIPT KILL of a script that wrote = %q", r)
	}
	if r := <-done; r != "$8\r\nfinished\r\n" {
		t.Fatalf("script = %q", r)
	}
}

func TestFunctionBusyStatsAndKill(t *testing.T) {
	for _, m := range scriptModes {
		t.Run(m.name, func(t *testing.T) {
			srv := startScripting(t, m.loops)
			rdb := servertest.Client(t, srv, 2)
			ctx := context.Background()
			setBusyThreshold(t, rdb, 100)
			lib := "#!lua name=spin\nredis.register_function('spin', function(keys, args) while true do end end)"
			if err := rdb.FunctionLoad(ctx, lib).Err(); err != nil {
				t.Fatal(err)
			}
			other := servertest.Dial(t, srv)
			done := startBusy(t, srv, func(r *servertest.Raw) string {
				r.Send("FCALL", "spin", "1", "somekey", "arg")
				return readAsync(r)
			})
			if r := waitBusy(t, other); r != "-BUSY Valkey is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.\r\n" {
				t.Fatalf("busy reply = %q", r)
			}
			stats := other.Do("FUNCTION", "STATS")
			for _, want := range []string{"$14\r\nrunning_script\r\n", "$4\r\nspin\r\n", "$5\r\nFCALL\r\n", "$7\r\nsomekey\r\n", "$11\r\nduration_ms\r\n", "$15\r\nlibraries_count\r\n:1\r\n"} {
				if !strings.Contains(stats, want) {
					t.Fatalf("FUNCTION STATS during a busy function = %q, lacks %q", stats, want)
				}
			}
			if r := other.Do("SCRIPT", "KILL"); !strings.HasPrefix(r, "-BUSY Valkey is busy running a script. You can only call FUNCTION KILL") {
				t.Fatalf("SCRIPT KILL of a function = %q", r)
			}
			if r := other.Do("FUNCTION", "KILL"); r != "+OK\r\n" {
				t.Fatalf("FUNCTION KILL = %q", r)
			}
			if r := <-done; r != "-ERR Script killed by user with FUNCTION KILL. script: spin, on @user_function:2.\r\n" {
				t.Fatalf("killed function replied %q", r)
			}
		})
	}
}

// A pcall cannot swallow the kill for good.
func TestScriptKillThroughPcall(t *testing.T) {
	srv := startScripting(t, 1)
	rdb := servertest.Client(t, srv, 2)
	setBusyThreshold(t, rdb, 100)
	other := servertest.Dial(t, srv)
	done := startBusy(t, srv, func(r *servertest.Raw) string {
		r.Send("EVAL", "while true do pcall(function() while true do end end) end", "0")
		return readAsync(r)
	})
	waitBusy(t, other)
	if r := other.Do("SCRIPT", "KILL"); r != "+OK\r\n" {
		t.Fatalf("SCRIPT KILL = %q", r)
	}
	select {
	case r := <-done:
		if !strings.Contains(r, "Script killed by user with SCRIPT KILL.") {
			t.Fatalf("killed script replied %q", r)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("pcall kept the killed script alive")
	}
}

func TestScriptShutdownNosaveDuringBusyScript(t *testing.T) {
	srv := startScripting(t, 1)
	rdb := servertest.Client(t, srv, 2)
	setBusyThreshold(t, rdb, 100)
	other := servertest.Dial(t, srv)
	done := startBusy(t, srv, func(r *servertest.Raw) string {
		r.Send("EVAL", "redis.call('set', 'x', 1) while true do end", "0")
		return readAsync(r)
	})
	waitBusy(t, other)
	other.Send("SHUTDOWN", "NOSAVE")
	select {
	case <-srv.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("SHUTDOWN NOSAVE did not stop the server")
	}
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the busy script's connection stayed open")
	}
}

// Several connections run scripts at once: each script is atomic.
func TestScriptAtomicity(t *testing.T) {
	srv := startScripting(t, 0)
	rdb := servertest.Client(t, srv, 2)
	ctx := context.Background()
	const incrBoth = "local a = redis.call('incr', KEYS[1]); local b = redis.call('incr', KEYS[2]); if a ~= b then return redis.error_reply('torn') end; return a"
	var wg sync.WaitGroup
	errc := make(chan error, 8)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				if err := rdb.Eval(ctx, incrBoth, []string{"a", "b"}).Err(); err != nil {
					errc <- err
					return
				}
				// A plain client touching one of the keys between the
				// script's two INCRs would tear them apart.
				if v, err := rdb.Get(ctx, "a").Int(); err != nil || v <= 0 {
					errc <- fmt.Errorf("GET a = %d, %v", v, err)
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
	a, _ := rdb.Get(ctx, "a").Int()
	b, _ := rdb.Get(ctx, "b").Int()
	if a != 1600 || b != 1600 {
		t.Fatalf("a=%d b=%d, want 1600 each", a, b)
	}
}

func TestScriptCacheEvictsEvalScriptsOnly(t *testing.T) {
	srv := startScripting(t, 1)
	rdb := servertest.Client(t, srv, 2)
	ctx := context.Background()
	loaded, err := rdb.ScriptLoad(ctx, "return 'pinned'").Result()
	if err != nil {
		t.Fatal(err)
	}
	first := redis.NewScript("return 0")
	if err := first.Eval(ctx, rdb, nil).Err(); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 500; i++ {
		if err := rdb.Eval(ctx, "return "+strconv.Itoa(i), nil).Err(); err != nil {
			t.Fatal(err)
		}
	}
	info, _ := rdb.Info(ctx, "memory", "stats").Result()
	if !strings.Contains(info, "number_of_cached_scripts:501\r\n") || !strings.Contains(info, "evicted_scripts:1\r\n") {
		t.Fatalf("INFO after 501 EVALs and one SCRIPT LOAD:\n%s", info)
	}
	ex, _ := rdb.ScriptExists(ctx, loaded, first.Hash()).Result()
	if !ex[0] || ex[1] {
		t.Fatalf("SCRIPT EXISTS pinned, oldest = %v; want [true false]", ex)
	}
	// Using a script moves it to the back of the eviction order, and
	// SCRIPT LOAD of an EVAL-loaded script pins it.
	second := "return 1"
	if err := rdb.Eval(ctx, second, nil).Err(); err != nil {
		t.Fatal(err)
	}
	if _, err := rdb.ScriptLoad(ctx, "return 2").Result(); err != nil {
		t.Fatal(err)
	}
	for i := 501; i <= 1100; i++ {
		if err := rdb.Eval(ctx, "return "+strconv.Itoa(i), nil).Err(); err != nil {
			t.Fatal(err)
		}
	}
	ex, _ = rdb.ScriptExists(ctx, redis.NewScript("return 2").Hash(), redis.NewScript("return 3").Hash()).Result()
	if !ex[0] || ex[1] {
		t.Fatalf("SCRIPT EXISTS promoted, evicted = %v; want [true false]", ex)
	}
	if err := rdb.ScriptFlush(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	info, _ = rdb.Info(ctx, "memory").Result()
	if !strings.Contains(info, "number_of_cached_scripts:0\r\n") {
		t.Fatalf("INFO after SCRIPT FLUSH:\n%s", info)
	}
}

func TestFunctionDumpRestoreRoundTrip(t *testing.T) {
	srv := startScripting(t, 1)
	rdb := servertest.Client(t, srv, 3)
	ctx := context.Background()
	libs := []string{
		"#!lua name=one\nredis.register_function('f_one', function() return 'one' end)",
		"#!lua name=two\nredis.register_function{function_name='f_two', callback=function(keys) return redis.call('get', keys[1]) end, flags={'no-writes'}, description='reads'}",
	}
	for _, l := range libs {
		if err := rdb.FunctionLoad(ctx, l).Err(); err != nil {
			t.Fatal(err)
		}
	}
	dump, err := rdb.FunctionDump(ctx).Result()
	if err != nil {
		t.Fatal(err)
	}
	if err := rdb.FunctionFlush(ctx).Err(); err != nil {
		t.Fatal(err)
	}
	if err := rdb.FunctionRestore(ctx, dump).Err(); err != nil {
		t.Fatalf("FUNCTION RESTORE of our own dump: %v", err)
	}
	rdb.Set(ctx, "k", "v", 0)
	if v, err := rdb.FCallRo(ctx, "f_two", []string{"k"}).Text(); err != nil || v != "v" {
		t.Fatalf("FCALL_RO f_two = %q, %v", v, err)
	}
	if err := rdb.FunctionRestore(ctx, dump).Err(); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("second RESTORE (APPEND) = %v; want a collision", err)
	}
	list, err := rdb.FunctionList(ctx, redis.FunctionListQuery{WithCode: true}).Result()
	if err != nil || len(list) != 2 {
		t.Fatalf("FUNCTION LIST = %v, %v", list, err)
	}
	for _, l := range list {
		if l.Name == "two" && (l.Code != libs[1] || len(l.Functions) != 1 || l.Functions[0].Description != "reads" || l.Functions[0].Flags[0] != "no-writes") {
			t.Fatalf("restored library two = %+v", l)
		}
	}
}

// EVAL inside MULTI/EXEC runs with the transaction's locks.
func TestScriptInsideExec(t *testing.T) {
	srv := startScripting(t, 1)
	r := servertest.Dial(t, srv)
	for _, step := range [][2]string{
		{"MULTI", "+OK\r\n"},
		{"SET k 1", "+QUEUED\r\n"},
		{"EVAL", "+QUEUED\r\n"},
		{"EXEC", "*2\r\n+OK\r\n:2\r\n"},
	} {
		var got string
		if step[0] == "EVAL" {
			got = r.Do("EVAL", "return redis.call('incr', KEYS[1])", "1", "k")
		} else {
			got = r.Do(strings.Fields(step[0])...)
		}
		if got != step[1] {
			t.Fatalf("%s = %q, want %q", step[0], got, step[1])
		}
	}
}

// INFO (and the other commands that take every shard lock themselves)
// from a script must not deadlock, even with other scripts waiting.
func TestScriptCallingInfoWithConcurrentScripts(t *testing.T) {
	srv := startScripting(t, 0)
	rdb := servertest.Client(t, srv, 2)
	ctx := context.Background()
	var wg sync.WaitGroup
	errc := make(chan error, 6)
	for g := 0; g < 6; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			script := "return redis.call('incr', KEYS[1])"
			if g%2 == 0 {
				script = "local i = redis.call('info', 'keyspace'); redis.call('memory', 'stats'); return redis.call('incr', KEYS[1])"
			}
			for i := 0; i < 100; i++ {
				if err := rdb.Eval(ctx, script, []string{"n"}).Err(); err != nil {
					errc <- err
					return
				}
			}
		}(g)
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		t.Fatal("scripts calling INFO deadlocked")
	}
	close(errc)
	for err := range errc {
		t.Fatal(err)
	}
	if n, _ := rdb.Get(ctx, "n").Int(); n != 600 {
		t.Fatalf("n = %d, want 600", n)
	}
}
