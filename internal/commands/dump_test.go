package commands

import (
	"bufio"
	"encoding/hex"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"petrel/internal/errs"
	"petrel/internal/persist/rdb"
	"petrel/internal/types/stream"
)

// recordedDumps reads the DUMP payloads recorded from Valkey 9.0.4.
func recordedDumps(t testing.TB) (keys, encodings []string, payloads [][]byte) {
	f, err := os.Open("../persist/rdb/testdata/valkey-9.0.4-dumps.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		if len(fs) != 3 || fs[0] == "#" {
			continue
		}
		b, err := hex.DecodeString(fs[2])
		if err != nil {
			t.Fatal(err)
		}
		keys, encodings, payloads = append(keys, fs[0]), append(encodings, fs[1]), append(payloads, b)
	}
	return
}

// Valkey's payloads restore with Valkey's encoding, and DUMP gives them
// back byte for byte unless the encoding is a hash table (whose order is
// Petrel's own).
func TestRestoreValkeyPayloads(t *testing.T) {
	e := newPFEnv(t)
	keys, encs, payloads := recordedDumps(t)
	for i, k := range keys {
		if k == "qlist" { // recorded with list-max-listpack-size 4
			e.is(t, "+OK\r\n", "CONFIG", "SET", "list-max-listpack-size", "4")
			defer e.raw.Do("CONFIG", "SET", "list-max-listpack-size", "-2")
		}
		e.is(t, "+OK\r\n", "RESTORE", k, "0", string(payloads[i]))
		e.is(t, pfBulk(encs[i]), "OBJECT", "ENCODING", k)
		if encs[i] != "hashtable" {
			e.is(t, pfBulk(string(payloads[i])), "DUMP", k)
		}
	}
	e.is(t, ":3\r\n", "HLEN", "ttlhash")
	if got := e.raw.Do("HPEXPIRETIME", "ttlhash", "FIELDS", "3", "a", "b", "c"); got != "*3\r\n:4102444800000\r\n:4102444800000\r\n:-1\r\n" {
		t.Fatalf("field TTLs after RESTORE: %q", got)
	}
	e.is(t, ":2\r\n", "XLEN", "stream")
	e.is(t, ":200\r\n", "SCARD", "htset")
	e.is(t, pfBulk("abcabcabcabcabcabcabcabcabcabcabcabcabc"), "GET", "lzf")
}

func TestRestoreErrors(t *testing.T) {
	e := newPFEnv(t)
	e.raw.Do("SET", "k", "v")
	good := e.raw.Do("DUMP", "k")
	payload := good[strings.Index(good, "\r\n")+2 : len(good)-2]
	e.is(t, pfErr(errs.BusyKey), "RESTORE", "k", "0", payload)
	e.is(t, pfErr(errs.NotInteger), "RESTORE", "k2", "x", payload)
	e.is(t, pfErr(errs.InvalidTTLValue), "RESTORE", "k2", "-1", payload)
	e.is(t, pfErr(errs.DumpPayloadInvalid), "RESTORE", "k2", "0", "short")
	bad := []byte(payload)
	bad[2] ^= 0x20
	e.is(t, pfErr(errs.DumpPayloadInvalid), "RESTORE", "k2", "0", string(bad))
	e.is(t, "+OK\r\n", "DEBUG", "SET-SKIP-CHECKSUM-VALIDATION", "1")
	e.is(t, "+OK\r\n", "RESTORE", "k2", "0", string(bad))
	e.is(t, "+OK\r\n", "DEBUG", "SET-SKIP-CHECKSUM-VALIDATION", "0")
	for _, body := range [][]byte{{rdb.TypeModule2, 1}, {8}, {rdb.TypeSet, 0}, {rdb.TypeString, 0x7f, 0xff, 'x'}} {
		e.is(t, pfErr(errs.BadDataFormat), "RESTORE", "k3", "0", string(rdb.DumpFooter(body)))
	}
	e.is(t, pfErr(errs.InvalidIdleTime), "RESTORE", "k3", "0", payload, "IDLETIME", "-1")
	e.is(t, pfErr(errs.InvalidFreq), "RESTORE", "k3", "0", payload, "FREQ", "256")
	e.is(t, pfErr(errs.Syntax), "RESTORE", "k3", "0", payload, "IDLETIME", "1", "FREQ", "1")
	e.is(t, pfErr(errs.Syntax), "RESTORE", "k3", "0", payload, "BOGUS")
	e.is(t, pfErr(errs.NotInteger), "RESTORE", "k3", "0", payload, "IDLETIME", "x")
	e.is(t, ":0\r\n", "EXISTS", "k3")
	e.is(t, "$-1\r\n", "DUMP", "nokey")
}

func TestRestoreTTLAndOptions(t *testing.T) {
	e := newPFEnv(t)
	e.raw.Do("SET", "k", "v")
	good := e.raw.Do("DUMP", "k")
	payload := good[strings.Index(good, "\r\n")+2 : len(good)-2]
	e.is(t, "+OK\r\n", "RESTORE", "t", "5000", payload)
	if ttl, _ := strconv.Atoi(strings.TrimSpace(e.raw.Do("PTTL", "t")[1:])); ttl <= 4000 || ttl > 5000 {
		t.Fatalf("PTTL %d", ttl)
	}
	at := strconv.FormatInt(time.Now().Add(time.Hour).UnixMilli(), 10)
	e.is(t, "+OK\r\n", "RESTORE", "a", at, payload, "ABSTTL")
	e.is(t, ":"+at+"\r\n", "PEXPIRETIME", "a")
	// A deadline already past: nothing is created, a replaced key is gone.
	e.is(t, "+OK\r\n", "RESTORE", "gone", "1", payload, "ABSTTL")
	e.is(t, ":0\r\n", "EXISTS", "gone")
	e.is(t, "+OK\r\n", "RESTORE", "k", "1", payload, "ABSTTL", "REPLACE")
	e.is(t, ":0\r\n", "EXISTS", "k")
	e.is(t, "+OK\r\n", "RESTORE", "idle", "0", payload, "IDLETIME", "1000")
	if idle, _ := strconv.Atoi(strings.TrimSpace(e.raw.Do("OBJECT", "IDLETIME", "idle")[1:])); idle < 999 {
		t.Fatalf("IDLETIME %d", idle)
	}
	e.is(t, "+OK\r\n", "RESTORE", "k", "0", payload, "REPLACE")
	e.is(t, pfBulk("v"), "GET", "k")
}

// DEBUG RELOAD writes every value to an RDB and loads it back: values,
// encodings, key TTLs and field TTLs survive.
func TestDebugReloadRoundTrip(t *testing.T) {
	e := newPFEnv(t)
	setup := [][]string{
		{"SET", "str", "hello"}, {"SET", "int", "123"}, {"SET", "big", strings.Repeat("ab", 100)},
		{"RPUSH", "lp", "a", "1", "b"}, {"HSET", "h", "f", "v", "n", "5"},
		{"SADD", "is", "1", "2", "3"}, {"SADD", "ls", "a", "b"}, {"ZADD", "z", "1", "a", "2", "b"},
		{"XADD", "x", "1-1", "f", "v"}, {"XGROUP", "CREATE", "x", "g", "0"},
		{"XREADGROUP", "GROUP", "g", "c", "STREAMS", "x", ">"},
		{"HSET", "ht", "a", "1", "b", "2"}, {"HPEXPIRE", "ht", "100000", "FIELDS", "1", "a"},
		{"SET", "ttl", "x", "PX", "100000"}, {"SELECT", "3"}, {"SET", "db3", "x"}, {"SELECT", "0"},
	}
	for i := 0; i < 300; i++ {
		n := strconv.Itoa(i)
		setup = append(setup, []string{"RPUSH", "ql", strings.Repeat("x", 100) + n},
			[]string{"SADD", "hs", "m" + n}, []string{"ZADD", "sl", n, "m" + n}, []string{"HSET", "hh", "f" + n, n})
	}
	for _, c := range setup {
		if r := e.raw.Do(c...); r[0] == '-' {
			t.Fatalf("%v: %s", c, r)
		}
	}
	keys := []string{"str", "int", "big", "lp", "h", "is", "ls", "z", "x", "ht", "ttl", "ql", "hs", "sl", "hh"}
	encs := map[string]string{}
	for _, k := range keys {
		encs[k] = e.raw.Do("OBJECT", "ENCODING", k)
	}
	digest := e.raw.Do("DEBUG", "DIGEST")
	xinfo := e.raw.Do("XINFO", "STREAM", "x", "FULL")
	e.is(t, "+OK\r\n", "DEBUG", "RELOAD")
	e.is(t, digest, "DEBUG", "DIGEST")
	e.is(t, xinfo, "XINFO", "STREAM", "x", "FULL")
	for _, k := range keys {
		e.is(t, encs[k], "OBJECT", "ENCODING", k)
	}
	if ttl, _ := strconv.Atoi(strings.TrimSpace(e.raw.Do("PTTL", "ttl")[1:])); ttl <= 0 {
		t.Fatalf("TTL lost: %d", ttl)
	}
	if r := e.raw.Do("HPTTL", "ht", "FIELDS", "2", "a", "b"); !strings.HasSuffix(r, ":-1\r\n") || strings.Contains(r, ":-2") || strings.HasPrefix(r, "*2\r\n:-1") {
		t.Fatalf("field TTLs after reload: %q", r)
	}
	e.is(t, "+OK\r\n", "SELECT", "3")
	e.is(t, pfBulk("x"), "GET", "db3")
	e.is(t, "+OK\r\n", "SELECT", "0")
	// Options.
	e.is(t, pfErr(errs.DebugReloadOptions), "DEBUG", "RELOAD", "BOGUS")
	e.is(t, pfErr(errs.DebugReloadLoad), "DEBUG", "RELOAD", "NOFLUSH")
	e.is(t, "+OK\r\n", "DEBUG", "RELOAD", "NOFLUSH", "MERGE")
	e.is(t, "+OK\r\n", "SET", "after", "1")
	e.is(t, "+OK\r\n", "DEBUG", "RELOAD", "NOSAVE") // the last snapshot, without "after"
	e.is(t, ":0\r\n", "EXISTS", "after")
	e.is(t, digest, "DEBUG", "DIGEST")
}

// walkValue reads every element of a restored value, as commands would.
func walkValue(o any) {
	switch v := o.(type) {
	case *listValue:
		it := v.IterFrom(0, false)
		for _, ok := it.Next(); ok; _, ok = it.Next() {
		}
		v.Index(v.Len() - 1)
	case *setValue:
		v.Each(func([]byte) bool { return true })
		v.Contains([]byte("x"))
	case *zsetValue:
		v.Each(func([]byte, float64) bool { return true })
		v.Score([]byte("a"))
		v.RangeByRank(0, -1, true, func([]byte, float64) {})
	case hashObject:
		v.Range(0, func(_, _ []byte) bool { return true })
		v.Get([]byte("a"), 0)
	case *streamValue:
		it := v.Range(stream.MinID, stream.MaxID, false)
		for it.Next() {
			for i := it.NumFields(); i > 0; i-- {
				it.Field()
			}
		}
		rit := v.Range(stream.MinID, stream.MaxID, true)
		for rit.Next() {
		}
		v.LastLiveID()
		v.EachGroup(func(_ string, g *stream.Group) bool {
			v.Lag(g)
			g.EachPending(stream.MinID, func(stream.ID, *stream.Pending) bool { return true })
			return true
		})
	}
}

func FuzzRestorePayload(f *testing.F) {
	_, _, payloads := recordedDumps(f)
	for _, p := range payloads {
		f.Add(p[:len(p)-10])
	}
	lim := rdbLimits{}
	lim.list.Fill = -2
	lim.set.IntsetEntries, lim.set.ListpackEntries, lim.set.ListpackValue = 512, 128, 64
	lim.zset.ListpackEntries, lim.zset.ListpackValue = 128, 64
	lim.hash.MaxEntries, lim.hash.MaxValue = 128, 64
	f.Fuzz(func(t *testing.T, b []byte) {
		v, err := rdb.NewDecoder(b).Value()
		if err != nil {
			return
		}
		_, _, o, err := valueFromRDB(lim, v, math.MaxInt32)
		if err != nil {
			return
		}
		walkValue(o)
	})
}

// A file saved by Valkey 9.0.4: every key converted and stored gives the
// dataset Valkey had (its DEBUG DIGEST was recorded with the file).
func TestValkeyRDBFileValues(t *testing.T) {
	b, err := os.ReadFile("../persist/rdb/testdata/valkey-9.0.4.rdb")
	if err != nil {
		t.Fatal(err)
	}
	e := newPFEnv(t)
	err = rdb.ReadFile(b, false, false, rdb.FileHandler{Key: func(r *rdb.Record) error {
		enc := rdb.Encoder{}
		if err := enc.Value(r.Value); err != nil {
			return err
		}
		e.is(t, "+OK\r\n", "SELECT", strconv.Itoa(r.DB))
		ttl := "0"
		if r.Expire >= 0 {
			ttl = strconv.FormatInt(r.Expire, 10)
		}
		e.is(t, "+OK\r\n", "RESTORE", string(r.Key), ttl, string(rdb.DumpFooter(enc.Buf)), "ABSTTL")
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	e.is(t, "+OK\r\n", "SELECT", "0")
	e.is(t, "+67454858611b8954ebc48bb6d0562ed56fc1384f\r\n", "DEBUG", "DIGEST")
	e.is(t, "$8\r\nlistpack\r\n", "OBJECT", "ENCODING", "biglist") // as Valkey
	e.is(t, "$9\r\nhashtable\r\n", "OBJECT", "ENCODING", "th")
}
