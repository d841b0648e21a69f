package commands

import (
	"bufio"
	"compress/gzip"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"petrel/internal/errs"
)

// replayRecorded runs a session file recorded from Valkey (the format of
// internal/types/*/testdata/capture.go) on e's raw connection and fails on
// any reply that differs.
func replayRecorded(t *testing.T, e *pfEnv, path string) {
	t.Helper()
	f, err := os.Open(path)
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
	n, fails, cases := 0, 0, 0
	for sc.Scan() {
		n++
		l := sc.Text()
		switch {
		case strings.HasPrefix(l, "=== "):
			cases++
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
				t.Errorf("line %d: %.200q\n got %.300q\nwant %.300q", n-1, args, got, want)
				if fails++; fails > 5 {
					t.FailNow()
				}
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if cases == 0 {
		t.Fatal("no cases")
	}
}

// TestBitmapRecordedSessions replays random sessions recorded from Valkey 9
// (internal/types/bitmap/testdata/valkey-bitmap.txt.gz): SETBIT, GETBIT,
// BITCOUNT, BITPOS, BITOP, BITFIELD(_RO) with valid and invalid arguments,
// and the values, encodings and TTLs they leave.
func TestBitmapRecordedSessions(t *testing.T) {
	replayRecorded(t, newPFEnv(t), "../types/bitmap/testdata/valkey-bitmap.txt.gz")
}

func TestBitmapClients(t *testing.T) {
	e := newPFEnv(t)
	for _, rdb := range []*redis.Client{e.rdb, e.rdb3} {
		rdb.Del(e.ctx, "b", "d")
		if n := rdb.SetBit(e.ctx, "b", 7, 1).Val(); n != 0 {
			t.Fatalf("SETBIT = %d", n)
		}
		if n := rdb.SetBit(e.ctx, "b", 7, 0).Val(); n != 1 {
			t.Fatalf("SETBIT again = %d", n)
		}
		rdb.SetBit(e.ctx, "b", 100, 1)
		if n := rdb.GetBit(e.ctx, "b", 100).Val(); n != 1 {
			t.Fatalf("GETBIT = %d", n)
		}
		if n := rdb.BitCount(e.ctx, "b", nil).Val(); n != 1 {
			t.Fatalf("BITCOUNT = %d", n)
		}
		if n := rdb.BitCount(e.ctx, "b", &redis.BitCount{Start: 96, End: 103, Unit: "BIT"}).Val(); n != 1 {
			t.Fatalf("BITCOUNT BIT = %d", n)
		}
		if n := rdb.BitPos(e.ctx, "b", 1).Val(); n != 100 {
			t.Fatalf("BITPOS = %d", n)
		}
		if n := rdb.BitPosSpan(e.ctx, "b", 0, 0, 0, "byte").Val(); n != 0 {
			t.Fatalf("BITPOS span = %d", n)
		}
		if n := rdb.BitOpNot(e.ctx, "d", "b").Val(); n != 13 {
			t.Fatalf("BITOP NOT = %d", n)
		}
		if n := rdb.BitCount(e.ctx, "d", nil).Val(); n != 13*8-1 {
			t.Fatalf("BITCOUNT d = %d", n)
		}
		rdb.Del(e.ctx, "f")
		res, err := rdb.Do(e.ctx, "BITFIELD", "f", "SET", "i8", 0, -100, "INCRBY", "u4", "#3", 20, "OVERFLOW", "FAIL", "INCRBY", "u2", 0, 9, "GET", "i8", 0).Slice()
		if err != nil || len(res) != 4 || res[0] != int64(0) || res[1] != int64(4) || res[2] != nil || res[3] != int64(-100) {
			t.Fatalf("BITFIELD = %v %v", res, err)
		}
		ro, err := rdb.BitFieldRO(e.ctx, "f", "i8", 0).Result()
		if err != nil || len(ro) != 1 || ro[0] != -100 {
			t.Fatalf("BITFIELD_RO = %v %v", ro, err)
		}
	}
}

func TestBitmapErrors(t *testing.T) {
	e := newPFEnv(t)
	putObject(e.srv, "l")
	for _, args := range [][]string{
		{"SETBIT", "l", "0", "1"}, {"GETBIT", "l", "0"}, {"BITCOUNT", "l"}, {"BITCOUNT", "l", "0", "1"},
		{"BITPOS", "l", "1"}, {"BITOP", "AND", "d", "l"}, {"BITFIELD", "l", "GET", "u8", "0"},
		{"BITFIELD", "l"}, {"BITFIELD_RO", "l", "GET", "u8", "0"}, {"BITFIELD", "l", "SET", "u8", "0", "1"},
	} {
		e.is(t, pfErr(errs.WrongType), args...)
	}
	// BITOP overwrites a destination of any type.
	e.is(t, "+OK\r\n", "SET", "s", "ab")
	e.is(t, pfInt(2), "BITOP", "OR", "l", "s")
	e.is(t, pfBulk("ab"), "GET", "l")
	e.is(t, pfBulk("raw"), "OBJECT", "ENCODING", "l")
	putObject(e.srv, "l")
	e.is(t, pfInt(0), "BITOP", "OR", "l", "missing")
	e.is(t, pfInt(0), "EXISTS", "l")

	e.is(t, pfErr(errs.BitOffset), "SETBIT", "k", "4294967296", "1")
	e.is(t, pfErr(errs.BitOffset), "GETBIT", "k", "-1")
	e.is(t, pfErr(errs.BitValue), "SETBIT", "k", "0", "2")
	e.is(t, pfErr(errs.BitValue), "SETBIT", "k", "0", "x")
	e.is(t, pfErr(errs.BitposBit), "BITPOS", "k", "2")
	e.is(t, pfErr(errs.NotInteger), "BITPOS", "k", "x")
	e.is(t, pfErr(errs.Syntax), "BITPOS", "k", "1", "0", "1", "BIT", "x")
	e.is(t, pfErr(errs.Syntax), "BITCOUNT", "k", "0", "1", "BIT", "x")
	e.is(t, pfErr(errs.Syntax), "BITCOUNT", "k", "0", "1", "bits")
	e.is(t, pfErr(errs.NotInteger), "BITCOUNT", "k", "x", "1", "bits") // start first
	e.is(t, pfErr(errs.Syntax), "BITCOUNT", "k", "0", "x", "bits")     // unit before end
	e.is(t, pfErr(errs.BitopNotOneKey), "BITOP", "NOT", "d", "a", "b")
	e.is(t, pfErr(errs.Syntax), "BITOP", "DIFF", "d", "a", "b")
	e.is(t, pfErr(errs.BitfieldType), "BITFIELD", "k", "GET", "u64", "0")
	e.is(t, pfErr(errs.BitfieldOverflow), "BITFIELD", "k", "OVERFLOW", "x")
	e.is(t, pfErr(errs.BitfieldRO), "BITFIELD_RO", "k", "GET", "u8", "0", "SET", "u8", "0", "1")
	e.is(t, pfErr(errs.Syntax), "BITFIELD_RO", "k", "GET", "u8")
	e.is(t, pfInt(0), "EXISTS", "k")

	// The offset limit follows proto-max-bulk-len.
	e.is(t, "+OK\r\n", "CONFIG", "SET", "proto-max-bulk-len", "1mb")
	e.is(t, pfErr(errs.BitOffset), "SETBIT", "k", strconv.Itoa(8<<20), "1")
	e.is(t, pfInt(0), "SETBIT", "k", strconv.Itoa(8<<20-1), "1")
	e.is(t, pfInt(1<<20), "STRLEN", "k")
	e.is(t, pfErr(errs.BitOffset), "BITFIELD", "k", "GET", "u8", "#1048576")
	e.is(t, "*1\r\n:1\r\n", "BITFIELD", "k", "GET", "u1", "#8388607")
	// A write may reach a few bytes past the limit, as in Valkey.
	e.is(t, "*1\r\n:-9223372036854775808\r\n", "BITFIELD", "k", "SET", "i64", strconv.Itoa(8<<20-1), "5")
	e.is(t, pfInt(1<<20+8), "STRLEN", "k")
}

// TestBitmapDirty follows Valkey's unit test "SETBIT/BITFIELD only increase
// dirty when the value changed".
func TestBitmapDirty(t *testing.T) {
	e := newPFEnv(t)
	dirty := e.srv.Dirty
	d0 := dirty()
	e.raw.Do("SETBIT", "foo", "0", "0")
	e.raw.Do("BITFIELD", "foo2", "SET", "i5", "0", "0")
	if d := dirty() - d0; d != 2 {
		t.Fatalf("creating: +%d", d)
	}
	e.raw.Do("SETBIT", "foo", "0", "0")
	e.raw.Do("BITFIELD", "foo2", "SET", "i5", "0", "0")
	if d := dirty() - d0; d != 2 {
		t.Fatalf("no change: +%d", d)
	}
	for _, v := range []string{"1", "1", "0", "0"} {
		e.raw.Do("SETBIT", "foo", "0", v)
		e.raw.Do("BITFIELD", "foo2", "SET", "i5", "0", v)
	}
	if d := dirty() - d0; d != 6 {
		t.Fatalf("two changes each: +%d", d)
	}
	e.raw.Do("BITFIELD", "foo3", "INCRBY", "i5", "0", "1")
	e.raw.Do("BITFIELD", "foo3", "INCRBY", "i5", "0", "1")
	if d := dirty() - d0; d != 8 {
		t.Fatalf("INCRBY: +%d", d)
	}
	e.raw.Do("SETBIT", "foo", "90", "0")
	e.raw.Do("BITFIELD", "foo2", "SET", "i5", "90", "0")
	if d := dirty() - d0; d != 10 {
		t.Fatalf("growing: +%d", d)
	}
	// Several changing writes in one BITFIELD count one each.
	e.raw.Do("BITFIELD", "foo4", "SET", "u8", "0", "1", "SET", "u8", "8", "1", "GET", "u8", "0")
	if d := dirty() - d0; d != 12 {
		t.Fatalf("two writes: +%d", d)
	}
	// A BITFIELD whose only write fails creates the key without a change.
	e.is(t, "*1\r\n$-1\r\n", "BITFIELD", "foo5", "OVERFLOW", "FAIL", "INCRBY", "u2", "0", "9")
	e.is(t, pfBulk("\x00"), "GET", "foo5")
	if d := dirty() - d0; d != 12 {
		t.Fatalf("failed write: +%d", d)
	}
}

func TestBitOpLarge(t *testing.T) {
	e := newPFEnv(t)
	a := strings.Repeat("\xf0\x0f\x33", 400000)
	b := strings.Repeat("\xff\x00", 300000)
	e.is(t, "+OK\r\n", "SET", "a", a)
	e.is(t, "+OK\r\n", "SET", "b", b)
	for _, c := range []struct {
		op  string
		fn  func(x, y byte) byte
		dst string
	}{
		{"AND", func(x, y byte) byte { return x & y }, "d"},
		{"OR", func(x, y byte) byte { return x | y }, "d"},
		{"XOR", func(x, y byte) byte { return x ^ y }, "a2"},
	} {
		e.is(t, pfInt(int64(len(a))), "BITOP", c.op, c.dst, "a", "b")
		want := make([]byte, len(a))
		for i := range want {
			var y byte
			if i < len(b) {
				y = b[i]
			}
			want[i] = c.fn(a[i], y)
		}
		if got := e.raw.Do("GET", c.dst); got != pfBulk(string(want)) {
			t.Fatalf("BITOP %s differs", c.op)
		}
	}
	// Destination among the sources.
	e.is(t, pfInt(int64(len(a))), "BITOP", "XOR", "a", "a", "a")
	e.is(t, pfInt(0), "BITCOUNT", "a")
	e.is(t, pfInt(int64(len(b)*4)), "BITCOUNT", "b")
	e.is(t, pfInt(int64(len(b))), "BITOP", "NOT", "b", "b")
	e.is(t, pfInt(int64(len(b)*4)), "BITCOUNT", "b")
	e.is(t, pfInt(8), "BITPOS", "b", "1")
}

// BenchmarkBitmapHandlers measures BITCOUNT and BITOP AND on 1 MB values
// held in the keyspace (bench/prep.sh bits loads the same shapes).
func BenchmarkBitmapHandlers(b *testing.B) {
	h := newHandlerBench(b)
	big := make([]byte, 1<<20)
	for i := range big {
		big[i] = byte(i*7 + i>>9)
	}
	h.run(cmdSet, bs("big"), []byte("SET"), []byte("big"), big)
	h.run(cmdSet, bs("big2"), []byte("SET"), []byte("big2"), big[1:])
	b.Run("BITCOUNT", func(b *testing.B) {
		args := bs("BITCOUNT", "big")
		for b.Loop() {
			h.run(cmdBitCount, args[1:], args...)
		}
	})
	b.Run("BITOP_AND", func(b *testing.B) {
		args := bs("BITOP", "AND", "dest", "big", "big2")
		for b.Loop() {
			h.run(cmdBitOp, args[2:], args...)
		}
	})
}
