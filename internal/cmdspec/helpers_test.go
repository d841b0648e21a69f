package cmdspec

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"testing"

	"petrel/internal/resp"
)

// The testdata files were captured from a real valkey-server by
// testdata/capture.go; each records its source.

func loadCases[T any](t *testing.T, file string) []T {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Source string `json:"source"`
		Cases  []T    `json:"cases"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	if !strings.HasPrefix(doc.Source, "Captured from valkey-server") || len(doc.Cases) == 0 {
		t.Fatalf("%s: no source or no cases", file)
	}
	return doc.Cases
}

func readGzip(t *testing.T, file string) []byte {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func byteArgs(args []string) [][]byte {
	out := make([][]byte, len(args))
	for i, a := range args {
		out[i] = []byte(a)
	}
	return out
}

func writer(proto int) *resp.Writer { return &resp.Writer{Proto: proto} }

// node is a parsed reply: its type byte, its line or bulk text, and its
// elements (maps as alternating keys and values).
type node struct {
	t     byte
	s     string
	null  bool // $-1
	elems []*node
}

func parseReply(t *testing.T, b []byte) *node {
	t.Helper()
	n, rest, err := parseNode(b)
	if err != nil {
		t.Fatalf("parsing reply: %v", err)
	}
	if len(rest) != 0 {
		t.Fatalf("parsing reply: %d trailing bytes", len(rest))
	}
	return n
}

func parseNode(b []byte) (*node, []byte, error) {
	i := bytes.Index(b, []byte("\r\n"))
	if i < 1 {
		return nil, nil, fmt.Errorf("no line in %q", b)
	}
	n := &node{t: b[0], s: string(b[1:i])}
	b = b[i+2:]
	switch n.t {
	case '$', '=', '!':
		l, _ := strconv.Atoi(n.s)
		if l < 0 {
			n.null = true
			return n, b, nil
		}
		if len(b) < l+2 {
			return nil, nil, fmt.Errorf("short bulk")
		}
		n.s, b = string(b[:l]), b[l+2:]
	case '*', '~', '%', '>', '|':
		c, _ := strconv.Atoi(n.s)
		if n.t == '%' || n.t == '|' {
			c *= 2
		}
		for range c {
			var e *node
			var err error
			if e, b, err = parseNode(b); err != nil {
				return nil, nil, err
			}
			n.elems = append(n.elems, e)
		}
	}
	return n, b, nil
}

// encode writes the node back (counts from its elements).
func (n *node) encode(out *bytes.Buffer) {
	switch n.t {
	case '$', '=', '!':
		if n.null {
			fmt.Fprintf(out, "%c-1\r\n", n.t)
			return
		}
		fmt.Fprintf(out, "%c%d\r\n%s\r\n", n.t, len(n.s), n.s)
	case '*', '~', '>':
		fmt.Fprintf(out, "%c%d\r\n", n.t, len(n.elems))
	case '%', '|':
		fmt.Fprintf(out, "%c%d\r\n", n.t, len(n.elems)/2)
	default:
		fmt.Fprintf(out, "%c%s\r\n", n.t, n.s)
	}
	for _, e := range n.elems {
		e.encode(out)
	}
}

func (n *node) String() string {
	var b bytes.Buffer
	n.encode(&b)
	return b.String()
}

// mapGet returns the value of key in a map node (a RESP3 map or a RESP2
// array of alternating keys and values).
func (n *node) mapGet(key string) *node {
	for i := 0; i+1 < len(n.elems); i += 2 {
		if n.elems[i].s == key {
			return n.elems[i+1]
		}
	}
	return nil
}

// mapDelete removes key from a map node.
func (n *node) mapDelete(key string) {
	for i := 0; i+1 < len(n.elems); i += 2 {
		if n.elems[i].s == key {
			n.elems = append(n.elems[:i], n.elems[i+2:]...)
			return
		}
	}
}
