// Command streamload measures consumer-group throughput, which
// redis-benchmark cannot (XACK needs the ID XREADGROUP returned): each of
// -clients connections repeats
//
//	XREADGROUP GROUP g c<i> COUNT 1 STREAMS s >
//	XACK s g <the ID read>
//
// until -pairs pairs are done in all, unpipelined, and prints the pairs
// per second and, with -pid, the server's CPU-seconds per million pairs
// (utime+stime from /proc). The stream s and its group g must exist with
// at least -pairs entries after the group's last ID (bench/prep.sh
// streams); bench/streams.sh runs it against Petrel and a reference side by
// side. Every run is bounded by -pairs and -timeout.
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:6379", "server address")
	clients := flag.Int("clients", 50, "connections")
	pairs := flag.Int64("pairs", 100000, "XREADGROUP+XACK pairs in all")
	pid := flag.Int("pid", 0, "server pid, for its CPU time (0: not reported)")
	timeout := flag.Duration("timeout", 5*time.Minute, "give up after this long")
	flag.Parse()

	var left atomic.Int64
	left.Store(*pairs)
	deadline := time.Now().Add(*timeout)
	cpu0 := cpuSeconds(*pid)
	start := time.Now()
	var wg sync.WaitGroup
	errc := make(chan error, *clients)
	for i := 0; i < *clients; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			if err := consume(*addr, "c"+strconv.Itoa(i), &left, deadline); err != nil {
				errc <- err
			}
		}(i)
	}
	wg.Wait()
	elapsed := time.Since(start)
	cpu := cpuSeconds(*pid) - cpu0
	close(errc)
	if err := <-errc; err != nil {
		fmt.Fprintln(os.Stderr, "streamload:", err)
		os.Exit(1)
	}
	done := *pairs - max(left.Load(), 0)
	fmt.Printf("%.2f %.3f\n", float64(done)/elapsed.Seconds(), cpu/(float64(done)/1e6))
}

// consume runs read+ack pairs on one connection while pairs are left.
func consume(addr, consumer string, left *atomic.Int64, deadline time.Time) error {
	nc, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return err
	}
	defer nc.Close()
	nc.SetDeadline(deadline)
	r := bufio.NewReader(nc)
	w := bufio.NewWriter(nc)
	read := command("XREADGROUP", "GROUP", "g", consumer, "COUNT", "1", "STREAMS", "s", ">")
	var ack []byte
	for left.Add(-1) >= 0 {
		w.Write(read)
		if err := w.Flush(); err != nil {
			return err
		}
		// [[s, [[id, [f, v]]]]]: the ID is the second bulk string.
		var bulks [][]byte
		if err := readReply(r, &bulks); err != nil {
			return err
		}
		if len(bulks) < 2 {
			return errors.New("XREADGROUP returned no entry: the stream needs more entries than -pairs")
		}
		ack = appendCommand(ack[:0], "XACK", "s", "g", string(bulks[1]))
		w.Write(ack)
		if err := w.Flush(); err != nil {
			return err
		}
		bulks = bulks[:0]
		if err := readReply(r, &bulks); err != nil {
			return err
		}
	}
	return nil
}

func command(args ...string) []byte { return appendCommand(nil, args...) }

func appendCommand(b []byte, args ...string) []byte {
	b = append(b, '*')
	b = strconv.AppendInt(b, int64(len(args)), 10)
	b = append(b, "\r\n"...)
	for _, a := range args {
		b = append(b, '$')
		b = strconv.AppendInt(b, int64(len(a)), 10)
		b = append(b, "\r\n"...)
		b = append(b, a...)
		b = append(b, "\r\n"...)
	}
	return b
}

// readReply reads one RESP2 reply, appending its bulk strings to bulks in
// order; an error reply is returned as an error.
func readReply(r *bufio.Reader, bulks *[][]byte) error {
	line, err := r.ReadSlice('\n')
	if err != nil {
		return err
	}
	if len(line) < 3 {
		return errors.New("short reply line")
	}
	body := string(line[1 : len(line)-2])
	switch line[0] {
	case '+', ':':
		return nil
	case '-':
		return errors.New(body)
	case '$':
		n, err := strconv.Atoi(body)
		if err != nil || n < 0 {
			return err
		}
		b := make([]byte, n+2)
		if _, err := io.ReadFull(r, b); err != nil {
			return err
		}
		*bulks = append(*bulks, b[:n])
	case '*':
		n, err := strconv.Atoi(body)
		if err != nil {
			return err
		}
		for ; n > 0; n-- {
			if err := readReply(r, bulks); err != nil {
				return err
			}
		}
	default:
		return fmt.Errorf("unexpected reply %q", line)
	}
	return nil
}

// cpuSeconds is the process's utime+stime (0 without a pid), assuming
// 100 clock ticks a second (Linux's USER_HZ).
func cpuSeconds(pid int) float64 {
	if pid == 0 {
		return 0
	}
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	ut, _ := strconv.ParseFloat(f[11], 64)
	st, _ := strconv.ParseFloat(f[12], 64)
	return (ut + st) / 100
}
