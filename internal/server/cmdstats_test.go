package server_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"petrel/internal/server"
	"petrel/internal/servertest"
)

var callsRe = regexp.MustCompile(`^calls=([0-9]+),`)

func cmdCalls(t *testing.T, p parsedInfo, name string) string {
	t.Helper()
	m := callsRe.FindStringSubmatch(p.values["cmdstat_"+name])
	if m == nil {
		return "none"
	}
	return m[1]
}

// A pipeline's statistics are summed per run of one command and published
// later (cmdstats.go): every later command of the same client, and every
// client that saw the replies, must still see them all.
func TestCommandstatsOfPipelines(t *testing.T) {
	for _, loops := range []int{1, 0} {
		t.Run(map[int]string{1: "loop", 0: "goroutine"}[loops], func(t *testing.T) {
			e := newCIEnv(t, func(st *server.Settings) { st.EventLoops = loops })
			r, other := e.dial(), e.dial()

			var batch []byte
			for i := 0; i < 50; i++ {
				batch = append(batch, servertest.Encode("SET", "k", "v")...)
			}
			for i := 0; i < 3; i++ {
				batch = append(batch, servertest.Encode("INCR", "n")...)
			}
			batch = append(batch, servertest.Encode("INFO", "commandstats", "stats")...)
			batch = append(batch, servertest.Encode("LATENCY", "HISTOGRAM", "set")...)
			batch = append(batch, servertest.Encode("CLIENT", "INFO")...)
			if _, err := r.Conn.Write(batch); err != nil {
				t.Fatal(err)
			}
			for i := 0; i < 53; i++ {
				r.ReadReply()
			}
			p := parseInfo(t, ciText(t, r.ReadReply()))
			if got := cmdCalls(t, p, "set"); got != "50" {
				t.Errorf("INFO in the pipeline: cmdstat_set calls=%s, want 50", got)
			}
			if got := cmdCalls(t, p, "incr"); got != "3" {
				t.Errorf("INFO in the pipeline: cmdstat_incr calls=%s, want 3", got)
			}
			if got := infoInt(t, p, "total_commands_processed"); got < 53 {
				t.Errorf("total_commands_processed=%d, want at least 53", got)
			}
			if h := r.ReadReply(); !strings.Contains(h, "$5\r\ncalls\r\n:50\r\n") {
				t.Errorf("LATENCY HISTOGRAM set in the pipeline: %q", h)
			}
			if ci := r.ReadReply(); !regexp.MustCompile(` tot-cmds=55\b`).MatchString(ci) {
				t.Errorf("CLIENT INFO in the pipeline: %q, want tot-cmds=55", ci)
			}
			// Another client that saw the replies sees the counts.
			if got := cmdCalls(t, infoOf(t, other, "commandstats"), "set"); got != "50" {
				t.Errorf("INFO on another connection: cmdstat_set calls=%s, want 50", got)
			}

			// A command that blocks publishes what ran before it.
			if _, err := r.Conn.Write(append(append(servertest.Encode("RPUSH", "q", "a"),
				servertest.Encode("BLPOP", "q", "0")...), servertest.Encode("BLPOP", "q", "0")...)); err != nil {
				t.Fatal(err)
			}
			r.ReadReply()
			r.ReadReply()
			deadline := time.Now().Add(5 * time.Second)
			for cmdCalls(t, infoOf(t, other, "commandstats"), "blpop") != "1" {
				if time.Now().After(deadline) {
					t.Fatal("the first BLPOP is not counted while the second one blocks")
				}
				time.Sleep(5 * time.Millisecond)
			}
			ciIs(t, other, ":1\r\n", "RPUSH", "q", "b")
			if got := r.ReadReply(); got != "*2\r\n$1\r\nq\r\n$1\r\nb\r\n" {
				t.Errorf("blocked BLPOP got %q", got)
			}
		})
	}
}
