package commands

import (
	"strings"
	"testing"

	"petrel/internal/servertest"
)

// A RESP3 client blocked in BLPOP gets the pub/sub messages published
// meanwhile at once (as Valkey writes them), then its BLPOP reply.
func TestBlockedClientGetsPushesAtOnce(t *testing.T) {
	srv := servertest.Start(t, nil, Register)
	a := servertest.Dial(t, srv)
	a.Do("HELLO", "3")
	if got := a.Do("SUBSCRIBE", "ch"); got != ">3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n" {
		t.Fatalf("SUBSCRIBE: %q", got)
	}
	a.Send("BLPOP", "q", "0")
	b := servertest.Dial(t, srv)
	waitFor(t, "BLPOP to block", func() bool {
		return strings.Contains(b.Do("INFO", "clients"), "blocked_clients:1\r\n")
	})
	if got := b.Do("PUBLISH", "ch", "hello"); got != ":1\r\n" {
		t.Fatalf("PUBLISH: %q", got)
	}
	if got := a.ReadReply(); got != ">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$5\r\nhello\r\n" {
		t.Fatalf("push while blocked: %q", got)
	}
	b.Do("RPUSH", "q", "x")
	if got := a.ReadReply(); got != "*2\r\n$1\r\nq\r\n$1\r\nx\r\n" {
		t.Fatalf("BLPOP: %q", got)
	}
}
