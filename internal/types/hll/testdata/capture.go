//go:build ignore

// Capture records how a real Valkey server answers HyperLogLog commands,
// as test data for package hll and for the PF* commands. Start a scratch
// server and run, from internal/types/hll:
//
//	valkey-server --port 7722 --bind 127.0.0.1 --save '' --enable-debug-command yes &
//	go run testdata/capture.go -addr 127.0.0.1:7722
//
// It writes testdata/valkey-hll.txt.gz: scripted sessions (built from a
// fixed seed, so re-running it against the same Valkey gives the same file)
// of PFADD, PFCOUNT, PFMERGE, PFDEBUG, SET and GET with every raw reply:
//
//	=== case name
//	> PFADD "k" "a"          a command, each argument Go-quoted
//	< ":1\r\n"               its raw reply, Go-quoted
//
// The tests replay each session, through the package's functions
// (hll_test.go) and through a Petrel server (commands/hll_test.go), and
// require every reply, GET included, to be identical.
package main

import (
	"bufio"
	"compress/gzip"
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"net"
	"os"
	"strconv"
	"strings"
)

type session struct {
	conn net.Conn
	rd   *bufio.Reader
	out  *strings.Builder
}

func (s *session) do(args ...string) string {
	var b []byte
	b = fmt.Appendf(b, "*%d\r\n", len(args))
	for _, a := range args {
		b = fmt.Appendf(b, "$%d\r\n%s\r\n", len(a), a)
	}
	if _, err := s.conn.Write(b); err != nil {
		log.Fatal(err)
	}
	r := readReply(s.rd)
	s.out.WriteString(">")
	for _, a := range args {
		s.out.WriteString(" " + strconv.Quote(a))
	}
	s.out.WriteString("\n< " + strconv.Quote(r) + "\n")
	return r
}

func readReply(rd *bufio.Reader) string {
	line, err := rd.ReadString('\n')
	if err != nil {
		log.Fatal(err)
	}
	switch line[0] {
	case '$':
		n, _ := strconv.Atoi(line[1 : len(line)-2])
		if n < 0 {
			return line
		}
		buf := make([]byte, n+2)
		if _, err := ioReadFull(rd, buf); err != nil {
			log.Fatal(err)
		}
		return line + string(buf)
	case '*':
		n, _ := strconv.Atoi(line[1 : len(line)-2])
		for i := 0; i < n; i++ {
			line += readReply(rd)
		}
	}
	return line
}

func ioReadFull(rd *bufio.Reader, b []byte) (int, error) {
	n := 0
	for n < len(b) {
		m, err := rd.Read(b[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

var rng = rand.New(rand.NewPCG(20240917, 7))

// elem returns a random element: short text, numbers, or binary of 0..40
// bytes (every MurmurHash64A tail length).
func elem() string {
	switch rng.IntN(4) {
	case 0:
		return strconv.Itoa(rng.IntN(1_000_000))
	case 1:
		return fmt.Sprintf("user:%d", rng.Uint32())
	default:
		b := make([]byte, rng.IntN(41))
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		return string(b)
	}
}

func elems(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = elem()
	}
	return out
}

func main() {
	addr := flag.String("addr", "127.0.0.1:7722", "Valkey address")
	flag.Parse()
	conn, err := net.Dial("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	var out strings.Builder
	s := &session{conn: conn, rd: bufio.NewReader(conn), out: &out}
	info := s.do("INFO", "server")
	version := ""
	for _, l := range strings.Split(info, "\r\n") {
		if v, ok := strings.CutPrefix(l, "valkey_version:"); ok {
			version = v
		}
	}
	out.Reset()
	fmt.Fprintf(&out, "# Recorded from Valkey %s by testdata/capture.go (seeded: re-running\n", version)
	fmt.Fprintf(&out, "# it against the same version reproduces this file).\n")

	caseStart := func(name string) {
		fmt.Fprintf(&out, "=== %s\n", name)
		s.do("FLUSHALL")
		s.do("CONFIG", "SET", "hll-sparse-max-bytes", "3000")
		s.do("PFDEBUG", "SIMD", "ON")
	}
	pfadd := func(key string, es ...string) { s.do(append([]string{"PFADD", key}, es...)...) }

	caseStart("basics")
	pfadd("h")
	s.do("GET", "h")
	s.do("PFCOUNT", "h")
	s.do("GET", "h")
	pfadd("h", "a", "b", "c")
	s.do("GET", "h")
	pfadd("h", "a", "b", "c")
	s.do("PFCOUNT", "h")
	s.do("GET", "h")
	pfadd("h", "")
	s.do("PFDEBUG", "DECODE", "h")
	s.do("PFDEBUG", "ENCODING", "h")
	s.do("PFCOUNT", "h", "nokey")
	s.do("PFDEBUG", "GETREG", "h")
	s.do("GET", "h")
	s.do("PFCOUNT", "h")

	// Growth of one sparse HLL up to its promotion, element by element,
	// for several hll-sparse-max-bytes.
	for _, limit := range []string{"3000", "500", "100", "20"} {
		caseStart("growth_" + limit)
		s.do("CONFIG", "SET", "hll-sparse-max-bytes", limit)
		for i := 0; i < 1500; i++ {
			pfadd("g", elem())
			if i < 40 || (i < 700 && i%25 == 0) || i%250 == 0 {
				s.do("GET", "g")
				s.do("PFCOUNT", "g")
			}
		}
		s.do("GET", "g")
		s.do("PFDEBUG", "ENCODING", "g")
	}

	// Batches of many elements per PFADD, big cardinalities.
	caseStart("batches")
	for i := 0; i < 60; i++ {
		pfadd("b", elems(1+rng.IntN(400))...)
		s.do("PFCOUNT", "b")
		if i%10 == 0 {
			s.do("GET", "b")
		}
	}
	s.do("GET", "b")

	// A register above 32 forces dense at once.
	caseStart("sequential")
	for i := 0; i < 200; i++ {
		pfadd("s", strconv.Itoa(i))
		if i%20 == 0 {
			s.do("PFDEBUG", "DECODE", "s")
		}
	}
	s.do("GET", "s")
	s.do("PFCOUNT", "s")
	for i := 0; i < 100000; i += 1000 {
		var es []string
		for j := i; j < i+1000; j++ {
			es = append(es, strconv.Itoa(j))
		}
		pfadd("big", es...)
		s.do("PFCOUNT", "big")
	}
	s.do("GET", "big")

	// Merges: sparse sources into a new, a sparse and a dense destination;
	// the destination among the sources; missing keys.
	caseStart("merge")
	for i := 0; i < 6; i++ {
		pfadd(fmt.Sprintf("m%d", i), elems(5+rng.IntN(60))...)
	}
	s.do("PFMERGE", "d1", "m0", "m1", "m2")
	s.do("GET", "d1")
	s.do("PFCOUNT", "d1")
	s.do("PFMERGE", "m3", "m4", "m5", "missing")
	s.do("GET", "m3")
	s.do("PFCOUNT", "m0", "m1", "m2", "m3", "m4", "m5")
	s.do("PFMERGE", "d2")
	s.do("GET", "d2")
	s.do("PFMERGE", "d3", "missing", "missing2")
	s.do("GET", "d3")
	pfadd("big", elems(3000)...)
	s.do("PFMERGE", "m0", "big")
	s.do("GET", "m0")
	s.do("PFCOUNT", "m0")
	s.do("PFMERGE", "d4", "m1", "m2", "big")
	s.do("GET", "d4")
	s.do("PFMERGE", "big", "m5")
	s.do("GET", "big")
	s.do("PFCOUNT", "m1", "big", "m2", "m3")
	s.do("PFDEBUG", "SIMD", "OFF")
	s.do("PFCOUNT", "m1", "big", "m2", "m3")
	s.do("PFMERGE", "d5", "m1", "m2", "big")
	s.do("GET", "d5")
	s.do("PFDEBUG", "SIMD", "ON")
	for i := 0; i < 10; i++ {
		pfadd(fmt.Sprintf("n%d", i), elems(rng.IntN(300))...)
	}
	s.do("PFMERGE", "n0", "n1", "n2", "n3", "n4", "n5", "n6", "n7", "n8", "n9")
	s.do("GET", "n0")
	s.do("PFCOUNT", "n0")

	// PFDEBUG TODENSE / GETREG of sparse values; promotion keeps the
	// cached cardinality.
	caseStart("todense")
	pfadd("t", elems(50)...)
	s.do("PFCOUNT", "t")
	s.do("PFDEBUG", "TODENSE", "t")
	s.do("GET", "t")
	s.do("PFDEBUG", "TODENSE", "t")
	s.do("PFCOUNT", "t")
	pfadd("t", elems(20)...)
	s.do("GET", "t")
	s.do("PFCOUNT", "t")

	// Hand-made values: every opcode kind, extreme registers, corruption.
	hdr := "HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80"
	dhdr := "HYLL\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80"
	caseStart("crafted")
	crafted := []string{
		hdr + "\x7f\xff",
		hdr + "\x3f\x7f\xbf",           // z:64 then Z:16320
		hdr + "\x80\x7f\xfe",           // v:1,1 Z:16383
		hdr + "\xff\x7f\xfb",           // v:32,4 Z:16380
		hdr + "\x40\x00\x7f\xfe",       // Z:1 Z:16383
		hdr + "\x7f\xff\x80",           // too many registers
		hdr + "\x7f\xfe",               // too few
		hdr,                            // no registers at all
		hdr + "\x7f",                   // cut XZERO
		hdr + "\x7f\xfe\x7f",           // cut XZERO after a full one
		hdr[:15] + "\x00" + "\x7f\xff", // cached 0, valid
		hdr[:8] + "\x05\x00\x00\x00\x00\x00\x00\x00" + "\x7f\xfe", // stale-free cache on corrupt regs
		"HYLL\x02" + hdr[5:] + "\x7f\xff",                         // unknown encoding
		"HYLX" + hdr[4:] + "\x7f\xff",                             // bad magic
		"HYLL",                                                    // short
		dhdr + "\x7f\xff",                                         // dense of the wrong length
		dhdr + strings.Repeat("\x00", 12288),                      // empty dense
		dhdr + strings.Repeat("\xff", 12288),                      // all 63
		dhdr + strings.Repeat("\xf3\x3c\xcf", 4096),               // all 51
		dhdr + strings.Repeat("\x41\x10\x04", 4096),               // all 1
		dhdr + strings.Repeat("\xb2\x2c\xcb", 4096),               // all 50
		"HYLL\x01\x07\x08\x09" + hdr[8:] + "\x7f\xff",             // junk in the unused bytes
	}
	for i, v := range crafted {
		k := fmt.Sprintf("c%d", i)
		s.do("SET", k, v)
		s.do("PFCOUNT", k)
		s.do("PFDEBUG", "DECODE", k)
		s.do("PFDEBUG", "ENCODING", k)
		s.do("PFCOUNT", k, "nokey")
		s.do("PFADD", k, "x")
		s.do("GET", k)
		s.do("PFCOUNT", k)
		s.do("PFADD", k, "x", "y", "z", elem(), elem())
		s.do("GET", k)
		s.do("PFMERGE", "dst"+k, k)
		s.do("GET", "dst"+k)
		s.do("PFDEBUG", "TODENSE", k)
		s.do("GET", k)
		s.do("SET", k, v)
		s.do("PFDEBUG", "GETREG", k)
		s.do("OBJECT", "ENCODING", k)
	}

	// Random corruption of sparse values (Valkey's own fuzz test): the
	// replies must match, errors included.
	caseStart("corrupt")
	for i := 0; i < 300; i++ {
		k := "f"
		s.do("DEL", k)
		pfadd(k, elems(rng.IntN(120))...)
		v := s.do("GET", k)
		val := []byte(v[strings.IndexByte(v, '\n')+1 : len(v)-2])
		for n := 0; n < 1+rng.IntN(3); n++ {
			val[HeaderSizeForCapture+rng.IntN(len(val)-HeaderSizeForCapture)] = byte(rng.Uint32())
		}
		if rng.IntN(4) == 0 {
			val = val[:HeaderSizeForCapture+rng.IntN(len(val)-HeaderSizeForCapture+1)]
		}
		s.do("SET", k, string(val))
		s.do("PFCOUNT", k)
		s.do("PFCOUNT", k, "nokey")
		s.do("PFDEBUG", "DECODE", k)
		pfadd(k, elems(3)...)
		s.do("GET", k)
		s.do("PFMERGE", "fd", k)
	}

	w, err := os.Create("testdata/valkey-hll.txt.gz")
	if err != nil {
		log.Fatal(err)
	}
	zw, _ := gzip.NewWriterLevel(w, gzip.BestCompression)
	zw.Write([]byte(out.String()))
	if err := zw.Close(); err != nil {
		log.Fatal(err)
	}
	if err := w.Close(); err != nil {
		log.Fatal(err)
	}
}

const HeaderSizeForCapture = 16
