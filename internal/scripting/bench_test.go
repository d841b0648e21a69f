package scripting

import (
	"testing"

	"petrel/internal/resp"
)

// BenchmarkEvalSHA runs a GET+INCR script against canned replies: the
// engine's own cost per EVALSHA, without the server.
func BenchmarkEvalSHA(b *testing.B) {
	e := New(Options{})
	h := &fakeHost{replies: map[string]string{"get": "$1\r\n5\r\n", "incr": ":6\r\n"}}
	sha, errText := e.Load([]byte("redis.call('GET', KEYS[1]); return redis.call('INCR', KEYS[1])"))
	if errText != "" {
		b.Fatal(errText)
	}
	inv := &Invocation{Host: h, Keys: [][]byte{[]byte("key")}}
	w := resp.Writer{Proto: 2}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		h.calls = h.calls[:0]
		w.Buf = w.Buf[:0]
		e.Eval(inv, &w, []byte(sha), true)
	}
}
