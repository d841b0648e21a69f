package commands

// Regressions found by running Valkey's own suite files for lists, hashes
// and field expiry against Petrel (unit/type/list, unit/type/hash,
// unit/hashexpire).

import (
	"strconv"
	"strings"
	"testing"
)

// infoInt returns the integer field name of INFO section.
func infoInt(t *testing.T, e *hashEnv, section, name string) int64 {
	t.Helper()
	info, err := e.rdb.Info(e.ctx, section).Result()
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(info, "\r\n") {
		if v, ok := strings.CutPrefix(line, name+":"); ok {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				t.Fatalf("%s: %q", name, v)
			}
			return n
		}
	}
	t.Fatalf("INFO %s has no %s", section, name)
	return 0
}

// TestHRandFieldUniformOverSocket: HRANDFIELD with a negative count picks
// the fields of a hashtable-encoded hash uniformly (Valkey's chi-square
// check, with more samples). Picking a random bucket, then a random field
// of its chain, favoured fields alone in their bucket.
func TestHRandFieldUniformOverSocket(t *testing.T) {
	e := newHashEnv(t)
	const fields = 10
	args := []any{"HSET", "h"}
	for i := 0; i < fields; i++ {
		args = append(args, "field:"+strconv.Itoa(i), strings.Repeat("v", 100))
	}
	e.rdb.Do(e.ctx, args...)
	if enc := e.encoding(t, "h"); enc != "hashtable" {
		t.Fatalf("encoding %s", enc)
	}
	const picks = 20000
	got, err := e.rdb.Do(e.ctx, "HRANDFIELD", "h", -picks).StringSlice()
	if err != nil || len(got) != picks {
		t.Fatalf("HRANDFIELD: %d picks, %v", len(got), err)
	}
	counts := map[string]int{}
	for _, f := range got {
		counts[f]++
	}
	expect := float64(picks) / fields
	chi := 0.0
	for _, c := range counts {
		d := float64(c) - expect
		chi += d * d / expect
	}
	// df = 9: Valkey's suite allows 40 (p = 0.00001) for 1000 picks.
	if len(counts) != fields || chi > 40 {
		t.Fatalf("%d fields picked, chi-square %.1f: %v", len(counts), chi, counts)
	}
}

// TestExpiredFieldsResetStat: CONFIG RESETSTAT clears expired_fields, so
// a past-time HGETEX/HSETEX counts from zero afterwards.
func TestExpiredFieldsResetStat(t *testing.T) {
	e := newHashEnv(t)
	e.is(t, hInt(2), "HSET", "h", "a", "1", "b", "2")
	e.is(t, hArr(hBulk("1")), "HGETEX", "h", "PX", "0", "FIELDS", "1", "a")
	if n := infoInt(t, e, "stats", "expired_fields"); n != 1 {
		t.Fatalf("expired_fields %d after HGETEX PX 0, want 1", n)
	}
	e.is(t, "+OK\r\n", "CONFIG", "RESETSTAT")
	if n := infoInt(t, e, "stats", "expired_fields"); n != 0 {
		t.Fatalf("expired_fields %d after RESETSTAT", n)
	}
	// HSETEX with a past time counts every field named, present or not.
	e.is(t, hInt(1), "HSETEX", "h", "EXAT", "1", "FIELDS", "2", "b", "x", "c", "y")
	if n := infoInt(t, e, "stats", "expired_fields"); n != 2 {
		t.Fatalf("expired_fields %d after HSETEX EXAT 1 of two fields, want 2", n)
	}
}

// TestHashCopySameMemoryUsage: COPY of a hash reports the same MEMORY
// USAGE as its source (the table form used to be compacted by the copy).
func TestHashCopySameMemoryUsage(t *testing.T) {
	e := newHashEnv(t)
	e.is(t, hInt(3), "HSET", "h{t}", "f1", "v1", "f3", "v3", "f4", "v4")
	e.is(t, hInts(1), "HEXPIRE", "h{t}", "2000", "FIELDS", "1", "f1")
	e.is(t, hInts(1), "HEXPIRE", "h{t}", "5000", "FIELDS", "1", "f3")
	e.is(t, hInt(1), "COPY", "h{t}", "c{t}")
	a := e.raw.Do("MEMORY", "USAGE", "h{t}")
	b := e.raw.Do("MEMORY", "USAGE", "c{t}")
	if a != b || !strings.HasPrefix(a, ":") {
		t.Fatalf("MEMORY USAGE source %q, copy %q", a, b)
	}
	e.is(t, hInt(1), "HSET", "p{t}", "a", "1")
	e.is(t, hInt(1), "COPY", "p{t}", "pc{t}")
	if a, b := e.raw.Do("MEMORY", "USAGE", "p{t}"), e.raw.Do("MEMORY", "USAGE", "pc{t}"); a != b {
		t.Fatalf("listpack MEMORY USAGE source %q, copy %q", a, b)
	}
}

// TestHSetExZeroTTLInImportMode: in import mode a past (even zero) field
// deadline is kept rather than deleting the fields; they expire once
// import mode ends (Valkey's "Zero is a valid ttl in HFE").
func TestHSetExZeroTTLInImportMode(t *testing.T) {
	e := newHashEnv(t)
	e.is(t, hInt(1), "HSET", "h", "f1", "v1")
	e.is(t, hInt(1), "HSETEX", "h", "EXAT", "0", "FIELDS", "2", "f2", "v2", "f3", "v3")
	e.is(t, hInt(1), "HLEN", "h")
	e.is(t, "+OK\r\n", "CONFIG", "SET", "import-mode", "yes")
	e.is(t, hInt(1), "HSETEX", "h", "EXAT", "0", "FIELDS", "2", "f2", "v2", "f3", "v3")
	e.is(t, hInt(3), "HLEN", "h")
	if enc := e.encoding(t, "h"); enc != "hashtable" {
		t.Fatalf("encoding %s", enc)
	}
	e.is(t, "+OK\r\n", "CONFIG", "SET", "import-mode", "no")
	waitFor(t, "the zero-deadline fields to expire", func() bool {
		return e.raw.Do("HLEN", "h") == hInt(1)
	})
}

// TestMoveCountsOneChange: LMOVE and a served BLMOVE count one change in
// rdb_changes_since_last_save, as Valkey (the pop's; the push only
// signals the destination).
func TestMoveCountsOneChange(t *testing.T) {
	e := newHashEnv(t)
	e.is(t, hInt(2), "RPUSH", "src{t}", "a", "b")
	before := infoInt(t, e, "persistence", "rdb_changes_since_last_save")
	e.is(t, hBulk("a"), "LMOVE", "src{t}", "dst{t}", "LEFT", "LEFT")
	e.is(t, hBulk("b"), "BLMOVE", "src{t}", "dst{t}", "LEFT", "LEFT", "0")
	after := infoInt(t, e, "persistence", "rdb_changes_since_last_save")
	if after-before != 2 {
		t.Fatalf("two moves counted %d changes, want 2", after-before)
	}
	// A BLMOVE served by a push: the push and the move, two changes.
	done := make(chan string, 1)
	go func() {
		v, _ := e.rdb3.BLMove(e.ctx, "src{t}", "dst{t}", "LEFT", "LEFT", 0).Result()
		done <- v
	}()
	waitFor(t, "BLMOVE to block", func() bool { return infoInt(t, e, "clients", "blocked_clients") == 1 })
	before = infoInt(t, e, "persistence", "rdb_changes_since_last_save")
	e.is(t, hInt(1), "LPUSH", "src{t}", "c")
	if v := <-done; v != "c" {
		t.Fatalf("BLMOVE got %q", v)
	}
	if d := infoInt(t, e, "persistence", "rdb_changes_since_last_save") - before; d != 2 {
		t.Fatalf("push + served BLMOVE counted %d changes, want 2", d)
	}
}

// TestHGetExHExpirePastInImportMode: in import mode HGETEX and HEXPIRE
// with a past deadline set it (HEXPIRE replies 1, not 2) instead of
// deleting the field.
func TestHGetExHExpirePastInImportMode(t *testing.T) {
	e := newHashEnv(t)
	e.is(t, hInt(2), "HSET", "h", "a", "1", "b", "2")
	e.is(t, "+OK\r\n", "CONFIG", "SET", "import-mode", "yes")
	e.is(t, hArr(hBulk("1")), "HGETEX", "h", "PXAT", "1", "FIELDS", "1", "a")
	e.is(t, hInts(1), "HEXPIRE", "h", "0", "FIELDS", "1", "b")
	e.is(t, hInt(2), "HLEN", "h")
	e.is(t, "+OK\r\n", "CONFIG", "SET", "import-mode", "no")
	waitFor(t, "the past-deadline fields to expire", func() bool {
		return e.raw.Do("EXISTS", "h") == hInt(0)
	})
}
