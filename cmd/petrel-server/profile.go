package main

import (
	"os"
	"runtime"
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

// PETREL_HEAPPROFILE=path,seconds writes a heap profile (in-use and
// allocated since start) after that many seconds: where a load's Go heap
// went.
func init() {
	spec := os.Getenv("PETREL_HEAPPROFILE")
	if spec == "" {
		return
	}
	path, secs, _ := strings.Cut(spec, ",")
	n, err := strconv.Atoi(secs)
	if err != nil || n <= 0 {
		return
	}
	runtime.MemProfileRate = 1 // every allocation: the figures are small
	time.AfterFunc(time.Duration(n)*time.Second, func() {
		f, err := os.Create(path)
		if err != nil {
			return
		}
		runtime.GC() // the profile shows the heap as of the last collection
		pprof.WriteHeapProfile(f)
		f.Close()
	})
}
