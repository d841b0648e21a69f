package commands

import (
	"fmt"
	"slices"
	"strconv"
	"sync"
	"testing"

	"github.com/redis/go-redis/v9"

	"petrel/internal/server"
	"petrel/internal/servertest"
)

func TestSortGoRedis(t *testing.T) {
	e := newCollEnv(t)
	for _, c := range []*redis.Client{e.rdb, e.rdb3} {
		ctx := e.ctx
		c.FlushAll(ctx)
		c.RPush(ctx, "l", 3, 1, 2, 10)
		if got := c.Sort(ctx, "l", &redis.Sort{}).Val(); !slices.Equal(got, []string{"1", "2", "3", "10"}) {
			t.Fatalf("SORT = %v", got)
		}
		if got := c.Sort(ctx, "l", &redis.Sort{Alpha: true, Order: "DESC"}).Val(); !slices.Equal(got, []string{"3", "2", "10", "1"}) {
			t.Fatalf("SORT ALPHA DESC = %v", got)
		}
		if got := c.Sort(ctx, "l", &redis.Sort{Offset: 1, Count: 2}).Val(); !slices.Equal(got, []string{"2", "3"}) {
			t.Fatalf("SORT LIMIT 1 2 = %v", got)
		}
		c.MSet(ctx, "w_1", 40, "w_2", 30, "w_3", 20, "w_10", 10, "n_1", "one", "n_3", "three")
		c.HSet(ctx, "h_2", "f", "two")
		got := c.Sort(ctx, "l", &redis.Sort{By: "w_*", Get: []string{"#", "n_*", "h_*->f"}}).Val()
		want := []string{"10", "", "", "3", "three", "", "2", "", "two", "1", "one", ""}
		if !slices.Equal(got, want) {
			t.Fatalf("SORT BY w_* GET # GET n_* GET h_*->f = %q, want %q", got, want)
		}
		if got := c.Sort(ctx, "l", &redis.Sort{By: "nosort", Order: "DESC"}).Val(); !slices.Equal(got, []string{"10", "2", "1", "3"}) {
			t.Fatalf("SORT BY nosort DESC = %v", got)
		}
		if n := c.SortStore(ctx, "l", "dst", &redis.Sort{Order: "DESC"}).Val(); n != 4 {
			t.Fatalf("SORT STORE = %d", n)
		}
		if got := c.LRange(ctx, "dst", 0, -1).Val(); !slices.Equal(got, []string{"10", "3", "2", "1"}) {
			t.Fatalf("stored = %v", got)
		}
		if got := c.SortRO(ctx, "l", &redis.Sort{Offset: 0, Count: 1, Order: "DESC"}).Val(); !slices.Equal(got, []string{"10"}) {
			t.Fatalf("SORT_RO = %v", got)
		}
		c.RPush(ctx, "bad", 1, "x")
		if err := c.Sort(ctx, "bad", &redis.Sort{}).Err(); err == nil || err.Error() != "ERR One or more scores can't be converted into double" {
			t.Fatalf("SORT of a non-number: %v", err)
		}
		c.ZAdd(ctx, "z", redis.Z{Score: 1, Member: "b"}, redis.Z{Score: 2, Member: "a"})
		if got := c.Sort(ctx, "z", &redis.Sort{By: "nosort"}).Val(); !slices.Equal(got, []string{"b", "a"}) {
			t.Fatalf("SORT zset BY nosort = %v", got)
		}
		if enc := c.ObjectEncoding(ctx, "z").Val(); enc != "skiplist" {
			t.Fatalf("a sorted set SORT read is %s, want skiplist (Valkey converts it)", enc)
		}
		c.SAdd(ctx, "s", "b", "c", "a")
		if got := c.Sort(ctx, "s", &redis.Sort{Alpha: true}).Val(); !slices.Equal(got, []string{"a", "b", "c"}) {
			t.Fatalf("SORT set ALPHA = %v", got)
		}
		// BY nosort with STORE still sorts a set.
		c.SortStore(ctx, "s", "dst", &redis.Sort{By: "nosort"})
		if got := c.LRange(ctx, "dst", 0, -1).Val(); !slices.Equal(got, []string{"a", "b", "c"}) {
			t.Fatalf("SORT set BY nosort STORE = %v", got)
		}
	}
}

func TestSortRawReplies(t *testing.T) {
	e := newCollEnv(t)
	is := func(want string, args ...string) { t.Helper(); e.is(t, want+"\r\n", args...) }
	is3 := func(want string, args ...string) { t.Helper(); e.is3(t, want+"\r\n", args...) }
	is(":3", "RPUSH", "l", "3", "1", "2")
	is("+OK", "SET", "o_1", "one")
	is("*3\r\n$3\r\none\r\n$-1\r\n$-1", "SORT", "l", "GET", "o_*")
	is3("*3\r\n$3\r\none\r\n_\r\n_", "SORT", "l", "GET", "o_*")
	is("-ERR syntax error", "SORT_RO", "l", "STORE", "dst")
	is("-ERR syntax error", "SORT", "l", "LIMIT", "1")
	is("-ERR value is not an integer or out of range", "SORT", "l", "LIMIT", "x", "1")
	is("-WRONGTYPE Operation against a key holding the wrong kind of value", "SORT", "o_1")
	is("*0", "SORT", "nokey")
	is(":0", "SORT", "nokey", "STORE", "l")
	is(":0", "EXISTS", "l")
}

// TestSortPatternsAcrossShards runs SORT with BY and GET patterns naming
// keys in every shard while other clients change those keys: the
// dispatcher must lock all shards for SORT (run with -race).
func TestSortPatternsAcrossShards(t *testing.T) {
	// One goroutine per connection, so that commands really run in
	// parallel (an event loop would serialise them).
	srv := servertest.Start(t, func(st *server.Settings) { st.EventLoops = 0 }, Register)
	setup := servertest.Client(t, srv, 2)
	ctx := t.Context()
	const n = 200
	args := []any{}
	for i := 0; i < n; i++ {
		args = append(args, i)
	}
	setup.RPush(ctx, "list", args...)
	for i := 0; i < n; i++ {
		setup.Set(ctx, "w_"+strconv.Itoa(i), n-i, 0)
		setup.HSet(ctx, "h_"+strconv.Itoa(i), "f", i)
	}
	var wg sync.WaitGroup
	errc := make(chan error, 8)
	for w := 0; w < 2; w++ {
		wg.Add(1)
		c := servertest.Client(t, srv, 2)
		go func(w int) {
			defer wg.Done()
			for round := 0; round < 50; round++ {
				for i := w; i < n; i += 7 {
					k := strconv.Itoa(i)
					if err := c.Set(ctx, "w_"+k, round*n+i, 0).Err(); err != nil {
						errc <- err
						return
					}
					if err := c.HSet(ctx, "h_"+k, "f", round).Err(); err != nil {
						errc <- err
						return
					}
				}
			}
		}(w)
	}
	for r := 0; r < 2; r++ {
		wg.Add(1)
		c := servertest.Client(t, srv, 2)
		go func() {
			defer wg.Done()
			for round := 0; round < 30; round++ {
				got, err := c.Sort(ctx, "list", &redis.Sort{By: "w_*", Get: []string{"#", "h_*->f"}}).Result()
				if err != nil {
					errc <- err
					return
				}
				if len(got) != 2*n {
					errc <- fmt.Errorf("SORT returned %d values", len(got))
					return
				}
				if _, err := c.SortStore(ctx, "list", "dst", &redis.Sort{By: "h_*->f", Offset: 0, Count: 10}).Result(); err != nil {
					errc <- err
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
}
