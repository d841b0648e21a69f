package server

import (
	"fmt"
	"math/rand"
	"testing"
	"time"

	"petrel/internal/config"
)

// The subscription registry against a model: random subscribes and
// unsubscribes of random clients keep both sides (channel -> clients,
// client -> channels) and the pattern list consistent.
func TestPubSubRegistryModel(t *testing.T) {
	ps := &pubsubState{}
	clients := make([]*Client, 6)
	for i := range clients {
		clients[i] = &Client{ID: int64(i)}
	}
	model := map[subKind]map[string]map[*Client]bool{subChannel: {}, subPattern: {}, subShard: {}}
	rng := rand.New(rand.NewSource(1))
	for step := 0; step < 5000; step++ {
		c := clients[rng.Intn(len(clients))]
		kind := subKind(rng.Intn(3))
		name := fmt.Sprintf("n%d", rng.Intn(5))
		m := model[kind]
		if rng.Intn(2) == 0 {
			added := ps.addLocked(c, kind, []byte(name))
			if added == m[name][c] {
				t.Fatalf("step %d: add %s reported %v", step, name, added)
			}
			if m[name] == nil {
				m[name] = map[*Client]bool{}
			}
			m[name][c] = true
		} else {
			removed := ps.removeLocked(c, kind, name)
			if removed != m[name][c] {
				t.Fatalf("step %d: remove %s reported %v", step, name, removed)
			}
			delete(m[name], c)
			if len(m[name]) == 0 {
				delete(m, name)
			}
		}
		for k, names := range model {
			table := ps.tableLocked(k)
			if len(table) != len(names) {
				t.Fatalf("step %d: kind %d has %d names, want %d", step, k, len(table), len(names))
			}
			for n, want := range names {
				subs := table[n]
				if subs == nil || len(subs.clients) != len(want) || len(subs.index) != len(want) {
					t.Fatalf("step %d: %s subscribers wrong", step, n)
				}
				for i, x := range subs.clients {
					if !want[x] || subs.index[x] != i {
						t.Fatalf("step %d: %s index broken", step, n)
					}
				}
			}
		}
		if len(ps.patternList) != len(ps.patterns) {
			t.Fatalf("step %d: pattern list %d, table %d", step, len(ps.patternList), len(ps.patterns))
		}
		for i, p := range ps.patternList {
			if p.pos != i || ps.patterns[string(p.name)] != p {
				t.Fatalf("step %d: pattern list position broken", step)
			}
		}
	}
}

func TestAppendRepr(t *testing.T) {
	for in, want := range map[string]string{
		"":                   `""`,
		"plain":              `"plain"`,
		"a\"b\\c":            `"a\"b\\c"`,
		"\n\r\t\a\b":         `"\n\r\t\a\b"`,
		"\x00\x01\x7f\xff é": `"\x00\x01\x7f\xff \xc3\xa9"`,
		"~ ' {}":             `"~ ' {}"`,
	} {
		if got := string(appendRepr(nil, []byte(in))); got != want {
			t.Errorf("appendRepr(%q) = %s, want %s", in, got, want)
		}
	}
	line := appendMonitorLine(nil, time.Unix(1700000000, 5000), &Client{addr: "1.2.3.4:5"}, nil, 3, [][]byte{[]byte("SET"), []byte("k")})
	if got, want := string(line), "+1700000000.000005 [3 1.2.3.4:5] \"SET\" \"k\"\r\n"; got != want {
		t.Errorf("monitor line %q, want %q", got, want)
	}
	line = appendMonitorLine(nil, time.Unix(1700000000, 123456789), &Client{runningScript: true}, nil, 0, [][]byte{[]byte("get")})
	if got, want := string(line), "+1700000000.123456 [0 lua] \"get\"\r\n"; got != want {
		t.Errorf("monitor line %q, want %q", got, want)
	}
}

// The limit arithmetic: only output past the 16 KiB reply buffer counts; a
// hard limit closes at once; a soft limit only when exceeded for more than
// its seconds, and forgets its start once the output drops below it.
func TestOutputLimitReached(t *testing.T) {
	st := DefaultSettings()
	st.OutputBufferLimits[config.ClientPubsub] = config.OutputBufferLimit{Hard: 1000, Soft: 500, SoftSeconds: 2}
	s := &Server{}
	s.settings.Store(st)
	c := &Client{srv: s}
	c.SetFlag(ClientPubSub, true)
	const base = replyBufferBytes
	cases := []struct {
		pending, now int64
		want         bool
	}{
		{base + 499, 100, false},
		{base + 500, 100, false}, // soft: first seen
		{base + 600, 101, false},
		{base + 600, 102, false}, // exactly 2 s: not yet
		{base + 600, 103, true},
		{base + 10, 104, false}, // below: forgotten
		{base + 600, 105, false},
		{base + 1000, 105, true}, // hard
	}
	for i, tc := range cases {
		if got := s.outputLimitReached(c, tc.pending, tc.now); got != tc.want {
			t.Fatalf("case %d: outputLimitReached(%d, %d) = %v", i, tc.pending, tc.now, got)
		}
	}
	// A normal client has no limit by default.
	n := &Client{srv: s}
	if s.outputLimitReached(n, 1<<40, 0) {
		t.Fatal("normal clients are unlimited by default")
	}
}
