package server

import (
	"io"
	"log"
	"net"
	"testing"

	"petrel/internal/resp"
)

// benchClient is a client whose input is fed by hand and whose replies are
// discarded, so the whole parse/dispatch/reply path runs without sockets.
func benchClient(b *testing.B) (*Server, *Client) {
	st := DefaultSettings()
	st.EventLoops = 0
	s := New(st, func(r *Registry) {
		// Minimal GET/SET over the keyspace, so the server package can
		// measure dispatch without importing the command families.
		r.Handle("get", func(c *Ctx) {
			if e, ok := c.DB.LookupRead(c.Args[1]); ok {
				c.W.Bulk(e.AppendString(c.W.Buf[len(c.W.Buf):]))
				return
			}
			c.W.Null()
		})
		r.Handle("set", func(c *Ctx) {
			c.DB.SetString(c.Args[1], c.Args[2], 0, false)
			c.Modified(c.Args[1], "set")
			c.W.OK()
		})
	})
	s.SetLogger(log.New(io.Discard, "", 0))
	a, z := net.Pipe()
	b.Cleanup(func() { a.Close(); z.Close(); s.ks.Close() })
	c := &Client{srv: s, ID: 1, conn: a, rd: resp.NewReader(resp.Limits{MaxBulkLen: 512 << 20}), authed: true, sysfd: -1}
	c.w.Proto = 2
	return s, c
}

// BenchmarkDispatchGetSet measures one pipelined SET and GET through the
// reader, dispatch (lookup, key extraction, shard lock), handler and reply
// writer: the steady state must not allocate.
func BenchmarkDispatchGetSet(b *testing.B) {
	s, c := benchClient(b)
	in := []byte("*3\r\n$3\r\nSET\r\n$7\r\nkey:123\r\n$16\r\nvvvvvvvvvvvvvvvv\r\n*2\r\n$3\r\nGET\r\n$7\r\nkey:123\r\n")
	c.rd.Feed(in)
	s.processInput(c)
	c.w.Reset()
	b.ReportAllocs()
	for b.Loop() {
		c.rd.Feed(in)
		if s.processInput(c) != inputOK {
			b.Fatal("input rejected")
		}
		c.w.Reset()
	}
}

func TestDispatchSteadyStateAllocatesNothing(t *testing.T) {
	res := testing.Benchmark(BenchmarkDispatchGetSet)
	if a := res.AllocsPerOp(); a != 0 {
		t.Fatalf("SET+GET through dispatch: %d allocs/op", a)
	}
}
