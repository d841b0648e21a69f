//go:build ignore

// Capture records replies of a real Valkey server as test data for
// package cmdspec. Start a scratch server and run, from internal/cmdspec:
//
//	valkey-server --port 7722 --save '' &
//	go run testdata/capture.go -addr 127.0.0.1:7722
//
// It writes testdata/getkeys.json (COMMAND GETKEYS and GETKEYSANDFLAGS of
// many requests), testdata/errors.json (unknown command, unknown
// subcommand and arity errors), testdata/commands.json (COMMAND INFO and
// DOCS of a few commands, RESP2 and RESP3), testdata/list.json (COMMAND LIST
// with filters, and COMMAND COUNT) and the full COMMAND INFO and COMMAND
// DOCS replies (RESP2, gzip'ed) that the tests compare with.
package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"sort"
	"strconv"
	"strings"
)

var getkeysCases = []string{
	"GET k", "SET k v", "SET k v GET", "SET k v EX 10 get", "SET k v NX", "SET k v get\x00x", "SET k v GE",
	"MSET a 1 b 2", "MSET a 1 b", "MGET a b c", "DEL a b c", "MSETNX a 1 b 2", "GETEX k",
	"ZUNIONSTORE d 2 a b WEIGHTS 1 2", "ZUNIONSTORE d 0 a", "ZUNIONSTORE d -1 a", "ZUNIONSTORE d 3 a b",
	"ZUNIONSTORE d x a", "ZUNIONSTORE d 01 a", "ZUNIONSTORE d ^1 a", "ZUNIONSTORE d 4294967297 a",
	"ZUNIONSTORE d 2147483648 a", "ZUNIONSTORE d 4294967296 a", "ZUNIONSTORE d 99999999999999999999 a",
	"ZINTERSTORE d 1 a", "ZDIFFSTORE d 2 a b", "ZUNION 2 a b", "ZINTER 1 a", "ZDIFF 2 a b",
	"ZINTERCARD 2 a b LIMIT 1", "SINTERCARD 2 a b", "SINTERCARD 0 a", "SINTERCARD 3 a b",
	"LMPOP 2 a b LEFT", "LMPOP 0 a LEFT", "BLMPOP 0 2 a b LEFT", "BZMPOP 1 2 a b MIN", "ZMPOP 1 a MIN",
	"EVAL s 0", "EVAL s 2 a b c", "EVAL s 3 a b", "EVAL s -1 a", "EVAL s 1.5 a", "EVAL s 1^ a", "EVAL s ^-1 a",
	"EVALSHA x 1 a", "EVAL_RO s 1 a", "EVALSHA_RO x 2 a b", "FCALL f 2 a b x", "FCALL_RO f 1 a", "FCALL f 0",
	"SORT k", "SORT k BY w_* GET o_* STORE d", "SORT k STORE d STORE e", "SORT k LIMIT 0 store STORE x",
	"SORT k STORE", "SORT k get store by x", "SORT_RO k BY x", "SORT_RO k STORE d",
	"MIGRATE h p k 0 5000", "MIGRATE h p \"\" 0 5000 KEYS a b", "MIGRATE h p k 0 5000 KEYS a b",
	"MIGRATE h p \"\" 0 5000 COPY REPLACE AUTH pw KEYS a", "MIGRATE h p \"\" 0 5000 AUTH2 u p KEYS a b",
	"MIGRATE h p \"\" 0 5000 AUTH keys KEYS a", "MIGRATE h p \"\" 0 5000 KEYS", "MIGRATE h p k 0 5000 COPY",
	"GEORADIUS k 0 0 1 km", "GEORADIUS k 0 0 1 km STORE d", "GEORADIUS k 0 0 1 km STOREDIST d",
	"GEORADIUS k 0 0 1 km STORE d STOREDIST e", "GEORADIUS k 0 0 1 km STORE", "GEORADIUSBYMEMBER k m 1 km STORE d",
	"GEORADIUS_RO k 0 0 1 km", "GEOSEARCHSTORE d s FROMMEMBER m BYRADIUS 1 km",
	"XREAD STREAMS a b 0 0", "XREAD COUNT 1 BLOCK 0 STREAMS a 0", "XREAD STREAMS a", "XREAD STREAMS a b c",
	"XREAD COUNT streams STREAMS a 0", "XREAD STREAMS\x00zz a 0", "XREAD BLOCK 0 a 0",
	"XREADGROUP GROUP g c STREAMS a 0", "XREADGROUP GROUP g c COUNT 1 NOACK STREAMS a b 0 0",
	"XREADGROUP GROUP streams c STREAMS a 0", "XREADGROUP GROUP g c STREAMS a",
	"BITFIELD k GET u8 0", "BITFIELD k SET u8 0 1", "BITFIELD k", "BITFIELD k OVERFLOW SAT GET u8 0",
	"BITFIELD k GET u8", "BITFIELD k INCRBY u8 0 1 GET u8 0", "BITFIELD_RO k GET u8 0",
	"LMOVE a b LEFT RIGHT", "BLMOVE a b LEFT RIGHT 0", "RPOPLPUSH a b", "SMOVE a b m", "RENAME a b", "COPY a b",
	"OBJECT ENCODING k", "MEMORY USAGE k", "XINFO STREAM k", "XGROUP CREATE k g $", "CLIENT KILL x",
	"PING", "SPUBLISH ch m", "SSUBSCRIBE a", "PUBLISH ch m", "PFCOUNT a b", "PFMERGE d a b", "BITOP AND d a b",
	"SDIFFSTORE d a b", "SINTERSTORE d a", "ZRANGESTORE d s 0 -1", "LCS a b", "DELIFEQ k v",
	"BLPOP a b 0", "BZPOPMIN a b 0", "WATCH a b", "EXISTS a", "TOUCH a b", "UNLINK a",
	"HSETEX k FIELDS 1 f v", "HGETEX k FIELDS 2 a b", "HEXPIRE k 10 FIELDS 1 f",
	"GET", "GET a b", "FOO", "CLIENT", "OBJECT ENCODING", "CLIENT NOPE x", "XINFO STREAM",
	"get k", "oBjEcT encoding k", "RESTORE k 0 x", "GETDEL k", "EXPIRE k 10", "SCAN 0",
}

var errorCases = []string{
	"FOO", "FOO a b", "foo " + strings.Repeat("x", 200), "FOO " + strings.Repeat("abcdefghi ", 50),
	strings.Repeat("n", 200) + " a", "FOO a\r\nb c\rd", "FOO a\x00b c", "FOO\x00bar a",
	"CLIENT FOO", "client foo", "cLiEnt nope x y", "CLIENT " + strings.Repeat("s", 200), "CLIENT sub\r\nx",
	"client|kill", "client|kill a", "GET", "CLIENT KILL", "CONFIG GET", "OBJECT", "CLIENT", "config",
	"GET a b", "object\x00x k", "FOO " + strings.Repeat("y", 125) + " z", "FOO " + strings.Repeat("y", 124) + " z",
	"FOO " + strings.Repeat("y", 126) + " z", "SET k", "XINFO STREAM", "SENTINEL MASTERS", "COMMAND GETKEYS",
}

var listCases = []string{
	"COMMAND LIST", "COMMAND LIST FILTERBY ACLCAT read", "COMMAND LIST FILTERBY ACLCAT DANGEROUS",
	"COMMAND LIST FILTERBY ACLCAT nope", "COMMAND LIST FILTERBY MODULE foo", "COMMAND LIST FILTERBY PATTERN x*",
	"COMMAND LIST FILTERBY PATTERN CLIENT|*", "COMMAND LIST FILTERBY PATTERN *e?",
}

var infoCommands = []string{"get", "set", "client|kill", "zadd", "xreadgroup", "sort", "migrate", "spublish", "mset"}

func main() {
	addr := flag.String("addr", "127.0.0.1:7722", "address of a scratch valkey-server")
	flag.Parse()

	c2 := dial(*addr, 2)
	c3 := dial(*addr, 3)
	version := c2.version()

	type keysCase struct {
		Args          []string `json:"args"`
		GetKeys2      string   `json:"getkeys_resp2"`
		GetKeysFlags2 string   `json:"getkeysandflags_resp2"`
		GetKeysFlags3 string   `json:"getkeysandflags_resp3"`
	}
	var keys []keysCase
	for _, line := range getkeysCases {
		args := split(line)
		keys = append(keys, keysCase{
			Args:          args,
			GetKeys2:      c2.do(append([]string{"COMMAND", "GETKEYS"}, args...)...),
			GetKeysFlags2: c2.do(append([]string{"COMMAND", "GETKEYSANDFLAGS"}, args...)...),
			GetKeysFlags3: c3.do(append([]string{"COMMAND", "GETKEYSANDFLAGS"}, args...)...),
		})
	}
	save("testdata/getkeys.json", version, "COMMAND GETKEYS / GETKEYSANDFLAGS <args>", keys)

	type errCase struct {
		Args  []string `json:"args"`
		Reply string   `json:"reply"`
	}
	var errs []errCase
	for _, line := range errorCases {
		args := split(line)
		errs = append(errs, errCase{Args: args, Reply: c2.do(args...)})
	}
	save("testdata/errors.json", version, "the request itself", errs)

	type cmdCase struct {
		Name  string `json:"name"`
		Info2 string `json:"info_resp2"`
		Info3 string `json:"info_resp3"`
		Docs2 string `json:"docs_resp2"`
		Docs3 string `json:"docs_resp3"`
	}
	var cmds []cmdCase
	for _, n := range infoCommands {
		cmds = append(cmds, cmdCase{
			Name:  n,
			Info2: c2.do("COMMAND", "INFO", n),
			Info3: c3.do("COMMAND", "INFO", n),
			Docs2: c2.do("COMMAND", "DOCS", n),
			Docs3: c3.do("COMMAND", "DOCS", n),
		})
	}
	save("testdata/commands.json", version, "COMMAND INFO <name> and COMMAND DOCS <name>", cmds)

	saveGzip("testdata/command-info.resp2.gz", c2.do("COMMAND", "INFO"))
	saveGzip("testdata/command-docs.resp2.gz", c2.do("COMMAND", "DOCS"))

	// COMMAND LIST replies come in hash-table order: record them sorted.
	type listCase struct {
		Args  []string `json:"args"`
		Names []string `json:"names"`
	}
	var lists []listCase
	for _, line := range listCases {
		args := split(line)
		lists = append(lists, listCase{Args: args, Names: c2.list(args...)})
	}
	save("testdata/list.json", version, "the request (COMMAND LIST sorted; COMMAND COUNT as a one-element list)",
		append(lists, listCase{Args: []string{"COMMAND", "COUNT"}, Names: []string{c2.do("COMMAND", "COUNT")}}))
}

// split splits on spaces; "" is an empty argument and ^ a space.
func split(line string) []string {
	args := strings.Split(line, " ")
	for i, a := range args {
		if a == `""` {
			a = ""
		}
		args[i] = strings.ReplaceAll(a, "^", " ")
	}
	return args
}

func save(file, version, request string, cases any) {
	doc := map[string]any{
		"source": "Captured from " + version + " by testdata/capture.go; each reply is the server's raw reply to " + request + ".",
		"cases":  cases,
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(file, append(b, '\n'), 0o644); err != nil {
		log.Fatal(err)
	}
}

func saveGzip(file, data string) {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write([]byte(data))
	zw.Close()
	if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
		log.Fatal(err)
	}
}

type conn struct {
	c net.Conn
	r *bufio.Reader
}

func dial(addr string, proto int) *conn {
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		log.Fatal(err)
	}
	c := &conn{c: nc, r: bufio.NewReader(nc)}
	if proto == 3 {
		c.do("HELLO", "3")
	}
	return c
}

func (c *conn) version() string {
	info := c.do("INFO", "server")
	for _, l := range strings.Split(info, "\r\n") {
		if v, ok := strings.CutPrefix(l, "valkey_version:"); ok {
			return "valkey-server " + v
		}
	}
	log.Fatal("not a valkey server")
	return ""
}

func (c *conn) do(args ...string) string {
	var b []byte
	b = fmt.Appendf(b, "*%d\r\n", len(args))
	for _, a := range args {
		b = fmt.Appendf(b, "$%d\r\n%s\r\n", len(a), a)
	}
	if _, err := c.c.Write(b); err != nil {
		log.Fatal(err)
	}
	var out bytes.Buffer
	if err := readReply(c.r, &out); err != nil {
		log.Fatal(err)
	}
	return out.String()
}

// list returns the bulk strings of an array reply, sorted.
func (c *conn) list(args ...string) []string {
	reply := c.do(args...)
	lines := strings.Split(reply, "\r\n")
	out := []string{}
	for i := 1; i+1 < len(lines); i += 2 {
		out = append(out, lines[i+1])
	}
	sort.Strings(out)
	return out
}

// readReply copies one raw reply to out.
func readReply(r *bufio.Reader, out *bytes.Buffer) error {
	line, err := r.ReadString('\n')
	if err != nil {
		return err
	}
	out.WriteString(line)
	body := strings.TrimSuffix(line[1:], "\r\n")
	switch line[0] {
	case '$', '=', '!':
		n, _ := strconv.Atoi(body)
		if n < 0 {
			return nil
		}
		_, err := io.CopyN(out, r, int64(n)+2)
		return err
	case '*', '~', '>', '%', '|':
		n, _ := strconv.Atoi(body)
		if line[0] == '%' || line[0] == '|' {
			n *= 2
		}
		for i := 0; i < n; i++ {
			if err := readReply(r, out); err != nil {
				return err
			}
		}
	}
	return nil
}
