//go:build linux

package server

import (
	"errors"
	"net"
	"os"
	"runtime/debug"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"
)

// Event loops: the fast connection model on Linux.
//
// A goroutine per connection costs a park/unpark through the runtime's
// netpoller for every request; with many clients on few cores that
// scheduling, not the commands, bounds throughput. Instead, each of
// GOMAXPROCS loops owns an epoll instance and the sockets assigned to it
// round-robin: one epoll_wait returns every ready socket, and each is read,
// its complete commands run, and its replies written with plain syscalls.
//
// Invariants:
//   - A client belongs to exactly one loop, or to its own goroutine; only
//     its owner touches its reader, writer and socket.
//   - While replies are pending (a partial write), the loop stops reading
//     the client (interest EPOLLOUT only): a slow reader cannot make the
//     server buffer without bound.
//   - A command that has to wait (CLIENT PAUSE) must not stall the loop:
//     the client is detached, leaves the loop, and continues in its own
//     goroutine in the classic model, where waiting is cheap.
//   - Other goroutines never close a loop's socket (the descriptor could be
//     reused under the loop); Client.Kill shuts its read side down and
//     schedules the client on its loop, which closes it.
//   - Other goroutines never write a loop's client either: they queue
//     output (Client.Push, outbuf.go) and schedule the client; the loop
//     moves the queue into the client's writer and flushes it. One eventfd
//     wakes the loop for new clients and scheduled ones alike, written at
//     most once until the loop has looked (armed).
//
// Rejected alternative: gnet or another event-loop library; the loop is
// small, and owning it lets blocked clients be handed to goroutines.
type eventLoop struct {
	s      *Server
	epfd   int
	wakeFD int         // eventfd: writing it interrupts epoll_wait
	armed  atomic.Bool // wakeFD was written and the loop has not looked yet

	mu sync.Mutex
	// Guarded by mu:
	incoming   []*Client // clients handed over by the acceptor
	scheduled  []*Client // clients with pushed output, or killed (schedule)
	spareSched []*Client // an emptied scheduled slice, for reuse

	// serveMu is held by the goroutine serving the loop's sockets: the
	// loop's own, or a stand-in while a script the loop's goroutine runs
	// is busy (standIn). The fields below belong to its holder.
	serveMu       sync.Mutex
	skip          *Client // stand-in: the busy script's caller, not served
	skipScheduled bool    // stand-in: skip was scheduled meanwhile

	byFD     map[int]*Client // loop goroutine only
	events   [128]syscall.EpollEvent
	stopping atomic.Bool
	done     chan struct{}
	spin     int // non-blocking polls before a blocking epoll_wait

	// The loop waits for events by parking on its epoll descriptor in the
	// runtime's netpoller (see wait); nil if that is not possible, and the
	// loop then blocks in epoll_wait.
	epFile *os.File
	epConn syscall.RawConn
	// missedWakeups counts parks that timed out with events waiting;
	// parkDeadline is the read deadline set on epFile (wait).
	missedWakeups atomic.Int64
	parkDeadline  time.Time
	pollFn        func(uintptr) bool // one non-blocking epoll_wait, for epConn.Read
	polled        int                // what pollFn found: events, or -1 with pollErr
	pollErr       syscall.Errno
}

type eventLoops struct {
	loops []*eventLoop
	next  atomic.Uint64
}

// startEventLoops starts n loops; nil if epoll is unavailable.
func (s *Server) startEventLoops(n int) *eventLoops {
	ls := &eventLoops{}
	for i := 0; i < n; i++ {
		l, err := newEventLoop(s)
		if err != nil {
			s.Logf("event loop unavailable (%v): one goroutine per connection", err)
			ls.stop()
			return nil
		}
		ls.loops = append(ls.loops, l)
		go l.run()
	}
	return ls
}

func newEventLoop(s *Server) (*eventLoop, error) {
	epfd, err := syscall.EpollCreate1(syscall.EPOLL_CLOEXEC)
	if err != nil {
		return nil, err
	}
	l := &eventLoop{s: s, epfd: epfd, byFD: map[int]*Client{}, done: make(chan struct{})}
	if v, err := strconv.Atoi(os.Getenv("PETREL_SPIN")); err == nil && v >= 0 {
		l.spin = v
	}
	fd, _, errno := syscall.RawSyscall(syscall.SYS_EVENTFD2, 0, syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
	if errno != 0 {
		syscall.Close(epfd)
		return nil, errno
	}
	l.wakeFD = int(fd)
	ev := syscall.EpollEvent{Events: syscall.EPOLLIN, Fd: int32(l.wakeFD)}
	if err := syscall.EpollCtl(epfd, syscall.EPOLL_CTL_ADD, l.wakeFD, &ev); err != nil {
		l.closeFDs()
		return nil, err
	}
	l.pollFn = l.pollNow
	if os.Getenv("PETREL_EPOLL_BLOCK") == "" && syscall.SetNonblock(epfd, true) == nil {
		// A non-blocking descriptor handed to os.NewFile joins the
		// runtime's netpoller (an epoll descriptor is pollable: readable
		// when it has events). Do not call Fd on it: that makes it blocking.
		l.epFile = os.NewFile(uintptr(epfd), "epoll")
		if rc, err := l.epFile.SyscallConn(); err == nil {
			l.epConn = rc
		}
	}
	return l, nil
}

func (l *eventLoop) closeFDs() {
	if l.epFile != nil {
		l.epFile.Close() // leaves the netpoller, closes epfd
	} else {
		syscall.Close(l.epfd)
	}
	syscall.Close(l.wakeFD)
}

// add hands a new client to a loop. It reports false if the connection has
// no usable descriptor (the caller then serves it with a goroutine).
//
// The socket is taken out of the Go runtime's netpoller (dup'ed through
// File, the net.Conn closed): otherwise every readiness event would also
// wake the runtime's poller, which costs as much as the loop saves.
func (ls *eventLoops) add(c *Client) bool {
	fc, ok := c.conn.(interface{ File() (*os.File, error) })
	if !ok {
		return false
	}
	f, err := fc.File()
	if err != nil {
		return false
	}
	fd := int(f.Fd())
	if syscall.SetNonblock(fd, true) != nil {
		f.Close()
		return false
	}
	_ = c.conn.Close()
	c.file = f
	c.sysfd = fd
	c.fd.Store(int64(fd) + 1) // CLIENT LIST's fd
	l := ls.loops[ls.next.Add(1)%uint64(len(ls.loops))]
	c.inLoop.Store(true)
	l.mu.Lock()
	l.incoming = append(l.incoming, c)
	l.mu.Unlock()
	l.poke()
	return true
}

// schedule asks the loop to look at one of its clients: output was pushed
// to it, or it was killed. Any goroutine may call it.
func (l *eventLoop) schedule(c *Client) {
	l.mu.Lock()
	l.scheduled = append(l.scheduled, c)
	l.mu.Unlock()
	l.poke()
}

func (ls *eventLoops) stop() {
	for _, l := range ls.loops {
		l.stopping.Store(true)
		l.writeWake()
	}
	for _, l := range ls.loops {
		<-l.done
	}
}

// poke wakes the loop, unless a wake-up is already pending.
func (l *eventLoop) poke() {
	if l.armed.CompareAndSwap(false, true) {
		l.writeWake()
	}
}

func (l *eventLoop) writeWake() {
	one := uint64(1)
	_, _ = syscall.Write(l.wakeFD, (*[8]byte)(unsafe.Pointer(&one))[:])
}

// Reads and writes on the loop's non-blocking sockets never block, so
// they skip the runtime's syscall bookkeeping (RawSyscall).
func rawRead(fd int, p []byte) (int, syscall.Errno) {
	n, _, e := syscall.RawSyscall(syscall.SYS_READ, uintptr(fd), uintptr(unsafe.Pointer(unsafe.SliceData(p))), uintptr(len(p)))
	return int(n), e
}

func rawWrite(fd int, p []byte) (int, syscall.Errno) {
	n, _, e := syscall.RawSyscall(syscall.SYS_WRITE, uintptr(fd), uintptr(unsafe.Pointer(unsafe.SliceData(p))), uintptr(len(p)))
	return int(n), e
}

func (l *eventLoop) run() {
	defer close(l.done)
	defer l.closeFDs()
	l.serveMu.Lock()
	defer l.serveMu.Unlock()
	for {
		timeout := -1
		if l.stopping.Load() {
			if len(l.byFD) == 0 {
				return
			}
			timeout = 50 // let the clients being killed drain
		}
		n, err := l.wait(timeout)
		if err != nil && err != syscall.EINTR {
			l.s.Logf("epoll_wait: %v", err)
			return
		}
		if n > 0 { // EINTR (the runtime's preemption signal) gives n = -1
			l.handle(l.events[:n])
		}
	}
}

// handle serves one batch of epoll events.
func (l *eventLoop) handle(events []syscall.EpollEvent) {
	for i := range events {
		ev := events[i]
		fd := int(ev.Fd)
		if fd == l.wakeFD {
			l.drainWake()
			continue
		}
		c := l.byFD[fd]
		if c == nil || c == l.skip {
			continue
		}
		if ev.Events&syscall.EPOLLOUT != 0 {
			l.writable(c)
		} else if ev.Events&(syscall.EPOLLIN|syscall.EPOLLHUP|syscall.EPOLLERR) != 0 {
			l.readable(c)
		}
	}
}

// A script runs on the goroutine serving its caller, which for a client
// of this loop is the loop's own: while it runs, the loop's other clients
// would not be served. So the loop's goroutine lends the loop out for the
// length of every script (an uncontended unlock and lock of serveMu), and
// once the script is busy (past busy-reply-threshold, scripting.go) a
// stand-in goroutine serves the loop's other clients, which then get -BUSY
// or run SCRIPT KILL, until the script ends. The caller itself is left
// out of epoll meanwhile: its goroutine is in the middle of its command.

// lend releases the loop to a stand-in; the loop's goroutine calls it
// when a script starts.
func (l *eventLoop) lend() { l.serveMu.Unlock() }

// reclaim takes the loop back when the script has ended (and any stand-in
// has stopped).
func (l *eventLoop) reclaim() { l.serveMu.Lock() }

// standIn serves the loop's clients except skip (the busy script's
// caller) until stop is closed.
func (l *eventLoop) standIn(skip *Client, stop <-chan struct{}) {
	l.serveMu.Lock()
	defer l.serveMu.Unlock()
	select {
	case <-stop:
		return
	default:
	}
	registered := l.byFD[skip.sysfd] == skip
	if registered {
		_ = syscall.EpollCtl(l.epfd, syscall.EPOLL_CTL_DEL, skip.sysfd, nil)
	}
	l.skip = skip
	defer func() {
		l.skip = nil
		if registered && l.byFD[skip.sysfd] == skip {
			ev := syscall.EpollEvent{Events: syscall.EPOLLIN | syscall.EPOLLRDHUP, Fd: int32(skip.sysfd)}
			if skip.wantWrite {
				ev.Events = syscall.EPOLLOUT
			}
			_ = syscall.EpollCtl(l.epfd, syscall.EPOLL_CTL_ADD, skip.sysfd, &ev)
		}
		if l.skipScheduled {
			l.skipScheduled = false
			l.schedule(skip) // for the loop, once it has it back
		}
	}()
	var events [64]syscall.EpollEvent // not l.events: the loop's goroutine is iterating those
	for {
		select {
		case <-stop:
			return
		default:
		}
		n, err := syscall.EpollWait(l.epfd, events[:], 100)
		if err != nil && err != syscall.EINTR {
			return
		}
		if n > 0 {
			l.handle(events[:n])
		}
	}
}

func (l *eventLoop) drainWake() {
	l.armed.Store(false) // before taking the lists: a later poke must wake us again
	var buf [8]byte
	_, _ = syscall.Read(l.wakeFD, buf[:])
	l.mu.Lock()
	in, sched := l.incoming, l.scheduled
	l.incoming, l.scheduled = nil, l.spareSched[:0]
	l.spareSched = nil
	l.mu.Unlock()
	for _, c := range in {
		ev := syscall.EpollEvent{Events: syscall.EPOLLIN | syscall.EPOLLRDHUP, Fd: int32(c.sysfd)}
		if err := syscall.EpollCtl(l.epfd, syscall.EPOLL_CTL_ADD, c.sysfd, &ev); err != nil {
			l.s.endClient(c)
			continue
		}
		l.byFD[c.sysfd] = c
		c.loop.Store(l)
		if c.killed.Load() { // killed before it got here
			l.close(c)
		} else if c.hasPushes() { // pushed to before it got here
			l.scheduledClient(c)
		}
	}
	for i, c := range sched {
		sched[i] = nil
		if l.byFD[c.sysfd] != c {
			continue // closed or detached meanwhile
		}
		if c == l.skip {
			l.skipScheduled = true // its goroutine is busy in a script: later
			continue
		}
		l.scheduledClient(c)
	}
	l.mu.Lock()
	if l.spareSched == nil {
		l.spareSched = sched[:0]
	}
	l.mu.Unlock()
}

// scheduledClient serves a client another goroutine scheduled: it is
// closed if it was killed, its pushed output is written unless it is
// already waiting for the socket to drain (EPOLLOUT then writes it).
func (l *eventLoop) scheduledClient(c *Client) {
	if c.killed.Load() {
		l.close(c)
		return
	}
	if c.wantWrite {
		return // writable() takes the queue; the wake flag stays set meanwhile
	}
	if !l.flush(c) {
		l.close(c)
	}
}

func (l *eventLoop) readable(c *Client) {
	if c.killed.Load() {
		// Kill shut the read side down to wake us; on Linux data that
		// arrives afterwards is still readable, so check the flag first.
		l.close(c)
		return
	}
	buf := c.rd.Space(readChunk)
	n, err := rawRead(c.sysfd, buf)
	if err != 0 || n <= 0 {
		if err == syscall.EAGAIN || err == syscall.EINTR {
			return
		}
		l.close(c)
		return
	}
	l.s.stats.readsProcessed.Add(1)
	c.rd.Commit(n)
	c.netIn.Add(int64(n))
	l.s.stats.netInput.Add(int64(n))
	res := l.process(c)
	if res == inputDetach {
		l.detach(c)
		return
	}
	if !l.flush(c) || res == inputClose || c.closeAfterReply {
		l.close(c)
	}
}

// process runs the buffered commands, containing a handler panic to this
// client.
func (l *eventLoop) process(c *Client) (res inputResult) {
	defer func() {
		if r := recover(); r != nil {
			l.s.Logf("panic serving client id=%d addr=%s: %v\n%s", c.ID, c.addr, r, debug.Stack())
			res = inputClose
		}
	}()
	return l.s.processInput(c)
}

// flush writes pending replies; on a partial write the rest waits for
// EPOLLOUT. False means the connection failed.
func (l *eventLoop) flush(c *Client) bool {
	if c.hasPushes() {
		c.takePushes()
	}
	if c.killed.Load() || l.s.outputOverLimit(c) {
		return false
	}
	c.noteReplyBuffer()
	if len(c.w.Buf) > c.wOff {
		l.s.stats.writesProcessed.Add(1)
	}
	// c.wOff is how much of w.Buf a partial write already sent; the rest
	// moves to the front only once the sent part is the larger half, so a
	// slow reader with a large backlog costs no quadratic copying.
	for len(c.w.Buf) > c.wOff {
		n, err := rawWrite(c.sysfd, c.w.Buf[c.wOff:])
		if err == 0 && n > 0 {
			c.netOut.Add(int64(n))
			l.s.stats.netOutput.Add(int64(n))
			c.wOff += n
			continue
		}
		if err == syscall.EINTR {
			continue
		}
		if err == syscall.EAGAIN {
			if c.wOff >= len(c.w.Buf)-c.wOff {
				rest := copy(c.w.Buf, c.w.Buf[c.wOff:])
				c.w.Buf = c.w.Buf[:rest]
				c.wOff = 0
			}
			c.obl.Store(int64(len(c.w.Buf) - c.wOff))
			if !c.wantWrite {
				c.wantWrite = true
				ev := syscall.EpollEvent{Events: syscall.EPOLLOUT, Fd: int32(c.sysfd)}
				return syscall.EpollCtl(l.epfd, syscall.EPOLL_CTL_MOD, c.sysfd, &ev) == nil
			}
			return true
		}
		return false
	}
	c.w.Buf, c.wOff = c.w.Buf[:0], 0
	if c.obl.Load() != 0 {
		c.obl.Store(0)
	}
	if cap(c.w.Buf) > 1<<20 {
		c.w.Buf = nil
	}
	if c.wantWrite {
		c.wantWrite = false
		ev := syscall.EpollEvent{Events: syscall.EPOLLIN | syscall.EPOLLRDHUP, Fd: int32(c.sysfd)}
		return syscall.EpollCtl(l.epfd, syscall.EPOLL_CTL_MOD, c.sysfd, &ev) == nil
	}
	return true
}

func (l *eventLoop) writable(c *Client) {
	if !l.flush(c) || c.killed.Load() {
		l.close(c)
		return
	}
	if !c.wantWrite && c.closeAfterReply {
		l.close(c)
		return
	}
	// Input that arrived while we were not reading is processed now.
	if !c.wantWrite && c.rd.Buffered() > 0 {
		res := l.process(c)
		if res == inputDetach {
			l.detach(c)
			return
		}
		if !l.flush(c) || res == inputClose {
			l.close(c)
		}
	}
}

// unregister removes a client from the loop without closing its socket.
func (l *eventLoop) unregister(c *Client) {
	_ = syscall.EpollCtl(l.epfd, syscall.EPOLL_CTL_DEL, c.sysfd, nil)
	delete(l.byFD, c.sysfd)
	c.loop.Store(nil)
	c.inLoop.Store(false)
}

func (l *eventLoop) close(c *Client) {
	l.unregister(c)
	l.s.endClient(c)
}

// detach moves a client whose command must wait to its own goroutine,
// which runs that command and then serves the connection classically: the
// socket goes back to the runtime's netpoller as a net.Conn.
func (l *eventLoop) detach(c *Client) {
	l.unregister(c)
	args := c.detached
	c.detached = nil
	nc, err := net.FileConn(c.file)
	if err != nil {
		l.s.endClient(c)
		return
	}
	c.closeFile()
	c.setConn(nc)
	go l.s.serveDetached(c, args)
}

// wait returns the next events: up to l.spin non-blocking polls (raw
// syscalls that keep the thread's P; measured on 2 cores they did not pay,
// docs/benchmarks.md, so the default is 0, PETREL_SPIN sets it), then a
// wait without timeout parks the goroutine on the epoll descriptor in the
// runtime's netpoller.
//
// Why not a blocking epoll_wait: that is a syscall the runtime must
// assume may block. With GOMAXPROCS = loops, sysmon sees the loop's P in
// a syscall, polls every 20 µs, takes the P away after one tick and
// starts another thread to poll the network, and the loop's thread then
// has to get a P back through futex wake-ups when epoll_wait returns:
// several context switches per wake-up, a fifth of the server's CPU in
// profiles. Parked in the netpoller, the goroutine holds no P, the idle
// runtime sleeps in its own epoll_wait, and the thread that wakes from it
// runs the loop itself (so the loop is not locked to a thread).
// parkLimit bounds one park of the loop in the netpoller (see wait).
const parkLimit = 200 * time.Millisecond

func (l *eventLoop) wait(timeout int) (int, error) {
	if timeout != 0 {
		for i := 0; i < l.spin; i++ {
			if l.pollNow(0); l.polled != 0 {
				return l.polled, l.errOrNil()
			}
		}
	}
	if timeout < 0 && l.epConn != nil {
		l.polled, l.pollErr = 0, 0
		// A bounded park: should a wake-up of the epoll descriptor ever
		// be missed (a client would wait forever), the loop looks again
		// after parkLimit. The deadline is moved only when less than half
		// of it is left: at most a few timer updates a second.
		if now := time.Now(); l.parkDeadline.Sub(now) < parkLimit/2 {
			l.parkDeadline = now.Add(parkLimit)
			_ = l.epFile.SetReadDeadline(l.parkDeadline)
		}
		err := l.epConn.Read(l.pollFn)
		if err == nil {
			return l.polled, l.errOrNil()
		}
		if errors.Is(err, os.ErrDeadlineExceeded) {
			l.mu.Lock()
			queued := len(l.incoming) + len(l.scheduled)
			l.mu.Unlock()
			if queued > 0 {
				if l.missedWakeups.Add(1) == 1 {
					l.s.Logf("event loop: clients queued for the loop after a park timed out (a missed wake-up, recovered)")
				}
				l.drainWake()
			}
			if l.pollNow(0); l.polled > 0 && l.missedWakeups.Add(1) == 1 {
				l.s.Logf("event loop: events found after a park timed out (a missed wake-up, recovered)")
			}
			return l.polled, l.errOrNil()
		}
		l.epConn = nil // not pollable after all: block in epoll_wait from now on
	}
	return syscall.EpollWait(l.epfd, l.events[:], timeout)
}

// pollNow is one non-blocking epoll_wait into l.events; it reports whether
// it found events (or failed), for epConn.Read: false parks until epfd is
// readable.
func (l *eventLoop) pollNow(uintptr) bool {
	r, _, e := syscall.RawSyscall6(syscall.SYS_EPOLL_WAIT, uintptr(l.epfd),
		uintptr(unsafe.Pointer(&l.events[0])), uintptr(len(l.events)), 0, 0, 0)
	l.polled, l.pollErr = int(r), e
	if e != 0 {
		l.polled = -1
	}
	return l.polled != 0
}

func (l *eventLoop) errOrNil() error {
	if l.pollErr != 0 {
		return l.pollErr
	}
	return nil
}
