package server

import (
	"os"
	"runtime/debug"
	"runtime/metrics"
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
}

func (p *gcPolicy) init() {
	p.fixed = os.Getenv("GOGC") != ""
	p.sample[0].Name = "/gc/heap/live:bytes"
	p.percent = 100
	p.adjust()
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
