package cmdspec

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"strconv"
	"testing"
)

// TestLiveGetKeys compares GetKeys with a running Valkey on random
// requests for every command. It runs only when PETREL_VALKEY_ADDR names
// a scratch server, e.g.
//
//	valkey-server --port 7722 --save '' &
//	PETREL_VALKEY_ADDR=127.0.0.1:7722 go test -run Live ./internal/cmdspec
func TestLiveGetKeys(t *testing.T) {
	addr := os.Getenv("PETREL_VALKEY_ADDR")
	if addr == "" {
		t.Skip("PETREL_VALKEY_ADDR is not set")
	}
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	r := bufio.NewReader(conn)

	rng := rand.New(rand.NewPCG(1, 2))
	vocab := []string{"0", "1", "2", "3", "-1", "01", " 1", "2147483648", "4294967297", "", "x", "k",
		"STREAMS", "streams", "KEYS", "STORE", "STOREDIST", "GET", "SET", "BY", "LIMIT", "AUTH", "AUTH2",
		"COPY", "GROUP", "COUNT", "BLOCK", "NOACK", "OVERFLOW", "INCRBY", "FIELDS", "NUMKEYS"}
	var specs []*Spec
	for _, s := range All() {
		specs = append(specs, s)
		specs = append(specs, s.Subcommands...)
	}
	n := 0
	for _, s := range specs {
		for range 40 {
			args := [][]byte{[]byte(s.Name)}
			if s.Container != "" {
				args = [][]byte{[]byte(s.Container), []byte(s.SubName())}
			}
			for range rng.IntN(9) {
				args = append(args, []byte(vocab[rng.IntN(len(vocab))]))
			}
			var req bytes.Buffer
			fmt.Fprintf(&req, "*%d\r\n$7\r\nCOMMAND\r\n$15\r\nGETKEYSANDFLAGS\r\n", len(args)+2)
			for _, a := range args {
				fmt.Fprintf(&req, "$%d\r\n%s\r\n", len(a), a)
			}
			if _, err := conn.Write(req.Bytes()); err != nil {
				t.Fatal(err)
			}
			var want bytes.Buffer
			if err := copyReply(r, &want); err != nil {
				t.Fatal(err)
			}
			w := writer(2)
			GetKeys(w, args, true)
			if !bytes.Equal(w.Buf, want.Bytes()) {
				t.Errorf("%q:\n got %q\nwant %q", args, w.Buf, want.Bytes())
			}
			n++
		}
	}
	t.Logf("%d requests compared", n)
}

func copyReply(r *bufio.Reader, out *bytes.Buffer) error {
	line, err := r.ReadBytes('\n')
	if err != nil {
		return err
	}
	out.Write(line)
	n, _ := strconv.Atoi(string(bytes.TrimSpace(line[1:])))
	switch line[0] {
	case '$':
		if n >= 0 {
			b := make([]byte, n+2)
			if _, err := io.ReadFull(r, b); err != nil {
				return err
			}
			out.Write(b)
		}
	case '*', '~':
		for range n {
			if err := copyReply(r, out); err != nil {
				return err
			}
		}
	}
	return nil
}
