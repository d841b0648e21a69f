// Command fanout measures pub/sub fan-out: one publisher, many subscribers
// of one channel, on loopback. It reports publishes/s and delivered
// messages/s (publishes × subscribers / time), from the first PUBLISH
// until every subscriber has received every message.
//
//	go run ./bench/fanout -addr 127.0.0.1:7379 -subs 1000 -messages 2000
//
// Everything is bounded: the message count and a timeout for the whole run.
// bench/fanout.sh runs it against Petrel and a reference server side by
// side.
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:6379", "server address")
	subs := flag.Int("subs", 1000, "subscribers")
	messages := flag.Int("messages", 2000, "messages to publish")
	size := flag.Int("size", 32, "message payload bytes")
	window := flag.Int("window", 16, "PUBLISH commands in flight (pipelining)")
	timeout := flag.Duration("timeout", 120*time.Second, "bound on the whole run")
	flag.Parse()
	if err := run(*addr, *subs, *messages, *size, *window, *timeout); err != nil {
		fmt.Fprintln(os.Stderr, "fanout:", err)
		os.Exit(1)
	}
}

func run(addr string, nsubs, messages, size, window int, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	const channel = "fanout-bench"

	// Subscribers: each reads its confirmation, then counts messages.
	var received atomic.Int64
	var wg sync.WaitGroup
	errc := make(chan error, nsubs+1)
	conns := make([]net.Conn, 0, nsubs)
	defer func() {
		for _, c := range conns {
			_ = c.Close()
		}
	}()
	for i := 0; i < nsubs; i++ {
		c, err := net.DialTimeout("tcp", addr, 5*time.Second)
		if err != nil {
			return fmt.Errorf("subscriber %d: %w", i, err)
		}
		conns = append(conns, c)
		_ = c.SetDeadline(deadline)
		if _, err := c.Write(command("SUBSCRIBE", channel)); err != nil {
			return err
		}
		rd := bufio.NewReaderSize(c, 64*1024)
		if _, err := readReply(rd); err != nil {
			return fmt.Errorf("subscriber %d: subscribe: %w", i, err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; n < messages; n++ {
				if _, err := readReply(rd); err != nil {
					errc <- fmt.Errorf("subscriber: after %d messages: %w", n, err)
					return
				}
				received.Add(1)
			}
		}()
	}

	pub, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return err
	}
	defer pub.Close()
	_ = pub.SetDeadline(deadline)
	prd := bufio.NewReaderSize(pub, 64*1024)
	payload := make([]byte, size)
	for i := range payload {
		payload[i] = 'a' + byte(i%26)
	}
	cmd := command("PUBLISH", channel, string(payload))
	want := ":" + strconv.Itoa(nsubs) + "\r\n"

	start := time.Now()
	sent, acked := 0, 0
	var batch []byte
	for acked < messages {
		batch = batch[:0]
		for sent < messages && sent-acked < window {
			batch = append(batch, cmd...)
			sent++
		}
		if len(batch) > 0 {
			if _, err := pub.Write(batch); err != nil {
				return err
			}
		}
		r, err := readReply(prd)
		if err != nil {
			return fmt.Errorf("publisher: %w", err)
		}
		if r != want {
			return fmt.Errorf("PUBLISH replied %q, want %q (are all subscribers connected?)", r, want)
		}
		acked++
	}
	published := time.Since(start)

	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case err := <-errc:
		return err
	}
	total := time.Since(start)
	deliveries := float64(nsubs) * float64(messages)
	fmt.Printf("subscribers=%d messages=%d size=%d window=%d publish_time=%.3fs total_time=%.3fs publishes/s=%.0f deliveries/s=%.0f\n",
		nsubs, messages, size, window, published.Seconds(), total.Seconds(),
		float64(messages)/total.Seconds(), deliveries/total.Seconds())
	if got := received.Load(); got != int64(deliveries) {
		return fmt.Errorf("received %d messages, want %.0f", got, deliveries)
	}
	return nil
}

// command encodes a command as a RESP array of bulk strings.
func command(args ...string) []byte {
	b := []byte("*" + strconv.Itoa(len(args)) + "\r\n")
	for _, a := range args {
		b = append(b, "$"+strconv.Itoa(len(a))+"\r\n"...)
		b = append(b, a...)
		b = append(b, "\r\n"...)
	}
	return b
}

// readReply reads one RESP2/RESP3 reply and returns it raw for simple
// types; aggregates are consumed and returned as their header line.
func readReply(rd *bufio.Reader) (string, error) {
	line, err := rd.ReadString('\n')
	if err != nil {
		return "", err
	}
	if len(line) < 3 {
		return "", errors.New("short line")
	}
	switch line[0] {
	case '+', '-', ':', '_', ',', '#':
		return line, nil
	case '$':
		n, err := strconv.Atoi(line[1 : len(line)-2])
		if err != nil {
			return "", err
		}
		if n >= 0 {
			if _, err := rd.Discard(n + 2); err != nil {
				return "", err
			}
		}
		return line, nil
	case '*', '>':
		n, err := strconv.Atoi(line[1 : len(line)-2])
		if err != nil {
			return "", err
		}
		for i := 0; i < n; i++ {
			if _, err := readReply(rd); err != nil {
				return "", err
			}
		}
		return line, nil
	}
	return "", fmt.Errorf("unexpected reply %q", line)
}
