package commands

import (
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"petrel/internal/servertest"
)

// expectDeadline reads one propagated command and checks it against
// want, whose word "<ms>" must be a unix-ms deadline within [lo, hi].
func expectDeadline(t *testing.T, repl *servertest.Raw, want string, lo, hi int64) {
	t.Helper()
	got := repl.ReadCommand(2 * time.Second)
	words := strings.Fields(want)
	if len(got) != len(words) {
		t.Fatalf("stream: got %q, want %q", got, want)
	}
	for i, w := range words {
		if w != "<ms>" {
			if got[i] != w {
				t.Fatalf("stream: got %q, want %q", got, want)
			}
			continue
		}
		if ms, err := strconv.ParseInt(got[i], 10, 64); err != nil || ms < lo || ms > hi {
			t.Fatalf("stream: got %q, want %q with <ms> in [%d, %d]", got, want, lo, hi)
		}
	}
}

func TestPropagateHashExpireCommands(t *testing.T) {
	c, repl := startReplicated(t)
	c.Do("HSET", "h", "f1", "v1", "f2", "v2", "f3", "v3")
	before := time.Now().UnixMilli()
	c.Do("HEXPIRE", "h", "100", "FIELDS", "2", "f1", "f2")
	after := time.Now().UnixMilli()
	c.Do("HEXPIRE", "h", "100", "NX", "FIELDS", "1", "f1") // NX fails: nothing changed
	c.Do("HPEXPIRE", "h", "200000", "XX", "FIELDS", "2", "f1", "nosuch")
	c.Do("HPEXPIREAT", "h", "9999999999000", "FIELDS", "1", "f1")
	c.Do("HEXPIREAT", "h", "9999999999", "GT", "FIELDS", "1", "f2")
	c.Do("HEXPIRE", "h", "0", "FIELDS", "2", "f1", "nosuch") // deleted now
	c.Do("HPEXPIREAT", "h", "1", "FIELDS", "1", "nosuch")    // changed nothing
	c.Do("HPERSIST", "h", "FIELDS", "1", "f2")
	repl.ExpectCommands("select 0", "hset h f1 v1 f2 v2 f3 v3")
	expectDeadline(t, repl, "hpexpireat h <ms> FIELDS 2 f1 f2", before+100_000, after+100_000)
	expectDeadline(t, repl, "hpexpireat h <ms> XX FIELDS 2 f1 nosuch", before+200_000, time.Now().UnixMilli()+200_000)
	repl.ExpectCommands(
		"hpexpireat h 9999999999000 FIELDS 1 f1",
		"hpexpireat h 9999999999000 GT FIELDS 1 f2",
		"hdel h f1",
		"hpersist h FIELDS 1 f2",
	)
	// Deleting the last fields: HDEL only, no DEL.
	c.Do("HPEXPIREAT", "h", "1", "FIELDS", "2", "f2", "f3")
	repl.ExpectCommands("hdel h f2 f3")
	if got := c.Do("EXISTS", "h"); got != ":0\r\n" {
		t.Fatalf("EXISTS h after its last fields expired: %q", got)
	}
}

func TestPropagateHGetEx(t *testing.T) {
	c, repl := startReplicated(t)
	c.Do("HSET", "h", "f1", "v1", "f2", "v2", "f3", "v3")
	before := time.Now().UnixMilli()
	c.Do("HGETEX", "h", "EX", "100", "FIELDS", "3", "f1", "nosuch", "f2")
	after := time.Now().UnixMilli()
	c.Do("HGETEX", "h", "PXAT", "9999999999000", "FIELDS", "1", "f3")
	c.Do("HGETEX", "h", "FIELDS", "1", "f1")                // a read: nothing
	c.Do("HGETEX", "h", "PERSIST", "FIELDS", "1", "nosuch") // nothing changed
	c.Do("HGETEX", "h", "PERSIST", "FIELDS", "2", "f3", "nosuch")
	c.Do("HGETEX", "h", "PX", "0", "FIELDS", "2", "nosuch", "f2")
	c.Do("HGETEX", "h", "EXAT", "1", "FIELDS", "2", "f1", "f3")
	repl.ExpectCommands("select 0", "hset h f1 v1 f2 v2 f3 v3")
	expectDeadline(t, repl, "hpexpireat h <ms> FIELDS 2 f1 f2", before+100_000, after+100_000)
	repl.ExpectCommands(
		"hpexpireat h 9999999999000 FIELDS 1 f3",
		"hpersist h FIELDS 1 f3",
		"hdel h f2",
		"hdel h f1 f3",
	)
}

func TestPropagateHashIncrAndSetNX(t *testing.T) {
	c, repl := startReplicated(t)
	c.Do("HINCRBYFLOAT", "n", "f", "1.5") // always its result
	c.Do("HINCRBY", "n", "i", "2")        // no field has a TTL: as itself
	c.Do("HSETNX", "n", "g", "1")
	c.Do("HSETNX", "n", "g", "2") // not set: nothing
	c.Do("HPEXPIREAT", "n", "9999999999000", "FIELDS", "1", "f")
	// Now the hash has a volatile field.
	c.Do("HINCRBYFLOAT", "n", "f", "1")
	c.Do("HINCRBY", "n", "i", "3")
	c.Do("HINCRBYFLOAT", "n", "i", "0.5")
	c.Do("HPEXPIREAT", "n", "9999999999000", "FIELDS", "1", "g")
	c.Do("HINCRBY", "n", "g", "-1")
	c.Do("HSETNX", "n", "h", "x")
	c.Do("HSET", "n", "z", "1")
	c.Do("HMSET", "n", "z", "2")
	repl.ExpectCommands(
		"select 0",
		"hset n f 1.5",
		"hincrby n i 2",
		"hsetnx n g 1",
		"hpexpireat n 9999999999000 FIELDS 1 f",
		"hsetex n PXAT 9999999999000 FIELDS 1 f 2.5",
		"hset n i 5",
		"hset n i 5.5",
		"hpexpireat n 9999999999000 FIELDS 1 g",
		"hsetex n PXAT 9999999999000 FIELDS 1 g 0",
		"hset n h x",
		"hset n z 1",
		"hmset n z 2",
	)
}

func TestPropagateHSetEx(t *testing.T) {
	c, repl := startReplicated(t)
	exp := strconv.FormatInt(time.Now().UnixMilli()+1_000_000, 10)
	// Valkey's "HSETEX is not replicating validation arguments".
	c.Do("HSETEX", "myhash", "FNX", "PXAT", exp, "FIELDS", "1", "f2", "v2")
	c.Do("HSETEX", "myhash", "FXX", "PXAT", exp, "FIELDS", "1", "f2", "v2")
	c.Do("HSETEX", "myhash2", "fnx", "PXAT", exp, "FIELDS", "1", "f2", "v2")
	c.Do("HSETEX", "myhash2", "fxx", "PXAT", exp, "FIELDS", "1", "f2", "v2")
	c.Do("HSETEX", "myhash2", "FNX", "FIELDS", "1", "f2", "v2") // FNX fails: nothing
	repl.ExpectCommands(
		"select 0",
		"hsetex myhash PXAT "+exp+" FIELDS 1 f2 v2",
		"hsetex myhash PXAT "+exp+" FIELDS 1 f2 v2",
		"hsetex myhash2 PXAT "+exp+" FIELDS 1 f2 v2",
		"hsetex myhash2 PXAT "+exp+" FIELDS 1 f2 v2",
	)

	before := time.Now().UnixMilli()
	c.Do("HSETEX", "s", "EX", "100", "FIELDS", "2", "a", "1", "b", "2")
	after := time.Now().UnixMilli()
	expectDeadline(t, repl, "hsetex s PXAT <ms> FIELDS 2 a 1 b 2", before+100_000, after+100_000)
	c.Do("HSETEX", "s", "FXX", "px", "5000", "FIELDS", "1", "a", "3")
	expectDeadline(t, repl, "hsetex s PXAT <ms> FIELDS 1 a 3", before+5_000, time.Now().UnixMilli()+5_000)
	c.Do("HSETEX", "s", "KEEPTTL", "FIELDS", "1", "a", "4")   // as itself
	c.Do("HSETEX", "s", "FIELDS", "1", "a", "5")              // as itself
	c.Do("HSETEX", "s", "PXAT", exp, "FIELDS", "1", "a", "6") // absolute already
	c.Do("HSETEX", "s", "PXAT", "1", "FIELDS", "2", "a", "x", "nosuch", "y")
	c.Do("HSETEX", "s", "EXAT", "1", "FIELDS", "1", "nosuch", "y") // deleted nothing: nothing
	c.Do("HSETEX", "s", "PX", "0", "FIELDS", "1", "b", "y")        // the last field
	repl.ExpectCommands(
		"hsetex s KEEPTTL FIELDS 1 a 4",
		"hsetex s FIELDS 1 a 5",
		"hsetex s PXAT "+exp+" FIELDS 1 a 6",
		"hdel s a",
		"hdel s b",
	)
}

// An expired field overwritten by HSETEX KEEPTTL is deleted on the
// replica first, in the same unit, so that it does not keep the old TTL.
func TestPropagateHSetExKeepTTLOverExpired(t *testing.T) {
	c, repl := startReplicated(t)
	c.Do("DEBUG", "SET-ACTIVE-EXPIRE", "0")
	c.Do("HSETEX", "k", "PX", "1", "FIELDS", "2", "f", "v", "g", "v")
	c.Do("HSET", "k", "keep", "1")
	time.Sleep(10 * time.Millisecond)
	c.Do("HSETEX", "k", "KEEPTTL", "FIELDS", "3", "f", "w", "keep", "2", "g", "w")
	repl.ExpectCommands("select 0")
	repl.ReadCommand(2 * time.Second) // hsetex k PXAT ...
	repl.ExpectCommands(
		"hset k keep 1",
		"multi",
		"hdel k f g",
		"hsetex k KEEPTTL FIELDS 3 f w keep 2 g w",
		"exec",
	)
}

func TestPropagateActiveFieldExpiry(t *testing.T) {
	c, repl := startReplicated(t)
	c.Do("HSET", "a", "f1", "1", "f2", "2", "f3", "3")
	c.Do("HPEXPIRE", "a", "20", "FIELDS", "2", "f1", "f2")
	repl.ExpectCommands("select 0", "hset a f1 1 f2 2 f3 3", "hpexpireat a * FIELDS 2 f1 f2")
	got := repl.ReadCommand(5 * time.Second)
	if len(got) != 4 || got[0] != "hdel" || got[1] != "a" {
		t.Fatalf("active expiry of two fields: got %q, want hdel a f1 f2", got)
	}
	sort.Strings(got[2:])
	if got[2] != "f1" || got[3] != "f2" {
		t.Fatalf("active expiry of two fields: got %q, want hdel a f1 f2", got)
	}

	// Emptying the key: HDEL then the key's deletion, as one unit.
	c.Do("HSET", "b", "f", "1")
	c.Do("HPEXPIRE", "b", "20", "FIELDS", "1", "f")
	repl.ExpectCommands("hset b f 1", "hpexpireat b * FIELDS 1 f")
	repl.ExpectCommands("multi", "hdel b f", "unlink b", "exec")

	// In another database, with lazyfree-lazy-expire off.
	c.Do("CONFIG", "SET", "lazyfree-lazy-expire", "no")
	c.Do("SELECT", "3")
	c.Do("HSETEX", "c", "PX", "20", "FIELDS", "1", "f", "1")
	repl.ExpectCommands("select 3", "hsetex c PXAT * FIELDS 1 f 1")
	repl.ExpectCommands("multi", "hdel c f", "del c", "exec")
}

// The cycle reclaims at most 1024 fields of a key a visit, each visit
// propagating one HDEL of those fields.
func TestPropagateActiveFieldExpiryBatches(t *testing.T) {
	c, repl := startReplicated(t)
	const n = 1100
	args := []string{"HSET", "big"}
	fields := []string{"HPEXPIRE", "big", "30", "FIELDS", strconv.Itoa(n)}
	for i := range n {
		f := "f" + strconv.Itoa(i)
		args = append(args, f, "v")
		fields = append(fields, f)
	}
	c.Do(args...)
	c.Do(fields...)
	repl.ExpectCommands("select 0", "hset big *", "hpexpireat big *")
	seen := 0
	for range 2 {
		got := repl.ReadCommand(5 * time.Second)
		if len(got) > 0 && got[0] == "multi" {
			got = repl.ReadCommand(2 * time.Second)
			if len(got) < 3 || got[0] != "hdel" {
				t.Fatalf("expected an HDEL in the unit, got %q", got)
			}
			seen += len(got) - 2
			repl.ExpectCommands("unlink big", "exec")
			break
		}
		if len(got) < 3 || got[0] != "hdel" || len(got)-2 > 1024 {
			t.Fatalf("expected HDEL big with at most 1024 fields, got %d words %.60q", len(got), got)
		}
		seen += len(got) - 2
	}
	if seen != n {
		t.Fatalf("propagated %d field deletions, want %d", seen, n)
	}
}
