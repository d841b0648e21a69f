package scripting

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// killSwitch is the context a running script's Lua state checks before
// every instruction (gopher-lua's only interruption point). One serves
// every run, so a run allocates nothing for it: Interrupt closes its
// channel, and the next run gets a fresh one.
//
// It implements AfterFunc so that the contexts gopher-lua derives for
// coroutines (context.WithCancel) register with it instead of starting a
// goroutine each.
type killSwitch struct {
	done atomic.Pointer[chan struct{}] // read before every instruction: no lock

	mu sync.Mutex
	// Guarded by mu:
	running bool
	closed  bool   // done is closed: replace it before the next run
	msg     string // why the run was interrupted
	after   map[*func()]struct{}
}

func newKillSwitch() *killSwitch {
	k := &killSwitch{}
	ch := make(chan struct{})
	k.done.Store(&ch)
	return k
}

func (k *killSwitch) Deadline() (time.Time, bool) { return time.Time{}, false }
func (k *killSwitch) Done() <-chan struct{}       { return *k.done.Load() }
func (k *killSwitch) Value(any) any               { return nil }

func (k *killSwitch) Err() error {
	select {
	case <-k.Done():
		return context.Canceled
	default:
		return nil
	}
}

// AfterFunc runs f when the switch trips (context's afterFuncer).
func (k *killSwitch) AfterFunc(f func()) (stop func() bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.closed {
		go f()
		return func() bool { return false }
	}
	if k.after == nil {
		k.after = map[*func()]struct{}{}
	}
	key := &f
	k.after[key] = struct{}{}
	return func() bool {
		k.mu.Lock()
		defer k.mu.Unlock()
		_, ok := k.after[key]
		delete(k.after, key)
		return ok
	}
}

// arm starts a run.
func (k *killSwitch) arm() {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.closed {
		ch := make(chan struct{})
		k.done.Store(&ch)
		k.closed = false
	}
	k.running, k.msg = true, ""
}

// disarm ends a run; coroutines left suspended are forgotten.
func (k *killSwitch) disarm() {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.running, k.msg = false, ""
	clear(k.after)
}

// trip interrupts the run in progress with msg; false if none runs.
func (k *killSwitch) trip(msg string) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	if !k.running {
		return false
	}
	if !k.closed {
		k.msg = msg
		k.closed = true
		close(*k.done.Load())
		for f := range k.after {
			go (*f)()
		}
		clear(k.after)
	}
	return true
}

// reason is why the run was interrupted, or "".
func (k *killSwitch) reason() string {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.msg
}
