package main

import (
	"os"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"
)

// PETREL_CPUPROFILE=path[,seconds] writes a CPU profile of the first
// seconds (default 30) of the run: a measurement aid for load benchmarks.
func init() {
	spec := os.Getenv("PETREL_CPUPROFILE")
	if spec == "" {
		return
	}
	path, secs, _ := strings.Cut(spec, ",")
	d := 30 * time.Second
	if n, err := strconv.Atoi(secs); err == nil && n > 0 {
		d = time.Duration(n) * time.Second
	}
	f, err := os.Create(path)
	if err != nil {
		return
	}
	if pprof.StartCPUProfile(f) != nil {
		f.Close()
		return
	}
	time.AfterFunc(d, func() {
		pprof.StopCPUProfile()
		f.Close()
	})
}
