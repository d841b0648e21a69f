package server

import (
	"os"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// The collector's headroom. At the default GOGC=100 Go lets its heap grow
// to twice the live objects, and never below 4 MB: for a server whose data
// lives in arena chunks outside the Go heap (kvtable) that headroom is
// most of the RSS a small dataset adds (100k small hashes: ~109 B/key
// against Valkey's ~92). The live Go heap of such a server is small, so
// collecting more often costs little: the policy lowers GOGC while the
// live heap is small and raises it as the heap grows, where each cycle's
// marking costs more. An explicit GOGC in the environment wins.
//
//	live heap < 64 MB: GOGC 25 (minimum heap 1 MB)
//	live heap < 1 GB:  GOGC 50
//	above:             GOGC 100
type gcPolicy struct {
	fixed   bool // GOGC set by the environment
	percent int  // the value last set
	sample  [1]metrics.Sample

	// Idle release (releaseIfQuiet).
	idle       [3]metrics.Sample // free unreleased heap, objects, live heap
	lastCmds   int64             // commands processed at the last check
	quietSince time.Time         // zero while commands keep coming
	released   bool              // memory was released in this quiet spell

	// Hooks tests replace.
	release     func()                                       // debug.FreeOSMemory
	heapFigures func() (free, objects, live uint64, ok bool) // readHeapFigures
}

func (p *gcPolicy) init() {
	p.fixed = os.Getenv("GOGC") != ""
	p.sample[0].Name = "/gc/heap/live:bytes"
	p.idle[0].Name = "/memory/classes/heap/free:bytes"
	p.idle[1].Name = "/memory/classes/heap/objects:bytes"
	p.idle[2].Name = "/gc/heap/live:bytes"
	p.percent = 100
	p.release, p.heapFigures = debug.FreeOSMemory, p.readHeapFigures
	p.adjust()
}

// Idle release. The Go runtime gives freed heap pages back to the OS
// slowly (its background scavenger keeps some headroom and works at a
// bounded rate), so the pages a burst of commands left as garbage stay
// resident long after; jemalloc, under Valkey, purges such pages in the
// background after a decay time. The cron does the same once the server
// has been quiet for a second (at most a few commands per cron period:
// health checks): it collects and returns the free pages
// (debug.FreeOSMemory) when what it would give back, the free pages and
// the garbage no collection has reclaimed yet (a quiet server may not
// collect for minutes), is worth it: 256 KB and an eighth of the live heap
// (a forced collection of a large heap costs CPU, if idle CPU).
// Once per quiet spell, so a server that stays quiet is not made to
// collect again and again.
const (
	quietFor           = time.Second
	quietCommands      = 10        // per check, i.e. per cron period
	idleReleaseMinimum = 256 << 10 // free unreleased heap bytes worth a release
)

// releaseIfQuiet is called by the cron with the commands processed so far.
func (p *gcPolicy) releaseIfQuiet(cmds int64, now time.Time) {
	busy := cmds-p.lastCmds > quietCommands
	p.lastCmds = cmds
	if busy {
		p.quietSince, p.released = time.Time{}, false
		return
	}
	if p.quietSince.IsZero() {
		p.quietSince = now
		return
	}
	if p.released || now.Sub(p.quietSince) < quietFor {
		return
	}
	p.released = true
	free, objects, live, ok := p.heapFigures()
	if ok && worthReleasing(free, objects, live) {
		p.release()
	}
}

// adjust sets GOGC for the live heap's size; the cron calls it.
func (p *gcPolicy) adjust() {
	if p.fixed {
		return
	}
	metrics.Read(p.sample[:])
	var live uint64
	if p.sample[0].Value.Kind() == metrics.KindUint64 {
		live = p.sample[0].Value.Uint64()
	}
	want := 100
	switch {
	case live < 64<<20:
		want = 25
	case live < 1<<30:
		want = 50
	}
	if want != p.percent {
		p.percent = want
		debug.SetGCPercent(want)
	}
}

// readHeapFigures reads the free unreleased heap bytes, the bytes of heap
// objects (live or not yet swept) and the live heap as of the last
// collection.
func (p *gcPolicy) readHeapFigures() (free, objects, live uint64, ok bool) {
	metrics.Read(p.idle[:])
	var v [3]uint64
	for i := range p.idle {
		if p.idle[i].Value.Kind() != metrics.KindUint64 {
			return 0, 0, 0, false
		}
		v[i] = p.idle[i].Value.Uint64()
	}
	return v[0], v[1], v[2], true
}

// worthReleasing reports whether the free pages plus the garbage not yet
// reclaimed come to 256 KB and an eighth of the live heap.
func worthReleasing(free, objects, live uint64) bool {
	gain := free + objects - min(live, objects)
	return gain >= idleReleaseMinimum && gain >= live/8
}
