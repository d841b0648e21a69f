package diff

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"time"
)

// Target is a server the cases run against, by address. Cases on one
// target must run one at a time: they share its keyspace and config.
type Target struct {
	Name    string
	Addr    string
	Timeout time.Duration // per read; readTimeout by default

	admin     *conn
	passwords []string // requirepass values a case set: to re-dial the admin connection
}

// NewTarget returns a target for the server at addr.
func NewTarget(name, addr string) *Target {
	return &Target{Name: name, Addr: addr, Timeout: readTimeout}
}

// Close drops the target's admin connection.
func (tg *Target) Close() {
	if tg.admin != nil {
		tg.admin.close()
		tg.admin = nil
	}
}

// conn is one client connection of a case.
type conn struct {
	nc   net.Conn
	rd   *bufio.Reader
	dead bool // closed by the server, or out of step after a timeout
}

func (tg *Target) dial() (*conn, error) {
	nc, err := net.DialTimeout("tcp", tg.Addr, tg.Timeout)
	if err != nil {
		return nil, err
	}
	return &conn{nc: nc, rd: bufio.NewReaderSize(nc, 64<<10)}, nil
}

func (c *conn) close() { _ = c.nc.Close() }

func (c *conn) write(b []byte, timeout time.Duration) error {
	_ = c.nc.SetWriteDeadline(time.Now().Add(timeout))
	_, err := c.nc.Write(b)
	return err
}

// errTimeout marks a read that got no complete reply in time.
var errTimeout = errors.New("timeout")

// read reads one complete raw reply. On failure it returns what arrived
// and errTimeout or the connection's error (the server closed it).
func (c *conn) read(timeout time.Duration) (string, error) {
	_ = c.nc.SetReadDeadline(time.Now().Add(timeout))
	var out []byte
	err := readReply(c.rd, &out)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		err = errTimeout
	}
	return string(out), err
}

// closedWithin reports whether the server closes the connection within d
// without sending anything more.
func (c *conn) closedWithin(d time.Duration) bool {
	_ = c.nc.SetReadDeadline(time.Now().Add(d))
	_, err := c.rd.Peek(1)
	if err == nil {
		return false // more data: not a close
	}
	var ne net.Error
	return !(errors.As(err, &ne) && ne.Timeout())
}

// do sends a command and reads its reply.
func (c *conn) do(timeout time.Duration, args ...string) (string, error) {
	if err := c.write(encode(args), timeout); err != nil {
		return "", err
	}
	return c.read(timeout)
}

// encode builds a RESP multibulk request.
func encode(args []string) []byte {
	b := []byte{'*'}
	b = strconv.AppendInt(b, int64(len(args)), 10)
	b = append(b, '\r', '\n')
	for _, a := range args {
		b = append(b, '$')
		b = strconv.AppendInt(b, int64(len(a)), 10)
		b = append(b, '\r', '\n')
		b = append(b, a...)
		b = append(b, '\r', '\n')
	}
	return b
}

// adminDo runs a command on the target's admin connection (opened before
// any case set a password, so it stays authenticated), re-dialling once if
// a case killed it.
func (tg *Target) adminDo(args ...string) (string, error) {
	for attempt := 0; ; attempt++ {
		if tg.admin == nil {
			c, err := tg.dial()
			if err != nil {
				return "", err
			}
			for _, pw := range tg.passwords {
				if r, err := c.do(tg.Timeout, "AUTH", pw); err == nil && r == "+OK\r\n" {
					break
				}
			}
			tg.admin = c
		}
		r, err := tg.admin.do(tg.Timeout, args...)
		if err == nil {
			return r, nil
		}
		tg.admin.close()
		tg.admin = nil
		if attempt == 1 {
			return r, fmt.Errorf("%s: admin %s: %v", tg.Name, strings.Join(args, " "), err)
		}
	}
}

// Version asks the target for its INFO server version fields.
func (tg *Target) Version() string {
	r, err := tg.adminDo("INFO", "server")
	if err != nil {
		return "unknown version"
	}
	var out []string
	for _, l := range strings.Split(r, "\r\n") {
		if strings.HasPrefix(l, "valkey_version:") || strings.HasPrefix(l, "server_name:") {
			out = append(out, l)
		}
	}
	return strings.Join(out, " ")
}

// restore is a config value to put back after a case.
type restore struct{ param, value string }

// setup prepares the target for a case: FLUSHALL, then the case's server
// settings. It returns the config values to restore afterwards.
func (tg *Target) setup(c *Case) ([]restore, error) {
	if r, err := tg.adminDo("FLUSHALL"); err != nil || r != "+OK\r\n" {
		return nil, fmt.Errorf("setup: FLUSHALL: %q %v", r, err)
	}
	var saved []restore
	have := map[string]bool{}
	save := func(param string) error {
		if have[param] {
			return nil
		}
		r, err := tg.adminDo("CONFIG", "GET", param)
		if err != nil {
			return err
		}
		v, rest, perr := ParseValue([]byte(r))
		if perr != nil || len(rest) > 0 || !v.aggregate() || len(v.Elems) != 2 {
			return fmt.Errorf("setup: CONFIG GET %s: %q", param, r)
		}
		have[param] = true
		saved = append(saved, restore{param, string(v.Elems[1].Str)})
		return nil
	}
	for _, kv := range c.Server {
		if err := save(kv[0]); err != nil {
			return saved, err
		}
		if r, err := tg.adminDo("CONFIG", "SET", kv[0], kv[1]); err != nil || r != "+OK\r\n" {
			return saved, fmt.Errorf("setup: CONFIG SET %s %q: %q %v", kv[0], kv[1], r, err)
		}
		if kv[0] == "requirepass" {
			tg.passwords = append(tg.passwords, kv[1])
		}
	}
	// Parameters the case changes itself are put back too.
	for _, st := range c.Steps {
		if (st.Kind == StepCommand || st.Kind == StepSend) && len(st.Args) >= 4 &&
			strings.EqualFold(st.Args[0], "config") && strings.EqualFold(st.Args[1], "set") {
			for i := 2; i+1 < len(st.Args); i += 2 {
				p := strings.ToLower(st.Args[i])
				_ = save(p) // an unknown parameter has nothing to restore
				if p == "requirepass" {
					tg.passwords = append(tg.passwords, st.Args[i+1])
				}
			}
		}
	}
	return saved, nil
}

// autoCleanup are commands that undo global state a case may leave
// behind, keyed by the command (or "command subcommand") that creates it.
var autoCleanup = map[string][]string{
	"client pause":            {"CLIENT", "UNPAUSE"},
	"debug set-active-expire": {"DEBUG", "SET-ACTIVE-EXPIRE", "1"},
	"function":                {"FUNCTION", "FLUSH"},
	"fcall":                   {"FUNCTION", "FLUSH"},
	"script":                  {"SCRIPT", "FLUSH"},
	"eval":                    {"SCRIPT", "FLUSH"},
	"evalsha":                 {"SCRIPT", "FLUSH"},
	"slowlog":                 {"SLOWLOG", "RESET"},
}

// teardown undoes what a case changed: its cleanup commands, the
// automatic cleanups, then the config values it set.
func (tg *Target) teardown(c *Case, saved []restore) error {
	var cmds [][]string
	cmds = append(cmds, c.Cleanup...)
	done := map[string]bool{}
	for _, st := range c.Steps {
		if len(st.Args) == 0 {
			continue
		}
		keys := []string{strings.ToLower(st.Args[0])}
		if len(st.Args) > 1 {
			keys = append(keys, keys[0]+" "+strings.ToLower(st.Args[1]))
		}
		for _, k := range keys {
			if cmd, ok := autoCleanup[k]; ok && !done[strings.Join(cmd, " ")] {
				done[strings.Join(cmd, " ")] = true
				cmds = append(cmds, cmd)
			}
		}
	}
	for _, cmd := range cmds {
		if _, err := tg.adminDo(cmd...); err != nil {
			return err
		}
	}
	var firstErr error
	for i := len(saved) - 1; i >= 0; i-- {
		s := saved[i]
		r, err := tg.adminDo("CONFIG", "SET", s.param, s.value)
		if (err != nil || r != "+OK\r\n") && firstErr == nil {
			firstErr = fmt.Errorf("teardown: CONFIG SET %s %q: %q %v", s.param, s.value, r, err)
		}
	}
	if firstErr == nil {
		tg.passwords = nil // requirepass is back to its value before the case
	}
	return firstErr
}

// RunCase runs a case and returns its transcript. want is the golden
// transcript (nil when recording): it tells how long to wait for a close.
func (tg *Target) RunCase(c *Case, want *Transcript) (*Transcript, error) {
	saved, err := tg.setup(c)
	if err != nil {
		_ = tg.teardown(c, saved)
		return nil, err
	}
	conns := map[int]*conn{}
	tr := tg.runSteps(c, want, conns)
	for _, cn := range conns {
		cn.close()
	}
	if err := tg.teardown(c, saved); err != nil {
		return tr, err
	}
	return tr, nil
}

// getConn returns connection n of the case, dialling it on first use.
func (tg *Target) getConn(c *Case, conns map[int]*conn, n int) *conn {
	if cn := conns[n]; cn != nil {
		return cn
	}
	cn, err := tg.dial()
	if err != nil {
		cn = &conn{dead: true}
	} else if c.Proto == 3 {
		if _, err := cn.do(tg.Timeout, "HELLO", "3"); err != nil {
			cn.dead = true
		}
	}
	conns[n] = cn
	return cn
}

func (tg *Target) runSteps(c *Case, want *Transcript, conns map[int]*conn) *Transcript {
	tr := &Transcript{Name: c.Name}
	for i, st := range c.Steps {
		res := &Result{Text: st.Text}
		tr.Results = append(tr.Results, res)
		var exp *Result
		if want != nil && i < len(want.Results) {
			exp = want.Results[i]
		}
		var payload []byte
		reads := 0
		switch st.Kind {
		case StepHeader:
			continue
		case StepSleep:
			time.Sleep(time.Duration(st.Sleep) * time.Millisecond)
			continue
		case StepCommand:
			payload, reads = encode(st.Args), 1
		case StepSend:
			payload = encode(st.Args)
		case StepRecv:
			reads = 1
		case StepRaw:
			payload, reads = st.Raw, st.Replies
		}
		cn := tg.getConn(c, conns, st.Conn)
		if cn.dead {
			res.Closed = true
			continue
		}
		if payload != nil {
			if err := cn.write(payload, tg.Timeout); err != nil {
				cn.dead, res.Closed = true, true
				continue
			}
		}
		for j := 0; j < reads && !cn.dead; j++ {
			r, err := cn.read(tg.Timeout)
			switch {
			case err == errTimeout:
				if r != "" {
					res.Replies = append(res.Replies, r)
				}
				res.Timeout = true
				cn.close() // out of step: nothing more can be read on it
				cn.dead = true
			case err != nil:
				if r != "" {
					res.Replies = append(res.Replies, r)
				}
				res.Closed = true
				cn.close()
				cn.dead = true
			default:
				res.Replies = append(res.Replies, r)
			}
		}
		if cn.dead || !mayClose(st) {
			continue
		}
		// Protocol errors and QUIT reply, then close. Wait long for a
		// close the golden expects, briefly for one it does not.
		wait := 300 * time.Millisecond // recording: no expectation
		if exp != nil {
			wait = 20 * time.Millisecond
			if exp.Closed {
				wait = min(tg.Timeout, 2*time.Second)
			}
		}
		if cn.closedWithin(wait) {
			res.Closed = true
			cn.close()
			cn.dead = true
		}
	}
	return tr
}

// mayClose says whether the server may close the connection after this
// step's replies: raw input (protocol errors) and QUIT.
func mayClose(st *Step) bool {
	return (st.Kind == StepRaw && st.Replies > 0) || (st.Kind == StepCommand && st.CommandName() == "quit")
}

// readReply reads one complete RESP2/RESP3 reply into out.
func readReply(rd *bufio.Reader, out *[]byte) error {
	line, err := rd.ReadBytes('\n')
	*out = append(*out, line...)
	if err != nil {
		return err
	}
	if len(line) < 3 || line[len(line)-2] != '\r' {
		return fmt.Errorf("malformed reply line %q", line)
	}
	n, convErr := strconv.Atoi(string(line[1 : len(line)-2]))
	switch line[0] {
	case '$', '=', '!':
		if convErr != nil {
			return fmt.Errorf("malformed length %q", line)
		}
		if n < 0 {
			return nil
		}
		buf := make([]byte, n+2)
		k, err := io.ReadFull(rd, buf)
		*out = append(*out, buf[:k]...)
		return err
	case '*', '~', '>', '%', '|':
		if convErr != nil {
			return fmt.Errorf("malformed length %q", line)
		}
		if line[0] == '%' || line[0] == '|' {
			n *= 2
		}
		for i := 0; i < n; i++ {
			if err := readReply(rd, out); err != nil {
				return err
			}
		}
		if line[0] == '|' { // an attribute precedes the reply proper
			return readReply(rd, out)
		}
	}
	return nil
}
