package commands

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"petrel/internal/keyspace"
	"petrel/internal/resp"
	"petrel/internal/server"
)

// handlerBench drives handlers in-process, as the dispatcher would (the
// keys' shards locked around the call), without the network: the
// benchmarks of the stream, HyperLogLog and bitmap hot paths use it.
type handlerBench struct {
	srv *server.Server
	ks  *keyspace.Keyspace
	w   resp.Writer
	c   server.Ctx
}

func newHandlerBench(tb testing.TB) *handlerBench {
	srv := server.New(server.DefaultSettings(), Register)
	tb.Cleanup(srv.Close)
	h := &handlerBench{srv: srv, ks: srv.Keyspace()}
	// A client that is not connected (handlers read its flags).
	h.c = server.Ctx{Srv: srv, W: &h.w, Client: &server.Client{}}
	return h
}

// run calls fn with args, locking the shards of keys, and returns the
// reply.
func (h *handlerBench) run(fn server.Handler, keys [][]byte, args ...[]byte) []byte {
	var m keyspace.Mask
	for _, k := range keys {
		m |= keyspace.MaskOf(k)
	}
	h.c.Args = args
	h.c.Now = time.Now()
	h.c.DB = h.ks.View(0, h.c.Now.UnixMilli())
	h.w.Reset()
	h.ks.Lock(m)
	fn(&h.c)
	h.ks.Unlock(m)
	return h.w.Buf
}

// do runs a command given as words, its first key being the word after
// the name.
func (h *handlerBench) do(fn server.Handler, words string) []byte {
	var args [][]byte
	for _, w := range strings.Fields(words) {
		args = append(args, []byte(w))
	}
	return h.run(fn, args[1:2], args...)
}

func bs(words ...string) [][]byte {
	out := make([][]byte, len(words))
	for i, w := range words {
		out[i] = []byte(w)
	}
	return out
}

// BenchmarkStreamHandlers measures XADD, XREADGROUP (">", COUNT 1) and
// XACK on a stream of small entries, as bench/prep.sh streams loads it.
func BenchmarkStreamHandlers(b *testing.B) {
	h := newHandlerBench(b)
	key := [][]byte{[]byte("s")}
	b.Run("XADD", func(b *testing.B) {
		b.ReportAllocs()
		args := bs("XADD", "s", "*", "f", "value")
		for b.Loop() {
			h.run(cmdXAdd, key, args...)
		}
	})
	const n = 200000
	fill := func() {
		h.do(cmdDel, "DEL s")
		for i := 1; i <= n; i++ {
			h.run(cmdXAdd, key, bs("XADD", "s", fmt.Sprint("0-", i), "f", "value")...)
		}
		h.do(cmdXGroup, "XGROUP CREATE s g 0")
	}
	b.Run("XREADGROUP", func(b *testing.B) {
		fill()
		b.ReportAllocs()
		args := bs("XREADGROUP", "GROUP", "g", "c", "COUNT", "1", "STREAMS", "s", ">")
		i := 0
		for b.Loop() {
			if i++; i > n {
				b.StopTimer()
				fill()
				i = 1
				b.StartTimer()
			}
			h.run(cmdXReadGroup, key, args...)
		}
	})
	b.Run("XACK", func(b *testing.B) {
		fill()
		h.do(cmdXReadGroup, "XREADGROUP GROUP g c STREAMS s >")
		ids := make([][]byte, n)
		for i := range ids {
			ids[i] = []byte(fmt.Sprintf("0-%012d", (i*7919)%n+1))
		}
		args := bs("XACK", "s", "g", "")
		i := 0
		b.ReportAllocs()
		for b.Loop() {
			args[3] = ids[i%n]
			h.run(cmdXAck, key, args...)
			i++
		}
	})
}
