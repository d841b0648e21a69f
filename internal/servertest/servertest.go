// Package servertest starts in-process servers on random loopback ports
// for tests, and gives them real clients: go-redis for behaviour, and a
// raw RESP connection for byte-exact replies.
package servertest

import (
	"bufio"
	"io"
	"log"
	"net"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"petrel/internal/server"
)

// Start runs a server with default settings (adjusted by tweak, may be nil)
// on 127.0.0.1 and a random port, with the given command families
// registered. It is shut down when the test ends.
func Start(t testing.TB, tweak func(*server.Settings), register ...func(*server.Registry)) *server.Server {
	t.Helper()
	st := server.DefaultSettings()
	st.Bind = []string{"127.0.0.1"}
	st.Port = 0
	if tweak != nil {
		tweak(st)
	}
	srv := server.New(st, register...)
	srv.SetLogger(log.New(io.Discard, "", 0))
	if err := srv.Listen(); err != nil {
		t.Fatalf("listen: %v", err)
	}
	go func() { _ = srv.Serve() }()
	t.Cleanup(srv.Close)
	return srv
}

// Client returns a go-redis client (RESP3 unless proto is 2) connected to srv.
func Client(t testing.TB, srv *server.Server, proto int) *redis.Client {
	t.Helper()
	c := redis.NewClient(&redis.Options{
		Addr:            srv.Addr().String(),
		Protocol:        proto,
		DisableIdentity: true,
		MaxRetries:      -1,
		PoolSize:        4,
		ReadTimeout:     10 * time.Second,
	})
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// Raw is a raw RESP connection for byte-exact assertions.
type Raw struct {
	t    testing.TB
	Conn net.Conn
	R    *bufio.Reader
}

// Dial opens a raw connection to srv.
func Dial(t testing.TB, srv *server.Server) *Raw {
	t.Helper()
	nc, err := net.Dial("tcp", srv.Addr().String())
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { _ = nc.Close() })
	return &Raw{t: t, Conn: nc, R: bufio.NewReader(nc)}
}

// Send writes a command as a RESP array of bulk strings.
func (r *Raw) Send(args ...string) {
	r.t.Helper()
	if _, err := r.Conn.Write(Encode(args...)); err != nil {
		r.t.Fatalf("write: %v", err)
	}
}

// Encode builds the RESP encoding of a command.
func Encode(args ...string) []byte {
	b := []byte{'*'}
	b = appendInt(b, len(args))
	b = append(b, '\r', '\n')
	for _, a := range args {
		b = append(b, '$')
		b = appendInt(b, len(a))
		b = append(b, '\r', '\n')
		b = append(b, a...)
		b = append(b, '\r', '\n')
	}
	return b
}

func appendInt(b []byte, n int) []byte {
	if n >= 10 {
		b = appendInt(b, n/10)
	}
	return append(b, byte('0'+n%10))
}

// Do sends a command and returns one complete raw reply.
func (r *Raw) Do(args ...string) string {
	r.t.Helper()
	r.Send(args...)
	return r.ReadReply()
}

// ReadReply reads one complete RESP2/RESP3 reply, raw.
func (r *Raw) ReadReply() string {
	r.t.Helper()
	_ = r.Conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	out, err := ReadRaw(r.R)
	if err != nil {
		r.t.Fatalf("read reply: %v (so far %q)", err, out)
	}
	return out
}

// ReadRaw reads one complete reply from rd and returns its bytes.
func ReadRaw(rd *bufio.Reader) (string, error) {
	var out []byte
	err := readOne(rd, &out)
	return string(out), err
}

func readOne(rd *bufio.Reader, out *[]byte) error {
	line, err := rd.ReadString('\n')
	*out = append(*out, line...)
	if err != nil {
		return err
	}
	if len(line) < 3 {
		return io.ErrUnexpectedEOF
	}
	n := 0
	neg := false
	for i, ch := range line[1 : len(line)-2] {
		if i == 0 && ch == '-' {
			neg = true
			continue
		}
		if ch < '0' || ch > '9' {
			n = -1
			break
		}
		n = n*10 + int(ch-'0')
	}
	if neg {
		n = -1
	}
	switch line[0] {
	case '$', '=', '!':
		if n < 0 {
			return nil
		}
		buf := make([]byte, n+2)
		if _, err := io.ReadFull(rd, buf); err != nil {
			return err
		}
		*out = append(*out, buf...)
	case '*', '~', '>':
		for i := 0; i < n; i++ {
			if err := readOne(rd, out); err != nil {
				return err
			}
		}
	case '%', '|':
		for i := 0; i < 2*n; i++ {
			if err := readOne(rd, out); err != nil {
				return err
			}
		}
		if line[0] == '|' { // an attribute precedes the real reply
			return readOne(rd, out)
		}
	}
	return nil
}
