//go:build ignore

// Capture records how a real Valkey server answers random bitmap commands,
// as test data for the bitmap commands. Start a scratch server and run, from
// internal/types/bitmap:
//
//	valkey-server --port 7722 --bind 127.0.0.1 --save '' &
//	go run testdata/capture.go -addr 127.0.0.1:7722
//
// It writes testdata/valkey-bitmap.txt.gz: sessions of SETBIT, GETBIT,
// BITCOUNT, BITPOS, BITOP, BITFIELD and BITFIELD_RO with valid and invalid
// arguments, interleaved with GET, SET, APPEND, OBJECT ENCODING and
// PERSIST, built from a fixed seed (re-running it against the same Valkey
// gives the same file), with every raw reply:
//
//	=== case name
//	> SETBIT "k" "7" "1"      a command, each argument Go-quoted
//	< ":0\r\n"                its raw reply, Go-quoted
//
// commands/bitmaps_test.go replays them on Petrel and requires identical
// replies.
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
		for got := 0; got < len(buf); {
			m, err := rd.Read(buf[got:])
			if err != nil {
				log.Fatal(err)
			}
			got += m
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

var rng = rand.New(rand.NewPCG(20240918, 11))

func pick(xs ...string) string { return xs[rng.IntN(len(xs))] }

var keys = []string{"a", "b", "c", "n", "e"}

func key() string { return keys[rng.IntN(len(keys))] }

// smallInt is an index argument: mostly small, sometimes negative, huge or
// not a number at all.
func smallInt(n int) string {
	switch rng.IntN(12) {
	case 0:
		return strconv.Itoa(-rng.IntN(n + 5))
	case 1:
		return pick("9223372036854775807", "-9223372036854775808", "99999999999999999999", "x", "1.5", "", " 1", "+1", "0x10")
	default:
		return strconv.Itoa(rng.IntN(n))
	}
}

func unit() string { return pick("BIT", "BYTE", "bit", "byte", "Bit", "bits", "BIT\x00x") }

func bitOffset() string {
	switch rng.IntN(10) {
	case 0:
		return pick("-1", "4294967296", "x", "", "#1", "1.0", "9223372036854775807", "4294967296000")
	default:
		return strconv.Itoa(rng.IntN(200))
	}
}

func bfType() string {
	if rng.IntN(15) == 0 {
		return pick("u64", "i65", "i0", "u0", "I8", "x8", "i", "u", "i 8", "i08", "")
	}
	bits := 1 + rng.IntN(64)
	if rng.IntN(2) == 0 || bits == 64 {
		return "i" + strconv.Itoa(bits)
	}
	return "u" + strconv.Itoa(bits)
}

func bfOffset() string {
	switch rng.IntN(12) {
	case 0:
		return "#" + strconv.Itoa(rng.IntN(20))
	case 1:
		return pick("-1", "x", "#-1", "#x", "4294967296", "#4611686018427387905", "#9223372036854775807")
	default:
		return strconv.Itoa(rng.IntN(120))
	}
}

func bfValue() string {
	switch rng.IntN(6) {
	case 0:
		return strconv.FormatInt(int64(rng.Uint64()), 10)
	case 1:
		return pick("9223372036854775807", "-9223372036854775808", "x", "1e3", "")
	case 2:
		return strconv.FormatInt(rng.Int64N(1<<20)-1<<19, 10)
	default:
		return strconv.Itoa(rng.IntN(300) - 150)
	}
}

func bitfieldArgs(ro bool) []string {
	args := []string{pick("BITFIELD", "bitfield")}
	if ro {
		args[0] = "BITFIELD_RO"
	}
	args = append(args, key())
	for n := rng.IntN(5); n > 0; n-- {
		switch rng.IntN(9) {
		case 0, 1, 2:
			args = append(args, pick("GET", "get"), bfType(), bfOffset())
		case 3, 4:
			args = append(args, pick("SET", "set"), bfType(), bfOffset(), bfValue())
		case 5, 6:
			args = append(args, pick("INCRBY", "incrby"), bfType(), bfOffset(), bfValue())
		case 7:
			args = append(args, "OVERFLOW", pick("WRAP", "SAT", "FAIL", "sat", "fail", "bogus"))
		default:
			// Truncated or unknown subcommands.
			args = append(args, pick("GET", "SET", "INCRBY", "OVERFLOW", "FOO"))
			if rng.IntN(2) == 0 {
				args = append(args, bfType())
			}
			return args
		}
	}
	return args
}

func randomValue() string {
	switch rng.IntN(5) {
	case 0:
		return strconv.Itoa(rng.IntN(100000))
	case 1:
		return ""
	default:
		b := make([]byte, rng.IntN(60))
		for i := range b {
			switch rng.IntN(3) {
			case 0:
				b[i] = 0xff
			case 1:
				b[i] = 0
			default:
				b[i] = byte(rng.Uint32())
			}
		}
		return string(b)
	}
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

	for round := 0; round < 40; round++ {
		fmt.Fprintf(&out, "=== random_%d\n", round)
		s.do("FLUSHALL")
		s.do("SET", "n", strconv.Itoa(rng.IntN(1000000)))
		s.do("SET", "e", "")
		s.do("SET", "a", randomValue())
		for i := 0; i < 150; i++ {
			switch rng.IntN(16) {
			case 0, 1:
				s.do("SETBIT", key(), bitOffset(), pick("0", "1", "1", "2", "-1", "x", "01", ""))
			case 2:
				s.do("GETBIT", key(), bitOffset())
			case 3, 4:
				args := []string{"BITCOUNT", key()}
				if n := rng.IntN(5); n > 0 {
					args = append(args, smallInt(40))
					if n > 1 {
						args = append(args, smallInt(40))
					}
					if n > 2 {
						args = append(args, unit())
					}
					if n > 3 {
						args = append(args, "extra")
					}
				}
				s.do(args...)
			case 5, 6:
				args := []string{"BITPOS", key(), pick("0", "1", "1", "0", "2", "-1", "x")}
				if n := rng.IntN(5); n > 0 {
					args = append(args, smallInt(40))
					if n > 1 {
						args = append(args, smallInt(40))
					}
					if n > 2 {
						args = append(args, unit())
					}
					if n > 3 {
						args = append(args, "extra")
					}
				}
				s.do(args...)
			case 7:
				op := pick("AND", "OR", "XOR", "NOT", "and", "or", "xor", "not", "DIFF", "ANDOR", "ONE", "NAND")
				args := []string{"BITOP", op, pick("d", "a", "b", "n")}
				for n := 1 + rng.IntN(3); n > 0; n-- {
					args = append(args, pick("a", "b", "c", "n", "e", "missing", "d"))
				}
				if rng.IntN(4) == 0 {
					s.do("EXPIRE", args[2], "1000")
				}
				s.do(args...)
				s.do("PERSIST", args[2])
				s.do("OBJECT", "ENCODING", args[2])
			case 8, 9, 10:
				s.do(bitfieldArgs(false)...)
			case 11:
				s.do(bitfieldArgs(true)...)
			case 12:
				s.do("GET", key())
			case 13:
				s.do("OBJECT", "ENCODING", key())
			case 14:
				if rng.IntN(3) == 0 {
					s.do("SET", key(), randomValue())
				} else {
					s.do("APPEND", key(), randomValue())
				}
			default:
				s.do("GET", key())
			}
		}
		for _, k := range keys {
			s.do("GET", k)
		}
	}

	// BITFIELD overflow fuzzing on one field, every type and policy.
	fmt.Fprintf(&out, "=== overflow\n")
	s.do("FLUSHALL")
	for i := 0; i < 3000; i++ {
		ty := bfType()
		off := strconv.Itoa(rng.IntN(20))
		s.do("BITFIELD", "f", "OVERFLOW", pick("WRAP", "SAT", "FAIL"), pick("INCRBY", "SET"), ty, off, bfValue(), "GET", ty, off)
	}
	s.do("GET", "f")

	// Long strings: word-at-a-time paths, unaligned starts and ends.
	fmt.Fprintf(&out, "=== long\n")
	s.do("FLUSHALL")
	for _, n := range []int{7, 8, 9, 31, 32, 33, 64, 100, 1000, 4096, 4097, 10000} {
		for _, fill := range []string{"\x00", "\xff", "\x55"} {
			v := strings.Repeat(fill, n)
			s.do("SET", "l", v)
			s.do("SETBIT", "l", strconv.Itoa(rng.IntN(n*8)), pick("0", "1"))
			for k := 0; k < 8; k++ {
				a, b := strconv.Itoa(rng.IntN(n*8+16)-8), strconv.Itoa(rng.IntN(n*8+16)-8)
				s.do("BITCOUNT", "l", a, b, "BIT")
				s.do("BITPOS", "l", pick("0", "1"), a, b, "BIT")
				s.do("BITPOS", "l", pick("0", "1"), strconv.Itoa(rng.IntN(n+4)-2))
				s.do("BITCOUNT", "l", strconv.Itoa(rng.IntN(n+4)-2), strconv.Itoa(rng.IntN(n+4)-2))
			}
			s.do("BITCOUNT", "l")
			s.do("BITPOS", "l", "0")
			s.do("BITPOS", "l", "1")
			s.do("SET", "m", strings.Repeat("\x0f", n/2+1))
			s.do("BITOP", pick("AND", "OR", "XOR"), "r", "l", "m", "missing")
			s.do("GET", "r")
			s.do("BITOP", "NOT", "r", "l")
			s.do("GET", "r")
		}
	}

	w, err := os.Create("testdata/valkey-bitmap.txt.gz")
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
