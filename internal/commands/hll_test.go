package commands

import (
	"bufio"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"log"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"petrel/internal/config"
	"petrel/internal/errs"
	"petrel/internal/keyspace"
	"petrel/internal/server"
	"petrel/internal/servertest"
)

// pfEnv is a server built from a configuration (so CONFIG SET of
// hll-sparse-max-bytes reaches the handlers), with go-redis clients and a
// raw connection.
type pfEnv struct {
	srv  *server.Server
	rdb  *redis.Client
	rdb3 *redis.Client
	raw  *servertest.Raw
	ctx  context.Context
}

func newPFEnv(t testing.TB) *pfEnv {
	t.Helper()
	cfg := config.New()
	if err := cfg.LoadString("bind 127.0.0.1\nport 0\nenable-debug-command yes\n"); err != nil {
		t.Fatal(err)
	}
	srv := server.NewFromConfig(cfg, Register)
	srv.SetLogger(log.New(io.Discard, "", 0))
	if err := srv.Listen(); err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve() }()
	t.Cleanup(srv.Close)
	return &pfEnv{
		srv:  srv,
		rdb:  servertest.Client(t, srv, 2),
		rdb3: servertest.Client(t, srv, 3),
		raw:  servertest.Dial(t, srv),
		ctx:  context.Background(),
	}
}

func (e *pfEnv) is(t *testing.T, want string, args ...string) {
	t.Helper()
	if got := e.raw.Do(args...); got != want {
		t.Fatalf("%q: got %.200q, want %.200q", args, got, want)
	}
}

func pfInt(n int64) string   { return ":" + strconv.FormatInt(n, 10) + "\r\n" }
func pfBulk(s string) string { return "$" + strconv.Itoa(len(s)) + "\r\n" + s + "\r\n" }
func pfErr(err error) string { return "-" + errs.Text(err) + "\r\n" }

// TestHLLRecordedSessions replays the sessions recorded from Valkey 9
// (internal/types/hll/testdata/valkey-hll.txt.gz, see capture.go there) on a
// Petrel server: every reply, GET of the HLL bytes included, must match.
func TestHLLRecordedSessions(t *testing.T) {
	e := newPFEnv(t)
	defer e.raw.Do("PFDEBUG", "SIMD", "ON")
	f, err := os.Open("../types/hll/testdata/valkey-hll.txt.gz")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(zr)
	sc.Buffer(nil, 1<<26)
	var args []string
	n, fails := 0, 0
	for sc.Scan() {
		n++
		l := sc.Text()
		switch {
		case strings.HasPrefix(l, "> "):
			args = args[:0]
			for rest := l[2:]; rest != ""; {
				q, err := strconv.QuotedPrefix(rest)
				if err != nil {
					t.Fatalf("line %d: %v", n, err)
				}
				a, _ := strconv.Unquote(q)
				args = append(args, a)
				rest = strings.TrimPrefix(rest[len(q):], " ")
			}
		case strings.HasPrefix(l, "< "):
			want, _ := strconv.Unquote(l[2:])
			if got := e.raw.Do(args...); got != want {
				t.Errorf("line %d: %.100q\n got %.300q\nwant %.300q", n-1, args, got, want)
				if fails++; fails > 5 {
					t.FailNow()
				}
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
}

func TestPFAddCountClients(t *testing.T) {
	e := newPFEnv(t)
	for _, rdb := range []*redis.Client{e.rdb, e.rdb3} {
		rdb.Del(e.ctx, "h", "h2", "u")
		if n := rdb.PFAdd(e.ctx, "h", "a", "b", "c").Val(); n != 1 {
			t.Fatalf("PFADD = %d", n)
		}
		if n := rdb.PFAdd(e.ctx, "h", "a").Val(); n != 0 {
			t.Fatalf("PFADD again = %d", n)
		}
		if n := rdb.PFCount(e.ctx, "h").Val(); n != 3 {
			t.Fatalf("PFCOUNT = %d", n)
		}
		rdb.PFAdd(e.ctx, "h2", "c", "d")
		if n := rdb.PFCount(e.ctx, "h", "h2", "missing").Val(); n != 4 {
			t.Fatalf("PFCOUNT union = %d", n)
		}
		if s := rdb.PFMerge(e.ctx, "u", "h", "h2").Val(); s != "OK" {
			t.Fatalf("PFMERGE = %q", s)
		}
		if n := rdb.PFCount(e.ctx, "u").Val(); n != 4 {
			t.Fatalf("PFCOUNT merged = %d", n)
		}
		rdb.Set(e.ctx, "s", "not an hll", 0)
		if err := rdb.PFAdd(e.ctx, "s", "x").Err(); err == nil || err.Error() != errs.Text(errs.HLLWrongType) {
			t.Fatalf("PFADD on a string: %v", err)
		}
	}
}

func TestPFErrors(t *testing.T) {
	e := newPFEnv(t)
	e.is(t, "-ERR wrong number of arguments for 'pfadd' command\r\n", "PFADD")
	e.is(t, "-ERR wrong number of arguments for 'pfcount' command\r\n", "PFCOUNT")
	e.is(t, "-ERR wrong number of arguments for 'pfmerge' command\r\n", "PFMERGE")
	e.is(t, "-ERR wrong number of arguments for 'pfdebug' command\r\n", "PFDEBUG", "GETREG")
	e.is(t, "-ERR wrong number of arguments for 'pfselftest' command\r\n", "PFSELFTEST", "x")

	// Other types, int-encoded and non-HLL strings.
	putObject(e.srv, "l")
	for _, args := range [][]string{{"PFADD", "l", "a"}, {"PFCOUNT", "l"}, {"PFCOUNT", "l", "x"}, {"PFMERGE", "l"}, {"PFMERGE", "d", "l"}, {"PFDEBUG", "GETREG", "l"}} {
		e.is(t, pfErr(errs.WrongType), args...)
	}
	e.is(t, "+OK\r\n", "SET", "n", "12345")
	e.is(t, "+OK\r\n", "SET", "s", "HYLL")
	for _, k := range []string{"n", "s"} {
		for _, args := range [][]string{{"PFADD", k, "a"}, {"PFCOUNT", k}, {"PFCOUNT", "x", k}, {"PFMERGE", "d", k}, {"PFMERGE", k}, {"PFDEBUG", "ENCODING", k}} {
			e.is(t, pfErr(errs.HLLWrongType), args...)
		}
	}
	// PFMERGE checks sources before touching the destination.
	e.is(t, pfInt(0), "EXISTS", "d")

	e.is(t, pfErr(errs.HLLNoSuchKey), "PFDEBUG", "GETREG", "missing")
	e.is(t, pfErr(errs.HLLNoSuchKey), "PFDEBUG", "nosuch", "missing")
	e.is(t, pfInt(1), "PFADD", "h", "a")
	e.is(t, "-ERR Unknown PFDEBUG subcommand 'nosuch'\r\n", "PFDEBUG", "nosuch", "h")
	e.is(t, "-ERR Unknown PFDEBUG subcommand 'a b'\r\n", "PFDEBUG", "a\nb", "h")
	e.is(t, "-ERR Unknown PFDEBUG subcommand 'x'\r\n", "PFDEBUG", "x\x00y", "h")
	e.is(t, "+sparse\r\n", "PFDEBUG", "encoding\x00junk", "h")
	e.is(t, pfErr(errs.HLLSimdArg), "PFDEBUG", "SIMD", "maybe")
	e.is(t, "+PONG\r\n", "PING") // one reply only (Valkey sends two)
	e.is(t, "+disabled\r\n", "PFDEBUG", "simd", "off")
	e.is(t, "+enabled\r\n", "PFDEBUG", "Simd", "On")
	e.is(t, pfInt(1), "PFDEBUG", "TODENSE", "h")
	e.is(t, pfErr(errs.HLLNotSparse), "PFDEBUG", "DECODE", "h")
	e.is(t, pfInt(0), "PFDEBUG", "TODENSE", "h")

	// Corrupted sparse registers.
	e.is(t, "+OK\r\n", "SET", "c", "HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80\x7f\xff\x80")
	e.is(t, pfErr(errs.HLLInvalid), "PFCOUNT", "c")
	e.is(t, pfErr(errs.HLLInvalid), "PFCOUNT", "c", "h")
	e.is(t, pfErr(errs.HLLInvalid), "PFMERGE", "d", "c")
	e.is(t, pfErr(errs.HLLInvalid), "PFDEBUG", "TODENSE", "c")
	e.is(t, pfErr(errs.HLLInvalid), "PFDEBUG", "GETREG", "c")
	e.is(t, pfBulk("Z:16384 v:1,1"), "PFDEBUG", "DECODE", "c")
}

// putObject stores a non-string value under key, for WRONGTYPE paths.
func putObject(srv *server.Server, key string) {
	ks := srv.Keyspace()
	m := keyspace.MaskOf([]byte(key))
	ks.Lock(m)
	defer ks.Unlock(m)
	ks.View(0, time.Now().UnixMilli()).SetObject([]byte(key), keyspace.TypeList, keyspace.EncListpack, &struct{ n int }{1}, 0)
}

// TestPFEncodingAndCache checks OBJECT ENCODING (raw after any PF* access),
// the cached cardinality in the header and the changes counted (dirty).
func TestPFEncodingAndCache(t *testing.T) {
	e := newPFEnv(t)
	empty := "HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x7f\xff"
	e.is(t, "+OK\r\n", "SET", "h", empty)
	e.is(t, pfBulk("embstr"), "OBJECT", "ENCODING", "h")
	e.is(t, pfInt(0), "PFCOUNT", "h")
	e.is(t, pfBulk("raw"), "OBJECT", "ENCODING", "h")
	e.is(t, "+OK\r\n", "SET", "h", empty)
	e.is(t, pfInt(0), "PFADD", "h")
	e.is(t, pfBulk("raw"), "OBJECT", "ENCODING", "h")
	e.is(t, pfInt(1), "PFADD", "new")
	e.is(t, pfBulk("raw"), "OBJECT", "ENCODING", "new")

	dirty := func() int64 { return e.srv.Dirty() }
	d0 := dirty()
	e.is(t, pfInt(1), "PFADD", "h", "a", "b", "c") // three registers
	if d := dirty() - d0; d != 3 {
		t.Fatalf("PFADD a b c: dirty +%d", d)
	}
	e.is(t, pfInt(3), "PFCOUNT", "h") // caches: one change
	e.is(t, pfInt(3), "PFCOUNT", "h") // cached: none
	if d := dirty() - d0; d != 4 {
		t.Fatalf("after PFCOUNT: dirty +%d", d)
	}
	v := e.raw.Do("GETRANGE", "h", "8", "15")
	if v != pfBulk("\x03\x00\x00\x00\x00\x00\x00\x00") {
		t.Fatalf("cached card bytes %q", v)
	}
	e.is(t, pfInt(0), "PFADD", "h", "a")
	e.is(t, pfBulk("\x00"), "GETRANGE", "h", "15", "15")
	e.is(t, pfInt(1), "PFADD", "h", "zz")
	e.is(t, pfBulk("\x80"), "GETRANGE", "h", "15", "15")
}

// TestPFSparseLimit follows hll-sparse-max-bytes: a sparse value never
// grows past it and is promoted instead.
func TestPFSparseLimit(t *testing.T) {
	e := newPFEnv(t)
	for _, limit := range []int{30, 100, 500, 3000} {
		e.is(t, "+OK\r\n", "CONFIG", "SET", "hll-sparse-max-bytes", strconv.Itoa(limit))
		e.raw.Do("DEL", "h")
		e.is(t, pfInt(1), "PFADD", "h")
		for i := 0; ; i++ {
			n, _ := strconv.Atoi(strings.TrimSpace(e.raw.Do("STRLEN", "h")[1:]))
			enc := e.raw.Do("PFDEBUG", "ENCODING", "h")
			if enc == "+dense\r\n" {
				if n != 12304 {
					t.Fatalf("dense of %d bytes", n)
				}
				break
			}
			if n > limit {
				t.Fatalf("limit %d: sparse of %d bytes", limit, n)
			}
			e.raw.Do("PFADD", "h", "e"+strconv.Itoa(i), "f"+strconv.Itoa(i))
		}
	}
}

func TestPFSelfTest(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	e := newPFEnv(t)
	e.is(t, "+OK\r\n", "PFSELFTEST")
}

func TestPFGetReg(t *testing.T) {
	e := newPFEnv(t)
	e.is(t, pfInt(1), "PFADD", "h", "a")
	regs, err := e.rdb.Do(e.ctx, "PFDEBUG", "GETREG", "h").Slice()
	if err != nil || len(regs) != 16384 {
		t.Fatalf("GETREG: %d %v", len(regs), err)
	}
	if regs[12711].(int64) != 2 {
		t.Fatalf("register 12711 = %v", regs[12711])
	}
	e.is(t, "+dense\r\n", "PFDEBUG", "ENCODING", "h")
}

// BenchmarkHLLHandlers measures PFADD of new elements to a dense HLL and
// PFCOUNT of ten dense HLLs (bench/prep.sh hll loads the same shapes).
func BenchmarkHLLHandlers(b *testing.B) {
	h := newHandlerBench(b)
	keys := make([][]byte, 10)
	for k := range keys {
		keys[k] = []byte(fmt.Sprint("h", k))
		for i := 0; i < 20000; i += 100 {
			args := [][]byte{[]byte("PFADD"), keys[k]}
			for j := i; j < i+100; j++ {
				args = append(args, []byte(fmt.Sprint(k, "-", j)))
			}
			h.run(cmdPFAdd, keys[k:k+1], args...)
		}
	}
	b.Run("PFADD", func(b *testing.B) {
		args := bs("PFADD", "h0", "")
		ele := make([][]byte, 100000)
		for i := range ele {
			ele[i] = []byte(fmt.Sprintf("%012d", i))
		}
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			args[2] = ele[i%len(ele)]
			h.run(cmdPFAdd, args[1:2], args...)
			i++
		}
	})
	b.Run("PFCOUNT10", func(b *testing.B) {
		args := append(bs("PFCOUNT"), keys...)
		b.ReportAllocs()
		for b.Loop() {
			h.run(cmdPFCount, keys, args...)
		}
	})
}
